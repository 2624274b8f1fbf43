"""Read schemas: GetRecordSchema modes record, records and add-list, in Python and in C#.

The trigger modes event and poll have their own tests in test_customcode_event.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.customcode import (
    dump_json,
    read_record_schema,
    record_schema,
    record_schema_result,
    schema_mode,
    write_record_schema,
)
from generator.devtools.csharp import ScriptSession
from tests.test_customcode_csharp import assert_same_answer, open_session, run_csharp, sent_by

DATA = Path(__file__).parent / "data"
FIXTURES = [*sorted((DATA / "fields").glob("*.json")), DATA / "customcode" / "subtable_read.json"]
SCHEMA_URL = "https://example.cybozu.com/k/v1/connector/record-schema.json?app=5&mode="


def load(name: str) -> dict[str, Any]:
    path = DATA / "customcode" / name if name == "subtable_read.json" else DATA / "fields" / name
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def read_fields(name: str) -> dict[str, Any]:
    fields: dict[str, Any] = read_record_schema(load(name))["properties"]
    return fields


def string(label: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "x-ms-summary": label, **extra}


def parts(*names: tuple[str, str]) -> dict[str, Any]:
    return {"type": "object", "properties": {n: string(s) for n, s in names}}


ENTITY = parts(("code", "Code"), ("name", "Name"))
FILE = parts(
    ("contentType", "Content type"),
    ("fileKey", "File key"),
    ("name", "File name"),
    ("size", "Size in bytes"),
)


def array(label: str, items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "x-ms-summary": label, "items": items}


# Read value schema of every field of all_types.json that has a record value (section 4.1).
READ_VALUES: dict[str, tuple[str, dict[str, Any]]] = {
    "Record_number": ("RECORD_NUMBER", string("Record number")),
    "Created_by": (
        "CREATOR",
        {"type": "object", "x-ms-summary": "Created by", "properties": ENTITY["properties"]},
    ),
    "Created_datetime": ("CREATED_TIME", string("Created datetime", format="date-time")),
    "Updated_by": (
        "MODIFIER",
        {"type": "object", "x-ms-summary": "Updated by", "properties": ENTITY["properties"]},
    ),
    "Updated_datetime": ("UPDATED_TIME", string("Updated datetime", format="date-time")),
    "Status": ("STATUS", string("Status")),
    "Assignee": ("STATUS_ASSIGNEE", array("Assignee", ENTITY)),
    "Categories": ("CATEGORY", array("Categories", {"type": "string"})),
    "Total": ("CALC", string("Total")),
    "Title": ("SINGLE_LINE_TEXT", string("Title")),
    "Notes": ("MULTI_LINE_TEXT", string("Notes")),
    "Body": ("RICH_TEXT", string("Body")),
    "Website": ("LINK", string("Website")),
    "Amount": ("NUMBER", string("Amount")),
    "Due": ("DATE", string("Due date", format="date", **{"x-nullable": True})),
    "Start_time": ("TIME", string("Start time", **{"x-nullable": True})),
    "Meeting": ("DATETIME", string("Meeting")),
    "Kind": ("DROP_DOWN", string("Kind", **{"x-nullable": True})),
    "Priority": ("RADIO_BUTTON", string("Priority")),
    "Tags": ("CHECK_BOX", array("Tags", {"type": "string"})),
    "Regions": ("MULTI_SELECT", array("Regions", {"type": "string"})),
    "Owner": ("USER_SELECT", array("Owner", ENTITY)),
    "Department": ("ORGANIZATION_SELECT", array("Department", ENTITY)),
    "Team": ("GROUP_SELECT", array("Team", ENTITY)),
    "Attachments": ("FILE", array("Attachments", FILE)),
}


def test_every_field_type_with_a_record_value_is_covered() -> None:
    types = {prop["type"] for prop in load("all_types.json")["properties"].values()}
    covered = {t for t, _ in READ_VALUES.values()}
    assert types - covered == {"GROUP", "REFERENCE_TABLE", "SUBTABLE"}


def test_read_record_lists_system_entries_then_fields_in_input_order() -> None:
    fields = read_fields("all_types.json")
    assert list(fields) == ["$id", "$revision", *READ_VALUES, "Items"]


@pytest.mark.parametrize("code", list(READ_VALUES))
def test_read_value_per_field_type(code: str) -> None:
    field_type, expected = READ_VALUES[code]
    field = read_fields("all_types.json")[code]
    assert field == {
        "type": "object",
        "x-ms-summary": expected["x-ms-summary"],
        "properties": {
            "type": {"type": "string", "x-ms-visibility": "internal"},
            "value": expected,
        },
    }, field_type


@pytest.mark.parametrize(("code", "label"), [("$id", "Record ID"), ("$revision", "Revision")])
def test_system_entries_are_strings(code: str, label: str) -> None:
    field = read_fields("empty.json")[code]
    assert field["x-ms-summary"] == label
    assert field["properties"]["value"] == string(label)


def test_empty_app_still_has_id_and_revision() -> None:
    assert list(read_fields("empty.json")) == ["$id", "$revision"]
    assert list(read_record_schema({"revision": "1"})["properties"]) == ["$id", "$revision"]


def test_subtable_rows_have_id_and_inner_read_fields() -> None:
    rows = read_fields("all_types.json")["Items"]["properties"]["value"]
    assert rows["type"] == "array"
    assert rows["x-ms-summary"] == "Items"
    row = rows["items"]
    assert row["type"] == "object"
    assert row["properties"]["id"] == string("Row ID")
    inner = row["properties"]["value"]
    assert inner["type"] == "object"
    assert list(inner["properties"]) == ["Item", "Qty"]
    assert inner["properties"]["Qty"]["properties"]["value"] == string("Qty")


INNER_TYPES = {
    "Line_text": string("Line text"),
    "Line_number": string("Quantity"),
    "Line_total": string("Line total"),
    "Line_notes": string("Notes"),
    "Line_body": string("Body"),
    "Line_link": string("Link"),
    "Line_tags": array("Tags", {"type": "string"}),
    "Line_priority": string("Priority"),
    "Line_kind": string("Kind", **{"x-nullable": True}),
    "Line_regions": array("Regions", {"type": "string"}),
    "Line_files": array("Files", FILE),
    "Line_date": string("Date", format="date", **{"x-nullable": True}),
    "Line_time": string("Time", **{"x-nullable": True}),
    "Line_datetime": string("Date and time"),
    "Line_user": array("User", ENTITY),
    "Line_department": array("Department", ENTITY),
    "Line_team": array("Team", ENTITY),
    # A lookup copy target cannot be written, but it is read like any text field.
    "Line_copy": string("Line_copy"),
}


def test_subtable_with_every_inner_type() -> None:
    fields = read_fields("subtable_read.json")
    # GROUP has no value, an unknown type has no known shape, a non-object is no field.
    assert list(fields) == ["$id", "$revision", "Title", "Lines", "Empty_table"]
    inner = fields["Lines"]["properties"]["value"]["items"]["properties"]["value"]
    assert {code: f["properties"]["value"] for code, f in inner["properties"].items()} == (
        INNER_TYPES
    )
    assert "required" not in inner
    empty = fields["Empty_table"]["properties"]["value"]["items"]["properties"]["value"]
    assert empty == {"type": "object", "properties": {}}


def test_lookup_targets_and_formulas_are_readable() -> None:
    fields = read_fields("lookup.json")
    codes = ["Customer_ID", "Customer_name", "Customer_phone", "Full_name", "Lines"]
    # Summary is an AI_SUMMARY field, a type this connector does not know yet.
    assert list(fields) == ["$id", "$revision", *codes]


def test_read_schema_has_no_required_lists() -> None:
    text = dump_json(read_record_schema(load("all_types.json"))).decode()
    assert '"required"' not in text


# ---- Modes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "mode"),
    [
        ("mode=record", "record"),
        ("mode=records", "records"),
        ("mode=add-list", "add-list"),
        ("mode=update-list", "update-list"),
        ("mode=event", "event"),
        ("mode=poll", "poll"),
        ("mode=Poll", "add"),
        ("mode=add", "add"),
        ("mode=update", "update"),
        ("mode=Record", "add"),
        ("mode=add%2Dlist", "add"),
        ("x=1", "add"),
        ("mode=records&mode=update", "records"),
    ],
)
def test_schema_mode(query: str, mode: str) -> None:
    assert schema_mode(f"https://h/k/v1/connector/record-schema.json?app=1&{query}") == mode


def test_record_mode_wraps_one_record() -> None:
    fields = load("all_types.json")
    assert record_schema(fields, "record") == {
        "schema": {"type": "object", "properties": {"record": read_record_schema(fields)}}
    }


def test_records_mode_describes_get_records_without_a_next_flag() -> None:
    # Only cursor pages carry next; a Get Records answer never does.
    fields = load("all_types.json")
    assert record_schema(fields, "records") == {
        "schema": {
            "type": "object",
            "properties": {
                "records": {"type": "array", "items": read_record_schema(fields)},
                "totalCount": {"type": "string", "x-nullable": True},
            },
        }
    }


def test_add_list_mode_is_an_array_of_add_records() -> None:
    fields = load("all_types.json")
    schema = record_schema(fields, "add-list")["schema"]
    assert schema == {"type": "array", "items": record_schema(fields, "add")["schema"]}
    assert schema["items"]["required"] == ["Title", "Amount", "Priority"]


def test_update_list_mode_is_an_array_of_typed_changes() -> None:
    fields = load("all_types.json")
    schema = record_schema(fields, "update-list")["schema"]
    assert schema["type"] == "array"
    item = schema["items"]
    assert list(item["properties"]) == ["id", "updateKey", "revision", "record"]
    assert item["properties"]["updateKey"]["required"] == ["field", "value"]
    record = item["properties"]["record"]
    # The update record schema: typed fields, nothing required (only changed fields are sent).
    assert record["properties"] == record_schema(fields, "update")["schema"]["properties"]
    assert "required" not in record and record["x-ms-summary"] == "Fields"


@pytest.mark.parametrize("mode", ["add", "update"])
def test_write_modes_are_unchanged(mode: str) -> None:
    fields = load("all_types.json")
    assert record_schema(fields, mode) == {"schema": write_record_schema(fields, mode == "add")}


# ---- C# parity ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "mode", ["record", "records", "add-list", "update-list", "add", "update", "event", "poll"]
)
def test_csharp_schema_matches_python(session: ScriptSession, fixture: Path, mode: str) -> None:
    url = SCHEMA_URL + mode
    body = fixture.read_bytes()
    run = run_csharp(session, "GetRecordSchema", url, [(200, body)])
    assert sent_by(run) == [("GET", "https://example.cybozu.com/k/v1/app/form/fields.json?app=5")]
    expected = record_schema_result(url, 200, body)
    assert expected.status == 200
    assert_same_answer(run, expected)
