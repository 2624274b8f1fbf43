"""Tests of the custom code: the Python reference and the script.csx template.

The compiled C# is compared with the Python reference in test_csharp_vectors.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator import customcode
from generator.customcode import (
    ScriptResponse,
    dump_json,
    indexed_query,
    parse_json_object,
    record_schema,
    record_schema_result,
    record_schema_upstream_url,
    schema_mode,
    subscribe_result,
)
from generator.render.script import script_text
from generator.validate.rules_script import ALLOWED_NAMESPACES

FIELDS_DIR = Path(__file__).parent / "data" / "fields"
FIELDS_PATH = "/k/v1/app/form/fields.json"
REMOVE_PATH = "/k/integration/v1/preview/app/webhook.json"
SCHEMA_URL = "https://example.cybozu.com/k/v1/connector/record-schema.json?app=5&mode=add"
SUBSCRIBE_URL = "https://example.cybozu.com/k/integration/v1/preview/app/webhook.json"
JSON_TYPE = "application/json; charset=utf-8"

SAMPLE_CONTEXT: dict[str, Any] = {
    "record_schema_operation": "GetRecordSchema",
    "fields_path": FIELDS_PATH,
    "webhook_operations": [
        "AddWebhookForAddingRecord",
        "AddWebhookForUpdatingRecord",
        "AddWebhookForDeletingRecord",
        "AddWebhookForAddingRecordComment",
        "AddWebhookForUpdatingStatus",
    ],
    "remove_webhook_path": REMOVE_PATH,
    "indexed_array_operations": [
        {"operation": "GetPreviewAppDeploy", "parameters": ["apps"]},
        {"operation": "GetTwoLists", "parameters": ["ids", "codes"]},
    ],
    "guest_space_parameter": "guestSpaceId",
    "polling_operations": [
        {"operation": "OnRecordsAdded", "kind": "added"},
        {"operation": "OnRecordsUpdated", "kind": "updated"},
        {"operation": "OnRecordStatusChanged", "kind": "status"},
    ],
    "auth_headers": {
        "token": "X-Cybozu-API-Token",
        "username": "X-Kintone-Username",
        "password": "X-Kintone-Password",
        "basic_username": "X-Kintone-Basic-Username",
        "basic_password": "X-Kintone-Basic-Password",
    },
    "bulk_operations": [
        {"operation": "AddRecordsBulk", "kind": "add"},
        {"operation": "UpdateRecordsBulk", "kind": "update"},
        {"operation": "DeleteRecordsBulk", "kind": "delete"},
        {"operation": "BulkRequest", "kind": "request"},
    ],
}


def load_fields(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIELDS_DIR / name).read_text(encoding="utf-8"))
    return data


def schema_of(name: str, mode: customcode.Mode = "add") -> dict[str, Any]:
    result: dict[str, Any] = record_schema(load_fields(name), mode)["schema"]
    return result


def value_of(schema: dict[str, Any], code: str) -> dict[str, Any]:
    value: dict[str, Any] = schema["properties"][code]["properties"]["value"]
    return value


# ---- Record schema: all 28 field types ----------------------------------------------------

READ_ONLY_TYPES = {
    "Record_number": "RECORD_NUMBER",
    "Created_by": "CREATOR",
    "Created_datetime": "CREATED_TIME",
    "Updated_by": "MODIFIER",
    "Updated_datetime": "UPDATED_TIME",
    "Status": "STATUS",
    "Assignee": "STATUS_ASSIGNEE",
    "Categories": "CATEGORY",
    "Total": "CALC",
    "Details": "GROUP",
    "Related": "REFERENCE_TABLE",
}


def _entity_list(label: str, text: str, code_text: str) -> dict[str, Any]:
    return {
        "type": "array",
        "x-ms-summary": label,
        "description": text,
        "items": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "x-ms-summary": "Code", "description": code_text}
            },
            "required": ["code"],
        },
    }


# Expected value schemas of the 17 writable types in all_types.json (mode add).
WRITABLE_VALUES: dict[str, tuple[str, dict[str, Any]]] = {
    "Title": (
        "SINGLE_LINE_TEXT",
        {
            "type": "string",
            "x-ms-summary": "Title",
            "description": "One line of text.",
            "minLength": 1,
            "maxLength": 64,
        },
    ),
    "Notes": (
        "MULTI_LINE_TEXT",
        {
            "type": "string",
            "x-ms-summary": "Notes",
            "description": "Text; it may span several lines.",
        },
    ),
    "Body": (
        "RICH_TEXT",
        {"type": "string", "x-ms-summary": "Body", "description": "Formatted text as HTML."},
    ),
    "Website": (
        "LINK",
        {"type": "string", "x-ms-summary": "Website", "description": "A web address (URL)."},
    ),
    "Amount": (
        "NUMBER",
        {"type": "number", "x-ms-summary": "Amount", "description": "A number, e.g. 42 or 3.5."},
    ),
    "Due": (
        "DATE",
        {
            "type": "string",
            "x-ms-summary": "Due date",
            "description": "A date as YYYY-MM-DD.",
            "format": "date",
        },
    ),
    "Start_time": (
        "TIME",
        {
            "type": "string",
            "x-ms-summary": "Start time",
            "description": "A time of day as HH:MM (24-hour clock).",
        },
    ),
    "Meeting": (
        "DATETIME",
        {
            "type": "string",
            "x-ms-summary": "Meeting",
            "description": "A date and time in ISO 8601, e.g. 2024-05-01T09:30:00Z.",
            "format": "date-time",
        },
    ),
    "Kind": (
        "DROP_DOWN",
        {
            "type": "string",
            "x-ms-summary": "Kind",
            "description": "One of the field's options.",
            "enum": ["A", "B"],
        },
    ),
    "Priority": (
        "RADIO_BUTTON",
        {
            "type": "string",
            "x-ms-summary": "Priority",
            "description": "One of the field's options.",
            "enum": ["Low", "Mid", "High"],
        },
    ),
    "Tags": (
        "CHECK_BOX",
        {
            "type": "array",
            "x-ms-summary": "Tags",
            "description": "Any of the field's options.",
            "items": {"type": "string", "enum": ["blue", "red"]},
        },
    ),
    "Regions": (
        "MULTI_SELECT",
        {
            "type": "array",
            "x-ms-summary": "Regions",
            "description": "Any of the field's options.",
            "items": {"type": "string", "enum": ["EU", "JP", "US"]},
        },
    ),
    "Owner": (
        "USER_SELECT",
        _entity_list("Owner", "Users, each given by login name (code).", "Login name of the user."),
    ),
    "Department": (
        "ORGANIZATION_SELECT",
        _entity_list(
            "Department", "Departments, each given by department code.", "Department code."
        ),
    ),
    "Team": (
        "GROUP_SELECT",
        _entity_list("Team", "Groups, each given by group code.", "Group code."),
    ),
    "Attachments": (
        "FILE",
        {
            "type": "array",
            "x-ms-summary": "Attachments",
            "description": "Files, each given by a fileKey. Upload a file first to get a fileKey.",
            "items": {
                "type": "object",
                "properties": {
                    "fileKey": {
                        "type": "string",
                        "x-ms-summary": "File key",
                        "description": "The fileKey returned by the file upload.",
                    }
                },
                "required": ["fileKey"],
            },
        },
    ),
}


def test_fixture_covers_all_28_field_types() -> None:
    types = {prop["type"] for prop in load_fields("all_types.json")["properties"].values()}
    assert len(types) == 28
    expected = set(READ_ONLY_TYPES.values()) | {t for t, _ in WRITABLE_VALUES.values()}
    assert types == expected | {"SUBTABLE"}


def test_only_writable_fields_appear_in_input_order() -> None:
    schema = schema_of("all_types.json")
    assert list(schema["properties"]) == [*WRITABLE_VALUES, "Items"]
    assert not set(READ_ONLY_TYPES) & set(schema["properties"])


@pytest.mark.parametrize("code", list(WRITABLE_VALUES))
def test_value_schema_per_field_type(code: str) -> None:
    field_type, expected = WRITABLE_VALUES[code]
    field = schema_of("all_types.json")["properties"][code]
    label = expected["x-ms-summary"]
    assert list(field) == ["type", "x-ms-summary", "description", "properties", "required"]
    assert field["type"] == "object"
    assert field["x-ms-summary"] == label
    assert field["description"].endswith(f' field "{label}" ({field_type}).')
    assert field["properties"] == {"value": expected}
    assert field["required"] == ["value"]


@pytest.mark.parametrize(
    ("code", "description"),
    [
        ("Title", 'Text field "Title" (SINGLE_LINE_TEXT).'),
        ("Kind", 'Drop-down field "Kind" (DROP_DOWN).'),
        ("Owner", 'User selection field "Owner" (USER_SELECT).'),
        ("Department", 'Department selection field "Department" (ORGANIZATION_SELECT).'),
        ("Attachments", 'Attachment field "Attachments" (FILE).'),
        ("Items", 'Table "Items" (SUBTABLE).'),
    ],
)
def test_field_description_names_the_kintone_type(code: str, description: str) -> None:
    assert schema_of("all_types.json")["properties"][code]["description"] == description


def test_subtable_rows_carry_id_and_inner_fields() -> None:
    rows = value_of(schema_of("all_types.json"), "Items")
    assert rows["type"] == "array"
    assert rows["x-ms-summary"] == "Items"
    row = rows["items"]
    assert row["type"] == "object"
    assert list(row["properties"]) == ["id", "value"]
    assert row["properties"]["id"]["type"] == "string"
    inner = row["properties"]["value"]
    assert inner["type"] == "object"
    assert list(inner["properties"]) == ["Item", "Qty"]
    assert value_of(inner, "Qty")["type"] == "number"
    assert inner["required"] == ["Item"]


def test_required_fields_listed_in_add_mode() -> None:
    assert schema_of("all_types.json", "add")["required"] == ["Title", "Amount", "Priority"]


def test_nothing_required_in_update_mode() -> None:
    schema = schema_of("all_types.json", "update")
    assert "required" not in schema
    assert "required" not in value_of(schema, "Items")["items"]["properties"]["value"]
    # The value wrapper stays required: a field object without "value" is meaningless.
    assert schema["properties"]["Title"]["required"] == ["value"]


def test_update_mode_differs_from_add_only_in_required() -> None:
    def strip_required(node: Any) -> Any:
        if isinstance(node, dict):
            # Keep the structural lists (value/code/fileKey); drop lists of field codes.
            structural = (["value"], ["code"], ["fileKey"])
            return {
                k: strip_required(v)
                for k, v in node.items()
                if not (k == "required" and v not in structural)
            }
        return node

    add = schema_of("all_types.json", "add")
    update = schema_of("all_types.json", "update")
    assert add != update
    assert strip_required(add) == update


def test_no_default_values_in_schema() -> None:
    text = dump_json(record_schema(load_fields("all_types.json"), "add")).decode()
    assert '"default"' not in text


def test_empty_app_gives_empty_object_schema() -> None:
    assert record_schema(load_fields("empty.json"), "add") == {
        "schema": {"type": "object", "properties": {}}
    }


def test_response_without_properties_gives_empty_schema() -> None:
    assert record_schema({"revision": "1"}, "add") == {
        "schema": {"type": "object", "properties": {}}
    }


# ---- Record schema: lookups, formulas, unknown types, options, labels ---------------------


def test_lookup_copy_targets_are_left_out() -> None:
    schema = schema_of("lookup.json")
    assert list(schema["properties"]) == ["Customer_ID", "Lines"]
    assert schema["required"] == ["Customer_ID"]


def test_lookup_copy_targets_inside_subtable_are_left_out() -> None:
    inner = value_of(schema_of("lookup.json"), "Lines")["items"]["properties"]["value"]
    # Product_name / Unit_price are copy targets, Line_total is CALC, Line_label has a formula.
    assert list(inner["properties"]) == ["Product_code", "Quantity"]
    assert inner["required"] == ["Product_code", "Quantity"]


def test_copy_targets_collected_from_top_level_and_subtables() -> None:
    properties = load_fields("lookup.json")["properties"]
    assert customcode.lookup_copy_targets(properties) == {
        "Customer_name",
        "Customer_phone",
        "Product_name",
        "Unit_price",
    }


def test_calculated_text_and_unknown_types_are_left_out() -> None:
    properties = schema_of("lookup.json")["properties"]
    assert "Full_name" not in properties
    assert "Summary" not in properties


def test_options_ordered_by_numeric_index_unknown_last() -> None:
    schema = schema_of("options.json")
    # "10" sorts after "2" (numeric), integer index accepted, missing/bad index last in input order.
    assert value_of(schema, "Size")["enum"] == ["Zero", "One", "Two", "Ten", "NoIndex", "Bad"]
    # Equal indexes keep their input order (stable sort on both sides).
    assert value_of(schema, "Colours")["items"]["enum"] == ["a", "b", "c"]


def test_choice_without_options_has_no_enum() -> None:
    schema = schema_of("options.json")
    assert "enum" not in value_of(schema, "Empty_choice")
    assert schema["required"] == ["Empty_choice"]


def test_empty_label_falls_back_to_code() -> None:
    field = schema_of("tricky.json")["properties"]["No_label"]
    assert field["x-ms-summary"] == "No_label"
    assert field["description"] == 'Text area field "No_label" (MULTI_LINE_TEXT).'
    assert field["properties"]["value"]["x-ms-summary"] == "No_label"


def test_link_protocols_and_length_limits() -> None:
    schema = schema_of("tricky.json")
    mail = value_of(schema, "Mail")
    assert mail["format"] == "email"
    assert mail["minLength"] == 3
    # Ten digits is beyond the accepted range, so no maxLength is emitted.
    assert "maxLength" not in mail
    plain = value_of(schema, "Plain_link")
    assert plain == {"type": "string", "x-ms-summary": "Plain link", "description": "A link."}
    assert value_of(schema_of("lookup.json"), "Customer_ID")["description"] == "One line of text."


def test_malformed_entries_are_skipped_and_required_must_be_boolean() -> None:
    schema = schema_of("tricky.json")
    assert "Not_an_object" not in schema["properties"]
    assert "No_type" not in schema["properties"]
    assert "Required_text" in schema["properties"]
    assert schema["required"] == ["顧客名", "Date_like"]


def test_non_ascii_codes_and_labels_kept() -> None:
    field = schema_of("tricky.json")["properties"]["顧客名"]
    assert field["x-ms-summary"] == "Größe 日本語 😀"
    assert field["properties"]["value"]["maxLength"] == 10


# ---- JSON bytes --------------------------------------------------------------------------


def test_dump_json_is_compact_ordered_and_keeps_non_ascii() -> None:
    assert dump_json({"b": 1, "a": ["é", "日"]}) == '{"b":1,"a":["é","日"]}'.encode()


def test_dump_json_escapes_like_newtonsoft() -> None:
    text = 'q"b\\n\nt\tc\x01d\x7fe\u0085f\u2028g\u2029h\u00a0'
    expected = r'"q\"b\\n\nt\tc\u0001d' + "\x7fe" + r"\u0085f\u2028g\u2029h" + "\u00a0" + '"'
    assert dump_json(text) == expected.encode()


def test_dump_json_replaces_lone_surrogates() -> None:
    assert dump_json("a\ud800b") == '"a\ufffdb"'.encode()
    assert dump_json("\ud83d\ude00") == '"😀"'.encode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a":1}', {"a": 1}),
        (b'\xef\xbb\xbf{"a":1}', {"a": 1}),
        (b'{"d":"2024-05-01T09:30:00Z"}', {"d": "2024-05-01T09:30:00Z"}),
        (b"[1]", None),
        (b"", None),
        (b'{"a":1} x', None),
        (b'{"a":"\xff"}', None),
    ],
)
def test_parse_json_object(body: bytes, expected: dict[str, Any] | None) -> None:
    assert parse_json_object(body) == expected


# ---- GetRecordSchema: URL and whole response ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SCHEMA_URL, "https://example.cybozu.com/k/v1/app/form/fields.json?app=5"),
        (
            "https://ex.cybozu.com/k/guest/12/v1/connector/record-schema.json?mode=update&app=7",
            "https://ex.cybozu.com/k/guest/12/v1/app/form/fields.json?app=7",
        ),
        (
            "http://localhost:8080/k/v1/connector/record-schema.json?app=a%20b&lang=en#frag",
            "http://localhost:8080/k/v1/app/form/fields.json?app=a%20b",
        ),
        (
            "https://ex.cybozu.com/k/v1/connector/record-schema.json",
            "https://ex.cybozu.com/k/v1/app/form/fields.json?app=",
        ),
        (
            "https://ex.cybozu.com/k/guest//v1/connector/record-schema.json?app=1",
            "https://ex.cybozu.com/k/v1/app/form/fields.json?app=1",
        ),
    ],
)
def test_record_schema_upstream_url(url: str, expected: str) -> None:
    assert record_schema_upstream_url(url, FIELDS_PATH) == expected


@pytest.mark.parametrize(
    ("url", "mode"),
    [
        (SCHEMA_URL, "add"),
        ("https://h/x?app=1&mode=update", "update"),
        ("https://h/x?app=1", "add"),
        ("https://h/x?mode=UPDATE", "add"),
        ("https://h/x#mode=update", "add"),
    ],
)
def test_schema_mode(url: str, mode: str) -> None:
    assert schema_mode(url) == mode


def test_record_schema_result_success() -> None:
    body = (FIELDS_DIR / "all_types.json").read_bytes()
    update_url = SCHEMA_URL.replace("mode=add", "mode=update")
    result = record_schema_result(update_url, 200, body)
    assert result.status == 200
    assert result.headers == {"Content-Type": JSON_TYPE}
    assert result.body == dump_json(record_schema(json.loads(body), "update"))
    assert b'"required":["Title"' not in result.body


def test_record_schema_result_passes_errors_through() -> None:
    error = b'{"code":"GAIA_AP01","id":"x","message":"Not found"}'
    assert record_schema_result(SCHEMA_URL, 404, error) == ScriptResponse(404, {}, error)


@pytest.mark.parametrize("body", [b"<html>", b'{"revision":"1"}', b'{"properties":[]}'])
def test_record_schema_result_rejects_unexpected_bodies(body: bytes) -> None:
    result = record_schema_result(SCHEMA_URL, 200, body)
    assert result.status == 502
    assert json.loads(result.body)["code"] == "CONNECTOR_RS01"


# ---- Indexed query ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://h/k/v1/preview/app/deploy.json?apps=1,2",
            "https://h/k/v1/preview/app/deploy.json?apps%5B0%5D=1&apps%5B1%5D=2",
        ),
        ("https://h/p?x=0&apps=1%2C2&y=3", "https://h/p?x=0&apps%5B0%5D=1&apps%5B1%5D=2&y=3"),
        ("https://h/p?apps=1%2c2", "https://h/p?apps%5B0%5D=1&apps%5B1%5D=2"),
        ("https://h/p?apps=1&z=9&apps=2", "https://h/p?apps%5B0%5D=1&z=9&apps%5B1%5D=2"),
        ("https://h/p?apps=7", "https://h/p?apps%5B0%5D=7"),
        ("https://h/p?apps=&x=1", "https://h/p?x=1"),
        ("https://h/p?apps", "https://h/p"),
        ("https://h/p?appsx=1,2&apps%5B0%5D=3", "https://h/p?appsx=1,2&apps%5B0%5D=3"),
        ("https://h/p", "https://h/p"),
        ("https://h/p?apps=a%20b,c#top", "https://h/p?apps%5B0%5D=a%20b&apps%5B1%5D=c#top"),
    ],
)
def test_indexed_query(url: str, expected: str) -> None:
    assert indexed_query(url, ["apps"]) == expected


def test_indexed_query_counts_each_parameter_separately() -> None:
    assert (
        indexed_query("https://h/p?ids=1,2&codes=A&ids=3", ["ids", "codes"])
        == "https://h/p?ids%5B0%5D=1&ids%5B1%5D=2&codes%5B0%5D=A&ids%5B2%5D=3"
    )


# ---- Webhook subscription -----------------------------------------------------------------


def test_subscribe_success_answers_201_with_location() -> None:
    upstream = b'{"id":"wh-1","extra":true}'
    result = subscribe_result(SUBSCRIBE_URL, {"app": "5", "url": "cb"}, 200, upstream, REMOVE_PATH)
    assert result.status == 201
    assert result.headers == {
        "Location": "https://example.cybozu.com/k/integration/v1/preview/app/webhook.json"
        "?app=5&id=wh-1"
    }
    assert result.body == upstream


@pytest.mark.parametrize(
    ("app", "upstream", "query"),
    [
        (5, b'{"id": 42}', "app=5&id=42"),
        ("5 6/7", b'{"id":"a&b=c?d#e"}', "app=5%206%2F7&id=a%26b%3Dc%3Fd%23e"),
        ("日本", b'{"id":"~-._"}', "app=%E6%97%A5%E6%9C%AC&id=~-._"),
        (None, b'{"id":"1"}', "app=&id=1"),
    ],
)
def test_subscribe_location_encodes_query_values(app: Any, upstream: bytes, query: str) -> None:
    body = {} if app is None else {"app": app}
    result = subscribe_result(SUBSCRIBE_URL, body, 201, upstream, REMOVE_PATH)
    assert result.status == 201
    assert result.headers["Location"] == f"https://example.cybozu.com{REMOVE_PATH}?{query}"


def test_subscribe_location_uses_request_host_without_user_info() -> None:
    url = "https://user:pw@sub.kintone.com:8443/k/integration/v1/preview/app/webhook/x.json?q=1"
    result = subscribe_result(url, {"app": "1"}, 200, b'{"id":"9"}', REMOVE_PATH)
    assert result.headers["Location"] == f"https://sub.kintone.com:8443{REMOVE_PATH}?app=1&id=9"


@pytest.mark.parametrize(
    "upstream",
    [b"{}", b'{"id":""}', b'{"id":null}', b'{"id":true}', b'{"id":1.5}', b"not json", b""],
)
def test_subscribe_without_usable_id_answers_502(upstream: bytes) -> None:
    result = subscribe_result(SUBSCRIBE_URL, {"app": "5"}, 200, upstream, REMOVE_PATH)
    assert result == ScriptResponse(
        502,
        {"Content-Type": JSON_TYPE},
        b'{"code":"CONNECTOR_WH01","id":"","message":"kintone did not return a webhook id; '
        b'the subscription cannot be removed later."}',
    )


@pytest.mark.parametrize("status", [199, 300, 400, 403, 520])
def test_subscribe_passes_upstream_errors_unchanged(status: int) -> None:
    body = b'{"code":"CB_NO02","id":"x","message":"No privilege"}'
    result = subscribe_result(SUBSCRIBE_URL, {"app": "5"}, status, body, REMOVE_PATH)
    assert result == ScriptResponse(status, {}, body)


# ---- Template -----------------------------------------------------------------------------


def render(context: dict[str, Any] | None = None) -> str:
    return script_text(SAMPLE_CONTEXT if context is None else context)


def test_template_switch_has_a_case_per_operation() -> None:
    text = render()
    cases = re.findall(r'^\s*case (".*?"):\s*\n\s*return await this\.(\w+)\(', text, re.M)
    assert cases == [
        ('"GetRecordSchema"', "GetRecordSchemaAsync"),
        *[(f'"{op}"', "SubscribeAsync") for op in SAMPLE_CONTEXT["webhook_operations"]],
        ('"GetPreviewAppDeploy"', "ForwardIndexedAsync"),
        ('"GetTwoLists"', "ForwardIndexedAsync"),
        ('"AddRecordsBulk"', "BulkRecordsAsync"),
        ('"UpdateRecordsBulk"', "BulkRecordsAsync"),
        ('"DeleteRecordsBulk"', "BulkRecordsAsync"),
        ('"BulkRequest"', "BulkRequestAsync"),
        ('"OnRecordsAdded"', "PollAddedAsync"),
        ('"OnRecordsUpdated"', "PollUpdatedAsync"),
        ('"OnRecordStatusChanged"', "PollStatusAsync"),
    ]
    assert 'ForwardIndexedAsync(new string[] { "ids", "codes", })' in text
    # The default forward goes through SendToKintoneAsync (LongGets.cs), like every other send.
    assert "default:\n                return await this.SendToKintoneAsync(" in text


def test_template_inserts_paths_as_string_literals() -> None:
    text = render()
    assert f'private const string FieldsPath = "{FIELDS_PATH}";' in text
    assert f'private const string RemoveWebhookPath = "{REMOVE_PATH}";' in text


def test_template_escapes_values_as_json_strings() -> None:
    context = dict(SAMPLE_CONTEXT, record_schema_operation='Get"Schema\\', webhook_operations=[])
    text = render(context)
    assert 'case "Get\\"Schema\\\\":' in text
    assert "SubscribeAsync()." not in text.split("// ---- Operations")[0]


def test_template_requires_every_context_value() -> None:
    for name in SAMPLE_CONTEXT:
        context = {k: v for k, v in SAMPLE_CONTEXT.items() if k != name}
        # |tojson hands StrictUndefined to json.dumps, which raises TypeError, not UndefinedError.
        with pytest.raises((jinja2.UndefinedError, TypeError)):
            render(context)


def test_template_uses_only_allowed_namespaces_and_stays_small() -> None:
    text = render()
    usings = re.findall(r"^using ([\w.]+);", text, re.M)
    assert usings
    assert set(usings) <= ALLOWED_NAMESPACES
    assert "HttpClient" not in text
    assert len(text.encode("utf-8")) < 1_000_000
    assert "class Script : ScriptBase" in text
    assert "public override async Task<HttpResponseMessage> ExecuteAsync()" in text


def test_renderer_context_matches_template() -> None:
    # The generator's own context builder must supply exactly what the template needs.
    from generator.parse import default_description, parse_description
    from generator.render.properties import script_context

    context = script_context(parse_description(default_description()))
    assert set(context) == set(SAMPLE_CONTEXT)
    assert f"case {json.dumps(context['record_schema_operation'])}:" in render(context)
