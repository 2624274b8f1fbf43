"""Trigger schemas: GetRecordSchema modes event (record webhooks) and poll (polling triggers).

Python here; C# gives the same bytes (shared vectors in data/vectors/record_schema.json and
the parity test in test_customcode_read.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.customcode import (
    JSON_CONTENT_TYPE,
    MODES,
    Mode,
    dump_json,
    read_record_schema,
    record_schema,
    record_schema_result,
    schema_mode,
)
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.schemas import check_value, to_json_schema
from tests.conftest import GOLDEN

DATA = Path(__file__).parent / "data"
FIXTURES = [*sorted((DATA / "fields").glob("*.json")), DATA / "customcode" / "subtable_read.json"]
SCHEMA_URL = "https://example.cybozu.com/k/v1/connector/record-schema.json?app=5&mode="


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def all_types() -> dict[str, Any]:
    return load(DATA / "fields" / "all_types.json")


def event_schema(fields: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = record_schema(fields, "event")["schema"]
    return schema


def described(json_type: str, summary: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": json_type, "x-ms-summary": summary, "description": description, **extra}


# ---- Modes ------------------------------------------------------------------------------


def test_event_and_poll_are_modes() -> None:
    assert MODES[-2:] == ("event", "poll")
    for mode in ("event", "poll"):
        assert schema_mode(f"https://h/k/v1/connector/record-schema.json?app=1&mode={mode}") == mode
    for other in ("EVENT", "Poll", "events", "poll%20"):
        assert schema_mode(f"https://h/k/v1/connector/record-schema.json?mode={other}") == "add"


# ---- event -------------------------------------------------------------------------------


def test_event_has_the_webhook_payload_properties_in_order() -> None:
    schema = event_schema(all_types())
    assert list(schema) == ["type", "properties"]
    assert schema["type"] == "object"
    assert list(schema["properties"]) == ["id", "type", "app", "record", "recordTitle", "url"]


def test_event_properties_are_summarised_and_described() -> None:
    properties = event_schema(all_types())["properties"]
    assert properties["id"] == described(
        "string", "Notification ID", "The unique ID of this notification."
    )
    assert properties["type"] == described(
        "string",
        "Event type",
        "The kind of event.",
        enum=["ADD_RECORD", "UPDATE_RECORD", "UPDATE_STATUS"],
    )
    assert properties["app"] == described(
        "object",
        "App",
        "The app where the event happened.",
        properties={
            "id": described("string", "App ID", "The ID of the app."),
            "name": described("string", "App name", "The name of the app."),
        },
    )
    assert properties["recordTitle"] == described(
        "string", "Record title", "The record's title as set in the app."
    )
    assert properties["url"] == described(
        "string", "Record URL", "The address of the record.", format="uri"
    )
    for name, prop in properties.items():
        assert list(prop)[:3] == ["type", "x-ms-summary", "description"], name


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_event_record_is_the_read_record(fixture: Path) -> None:
    fields = load(fixture)
    record = event_schema(fields)["properties"]["record"]
    assert list(record) == ["type", "x-ms-summary", "description", "properties"]
    assert record["type"] == "object" and record["x-ms-summary"] == "Record"
    assert record["description"]
    # The same fields as Get Record's output (mode record), so both give the same tokens.
    assert record["properties"] == read_record_schema(fields)["properties"]
    single = record_schema(fields, "record")["schema"]["properties"]["record"]
    assert record["properties"] == single["properties"]


def test_event_of_an_app_without_fields_still_has_id_and_revision() -> None:
    record = event_schema({"properties": {}})["properties"]["record"]
    assert list(record["properties"]) == ["$id", "$revision"]


def test_event_has_no_required_lists() -> None:
    assert b'"required"' not in dump_json(record_schema(all_types(), "event"))


# ---- poll --------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_poll_is_a_value_array_of_read_records(fixture: Path) -> None:
    fields = load(fixture)
    assert record_schema(fields, "poll") == {
        "schema": {
            "type": "object",
            "properties": {"value": {"type": "array", "items": read_record_schema(fields)}},
        }
    }


def test_poll_bytes() -> None:
    body = dump_json(record_schema({"properties": {}}, "poll"))
    record_id = (
        '{"type":"object","x-ms-summary":"Record ID","properties":{"type":{"type":"string",'
        '"x-ms-visibility":"internal"},"value":{"type":"string","x-ms-summary":"Record ID"}}}'
    )
    revision = record_id.replace("Record ID", "Revision")
    record = '{"type":"object","properties":{"$id":' + record_id + ',"$revision":' + revision + "}}"
    assert body.decode() == (
        '{"schema":{"type":"object","properties":{"value":{"type":"array","items":'
        + record
        + "}}}}"
    )


# ---- The script's answer -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["event", "poll"])
def test_answer_is_the_schema_as_json(mode: Mode) -> None:
    body = (DATA / "fields" / "all_types.json").read_bytes()
    answer = record_schema_result(SCHEMA_URL + mode, 200, body)
    assert answer.status == 200
    assert answer.headers == {"Content-Type": JSON_CONTENT_TYPE}
    assert answer.body == dump_json(record_schema(json.loads(body), mode))


@pytest.mark.parametrize("mode", ["event", "poll"])
def test_errors_are_those_of_every_mode(mode: str) -> None:
    kintone_error = b'{"code":"GAIA_AP01","id":"x","message":"not found"}'
    assert record_schema_result(SCHEMA_URL + mode, 404, kintone_error).body == kintone_error
    unreadable = record_schema_result(SCHEMA_URL + mode, 200, b'{"revision":"1"}')
    assert unreadable.status == 502
    assert json.loads(unreadable.body)["code"] == "CONNECTOR_RS01"


# ---- Payloads against the schemas -----------------------------------------------------------

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


def findings(package: ConnectorPackage, mode: Mode, value: Any) -> list[tuple[str, str]]:
    schema = to_json_schema(package, record_schema(all_types(), mode)["schema"])
    return [(f.pointer, f.rule) for f in check_value(schema, value, "test", "RUN-03")]


def test_record_covers_every_field_of_the_app() -> None:
    assert list(RECORD) == list(read_record_schema(all_types())["properties"])


def test_a_kintone_payload_fits_the_event_schema(package: ConnectorPackage) -> None:
    assert findings(package, "event", PAYLOAD) == []
    for kind in ("UPDATE_RECORD", "UPDATE_STATUS"):
        assert findings(package, "event", {**PAYLOAD, "type": kind}) == []


def test_a_polling_answer_fits_the_poll_schema(package: ConnectorPackage) -> None:
    assert findings(package, "poll", {"value": [RECORD, RECORD]}) == []
    assert findings(package, "poll", {"value": []}) == []


def test_wrong_values_are_found(package: ConnectorPackage) -> None:
    wrong = json.loads(json.dumps(PAYLOAD))
    wrong["record"]["Amount"]["value"] = 2500  # kintone sends numbers as text
    wrong["record"]["Items"]["value"][0]["value"]["Qty"]["value"] = 4
    wrong["type"] = "DELETE_RECORD"
    assert findings(package, "event", wrong) == [
        ("/record/Amount/value", "RUN-03"),
        ("/record/Items/value/0/value/Qty/value", "RUN-03"),
        ("/type", "RUN-03"),
    ]
    assert findings(package, "poll", {"value": [wrong["record"]]}) == [
        ("/value/0/Amount/value", "RUN-03"),
        ("/value/0/Items/value/0/value/Qty/value", "RUN-03"),
    ]
