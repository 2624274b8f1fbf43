"""The compiled script's small rules, through its operations: URLs, JSON, polling state.

The whole answers of each operation are pinned by the shared vectors (test_script_vectors.py);
these cases name one rule each.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.devtools.csharp import ScriptSession
from tests.support.script import answer, run

H = "https://example.cybozu.com"
SCHEMA_URL = f"{H}/k/v1/connector/record-schema.json?app=5&mode=add"
FIELDS = {"properties": {"Title": {"type": "SINGLE_LINE_TEXT", "code": "Title", "label": "Title"}}}
ADDED_URL = f"{H}/k/v1/connector/poll/added.json?app=5"
UPDATED_URL = f"{H}/k/v1/connector/poll/updated.json?app=5"
FORM = {
    "properties": {
        "Title": {"type": "SINGLE_LINE_TEXT", "code": "Title", "label": "Title"},
        "Updated_datetime": {"type": "UPDATED_TIME", "code": "Updated_datetime", "label": "U"},
    }
}


def record(record_id: int, updated: str = "2024-05-01T03:10:00Z") -> dict[str, Any]:
    return {
        "$id": {"type": "__ID__", "value": str(record_id)},
        "$revision": {"type": "__REVISION__", "value": "1"},
        "Updated_datetime": {"type": "UPDATED_TIME", "value": updated},
    }


# ---- GetRecordSchema: the form fields it asks for, the mode it reads -----------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (SCHEMA_URL, f"{H}/k/v1/app/form/fields.json?app=5"),
        (
            "https://ex.cybozu.com/k/guest/12/v1/connector/record-schema.json?mode=update&app=7",
            "https://ex.cybozu.com/k/guest/12/v1/app/form/fields.json?app=7",
        ),
        (
            "https://localhost:8080/k/v1/connector/record-schema.json?app=a%20b&lang=en#frag",
            "https://localhost:8080/k/v1/app/form/fields.json?app=a%20b",
        ),
        (
            "https://ex.cybozu.com/k/v1/connector/record-schema.json",
            "https://ex.cybozu.com/k/v1/app/form/fields.json?app=",
        ),
    ],
)
def test_record_schema_reads_the_apps_form_fields(
    script_session: ScriptSession, url: str, expected: str
) -> None:
    result = run(script_session, "GetRecordSchema", url, [answer(200, FIELDS)])
    assert [(s.method, s.url) for s in result.sent] == [("GET", expected)]


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("app=1&mode=update", "update"),
        ("app=1", "add"),
        ("mode=UPDATE&app=1", "add"),
        ("app=1&mode=nonsense", "add"),
    ],
)
def test_the_mode_is_read_exactly_and_defaults_to_add(
    script_session: ScriptSession, query: str, same_as: str
) -> None:
    path = f"{H}/k/v1/connector/record-schema.json?"
    fields = {"properties": {**FIELDS["properties"]}}
    fields["properties"]["Title"] = {**fields["properties"]["Title"], "required": True}
    got = run(script_session, "GetRecordSchema", path + query, [answer(200, fields)])
    want = run(
        script_session, "GetRecordSchema", f"{path}app=1&mode={same_as}", [answer(200, fields)]
    )
    assert got.raise_for_error().body == want.raise_for_error().body


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"properties":{}}', 200),
        (b'\xef\xbb\xbf{"properties":{}}', 200),
        (b"[1]", 502),
        (b"", 502),
        (b'{"properties":{}} x', 502),
        (b'{"properties":{},"a":"\xff"}', 502),
        (b'{"properties":[]}', 502),
        (b"<html>", 502),
    ],
)
def test_form_fields_must_be_one_json_object_in_utf8(
    script_session: ScriptSession, body: bytes, status: int
) -> None:
    response = run(script_session, "GetRecordSchema", SCHEMA_URL, [answer(200, body)])
    assert response.raise_for_error().status == status
    if status == 502:
        assert json.loads(response.raise_for_error().body)["code"] == "CONNECTOR_RS01"


def test_the_answer_is_compact_json_escaped_as_newtonsoft_does(
    script_session: ScriptSession,
) -> None:
    label = 'q"b\\n\nt\tc\x01d\x7fe\u0085f\u2028g\u2029h\u00a0 日本 😀'
    fields = {"properties": {"T": {"type": "SINGLE_LINE_TEXT", "code": "T", "label": label}}}
    body = run(script_session, "GetRecordSchema", SCHEMA_URL, [answer(200, fields)])
    text = body.raise_for_error().body.decode("utf-8")
    escaped = r'"q\"b\\n\nt\tc\u0001d' + "\x7fe" + r"\u0085f\u2028g\u2029h" + '\u00a0 日本 😀"'
    assert f'"x-ms-summary":{escaped}' in text
    assert '": ' not in text  # compact: no spaces after separators


# ---- Polling: the state in the Location --------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ADDED_URL, f"{ADDED_URL}&state=9"),
        (f"{H}/p?app=5&state=3&x=1", f"{H}/p?app=5&state=9&x=1"),
        (f"{H}/p?app=5&statex=1", f"{H}/p?app=5&statex=1&state=9"),
        (f"{H}/p?app=5#x", f"{H}/p?app=5&state=9"),
    ],
)
def test_the_polling_location_replaces_only_the_state(
    script_session: ScriptSession, url: str, expected: str
) -> None:
    page = {"records": [record(9)], "totalCount": None}
    response = run(script_session, "OnRecordsAdded", url, [answer(200, page)]).raise_for_error()
    assert response.header("Location") == expected


@pytest.mark.parametrize(
    "state",
    [
        "",
        "20240501031",
        "2024050103100",
        "20240501031000",
        "2024-05-01T03:10:00Z",
        "202405010310.",
        "202405010310.5",
        "202405010310.5-1-2-3",
        "202405010310.0-1",
        "202405010310.5-1-0",
        "202405010310.5--1",
        "202405010310.a-1",
        "202405010310.+5-1",
        "202405010310.999999999999999999-1.1-1",
        "202405010310.1-1-100001",
        "202405010310.1-1-60000.1-1-40001",
    ],
)
def test_an_updated_state_it_did_not_write_starts_afresh(
    script_session: ScriptSession, state: str
) -> None:
    canned = [answer(200, FORM), answer(200, {"records": [record(4)], "totalCount": None})]
    fresh = run(script_session, "OnRecordsUpdated", UPDATED_URL, canned)
    given = run(script_session, "OnRecordsUpdated", f"{UPDATED_URL}&state={state}", canned)
    assert [s.url for s in given.sent] == [s.url for s in fresh.sent]
    assert given.raise_for_error().status == fresh.raise_for_error().status == 202


@pytest.mark.parametrize(
    "state", ["202405010310.999999999999999999-1", "202405010310.1-1-60000.1-1-40000"]
)
def test_updated_states_at_the_bounds_are_kept(script_session: ScriptSession, state: str) -> None:
    canned = [answer(200, FORM), answer(200, {"records": [], "totalCount": None})]
    given = run(script_session, "OnRecordsUpdated", f"{UPDATED_URL}&state={state}", canned)
    query = parse_qs(urlsplit(given.sent[-1].url).query)["query"][0]
    assert query.startswith('Updated_datetime >= "2024-05-01T03:10:00Z"')
    location = given.raise_for_error().header("Location") or ""
    assert location.startswith(f"{UPDATED_URL}&state=202405010310.")
