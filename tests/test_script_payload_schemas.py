"""kintone's webhook payloads and polling answers against the compiled script's schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.devtools.csharp import ScriptSession
from generator.devtools.csharp.vectors import VECTORS
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.schemas import check_value, to_json_schema
from tests.conftest import GOLDEN
from tests.support.script import record_schema

ALL_TYPES = json.loads((VECTORS / "fields" / "all_types.json").read_text(encoding="utf-8"))

PERSON = {"code": "sato", "name": "Sato"}

# A record of the all_types.json app as kintone sends it (Get Record format).
RECORD: dict[str, Any] = {
    "$id": {"type": "__ID__", "value": "7"},
    "$revision": {"type": "__REVISION__", "value": "3"},
    "Record_number": {"type": "RECORD_NUMBER", "value": "7"},
    "Created_by": {"type": "CREATOR", "value": PERSON},
    "Created_datetime": {"type": "CREATED_TIME", "value": "2024-05-01T09:30:00Z"},
    "Updated_by": {"type": "MODIFIER", "value": PERSON},
    "Updated_datetime": {"type": "UPDATED_TIME", "value": "2024-05-02T10:00:00Z"},
    "Status": {"type": "STATUS", "value": "In progress"},
    "Assignee": {"type": "STATUS_ASSIGNEE", "value": [PERSON]},
    "Categories": {"type": "CATEGORY", "value": []},
    "Total": {"type": "CALC", "value": "12.5"},
    "Title": {"type": "SINGLE_LINE_TEXT", "value": "Support contract"},
    "Notes": {"type": "MULTI_LINE_TEXT", "value": "Line 1\nLine 2"},
    "Body": {"type": "RICH_TEXT", "value": "<b>Hi</b>"},
    "Website": {"type": "LINK", "value": "https://example.com"},
    "Amount": {"type": "NUMBER", "value": "2500"},
    "Due": {"type": "DATE", "value": None},
    "Start_time": {"type": "TIME", "value": "09:30"},
    "Meeting": {"type": "DATETIME", "value": ""},
    "Kind": {"type": "DROP_DOWN", "value": None},
    "Priority": {"type": "RADIO_BUTTON", "value": "High"},
    "Tags": {"type": "CHECK_BOX", "value": ["red"]},
    "Regions": {"type": "MULTI_SELECT", "value": []},
    "Owner": {"type": "USER_SELECT", "value": [PERSON]},
    "Department": {"type": "ORGANIZATION_SELECT", "value": []},
    "Team": {"type": "GROUP_SELECT", "value": []},
    "Attachments": {
        "type": "FILE",
        "value": [{"contentType": "text/plain", "fileKey": "k1", "name": "a.txt", "size": "12"}],
    },
    "Items": {
        "type": "SUBTABLE",
        "value": [
            {
                "id": "41",
                "value": {
                    "Item": {"type": "SINGLE_LINE_TEXT", "value": "Bolt"},
                    "Qty": {"type": "NUMBER", "value": "4"},
                },
            }
        ],
    },
}

PAYLOAD: dict[str, Any] = {
    "id": "01234567-89ab-cdef-0123-456789abcdef",
    "type": "ADD_RECORD",
    "app": {"id": "5", "name": "Deals"},
    "record": RECORD,
    "recordTitle": "Support contract",
    "url": "https://example.cybozu.com/k/5/show#record=7",
}


@pytest.fixture(scope="module")
def package() -> ConnectorPackage:
    return ConnectorPackage.load(GOLDEN)


@pytest.fixture(scope="module")
def schemas(script_session: ScriptSession) -> dict[str, Any]:
    """The compiled script's event and poll schemas of the all_types.json app."""
    return {mode: record_schema(script_session, ALL_TYPES, mode) for mode in ("event", "poll")}


def findings(package: ConnectorPackage, schema: Any, value: Any) -> list[tuple[str, str]]:
    json_schema = to_json_schema(package, schema)
    return [(f.pointer, f.rule) for f in check_value(json_schema, value, "test", "RUN-03")]


def test_record_covers_every_field_of_the_app(schemas: dict[str, Any]) -> None:
    assert list(RECORD) == list(schemas["event"]["properties"]["record"]["properties"])


def test_a_kintone_payload_fits_the_event_schema(
    package: ConnectorPackage, schemas: dict[str, Any]
) -> None:
    assert findings(package, schemas["event"], PAYLOAD) == []
    for kind in ("UPDATE_RECORD", "UPDATE_STATUS"):
        assert findings(package, schemas["event"], {**PAYLOAD, "type": kind}) == []


def test_a_polling_answer_fits_the_poll_schema(
    package: ConnectorPackage, schemas: dict[str, Any]
) -> None:
    assert findings(package, schemas["poll"], {"value": [RECORD, RECORD]}) == []
    assert findings(package, schemas["poll"], {"value": []}) == []


def test_wrong_values_are_found(package: ConnectorPackage, schemas: dict[str, Any]) -> None:
    wrong = json.loads(json.dumps(PAYLOAD))
    wrong["record"]["Amount"]["value"] = 2500  # kintone sends numbers as text
    wrong["record"]["Items"]["value"][0]["value"]["Qty"]["value"] = 4
    wrong["type"] = "DELETE_RECORD"
    assert findings(package, schemas["event"], wrong) == [
        ("/record/Amount/value", "RUN-03"),
        ("/record/Items/value/0/value/Qty/value", "RUN-03"),
        ("/type", "RUN-03"),
    ]
    assert findings(package, schemas["poll"], {"value": [wrong["record"]]}) == [
        ("/value/0/Amount/value", "RUN-03"),
        ("/value/0/Items/value/0/value/Qty/value", "RUN-03"),
    ]
