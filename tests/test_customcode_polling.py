"""Polling triggers in the script: added and updated records, watermarks, C# parity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from generator.customcode import (
    JSON_CONTENT_TYPE,
    ScriptResponse,
    UpdatedToken,
    decode_updated_token,
    dump_json,
    encode_updated_token,
    polling_location,
    records_query,
    updated_time_code,
)
from generator.customcode import poll_added as python_poll_added
from generator.customcode import poll_updated as python_poll_updated
from generator.devtools.csharp import PLATFORM_LIMIT_MS, ScriptSession
from tests.test_customcode_csharp import (
    FIELDS_PATH,
    POLL_ADDED,
    POLL_UPDATED,
    Canned,
    Upstream,
    assert_parity,
    open_session,
    run_csharp,
)

H = "https://example.cybozu.com"
ADDED_URL = f"{H}/k/v1/connector/poll/added.json?app=5"
UPDATED_URL = f"{H}/k/v1/connector/poll/updated.json?app=5"
RECORDS = f"{H}/k/v1/records.json"
FIELDS = f"{H}{FIELDS_PATH}?app=5"
CODE = "Updated_datetime"
# Record times; T1 and T1B share a minute. M1, M2, M3: the minutes of T1, T2, T3.
T1, T1B, T2, T3 = (
    "2024-05-01T03:10:00Z",
    "2024-05-01T03:10:07Z",
    "2024-05-01T03:11:30Z",
    "2024-05-01T04:00:00Z",
)
M1, M2, M3 = "2024-05-01T03:10:00Z", "2024-05-01T03:11:00Z", "2024-05-01T04:00:00Z"
ERROR = b'{"code":"GAIA_AP01","id":"e1","message":"The app (ID: 5) not found."}'


def poll_added(url: str, upstream: Upstream) -> ScriptResponse:
    return python_poll_added(url, upstream)


def poll_updated(url: str, upstream: Upstream) -> ScriptResponse:
    return python_poll_updated(url, upstream, FIELDS_PATH)


def record(record_id: int, revision: int, updated: str | None = None, **values: Any) -> Any:
    """A record as Get Records returns it (full, or only the fields the script asks for)."""
    data: dict[str, Any] = {
        "$id": {"type": "__ID__", "value": str(record_id)},
        "$revision": {"type": "__REVISION__", "value": str(revision)},
    }
    if updated is not None:
        data[CODE] = {"type": "UPDATED_TIME", "value": updated}
    for code, value in values.items():
        data[code] = {"type": "SINGLE_LINE_TEXT", "value": value}
    return data


def page(*records: Any) -> bytes:
    return json.dumps({"records": list(records), "totalCount": None}, ensure_ascii=False).encode()


def form(*extra: tuple[str, str]) -> bytes:
    properties: dict[str, Any] = {"Title": {"type": "SINGLE_LINE_TEXT", "label": "Title"}}
    for code, field_type in extra:
        properties[code] = {"type": field_type, "code": code, "label": code}
    return json.dumps({"properties": properties}).encode()


FORM = form(("Created", "CREATED_TIME"), (CODE, "UPDATED_TIME"))


def records_url(query: str, fields: tuple[str, ...] = (), host: str = H, guest: str = "") -> str:
    path = f"/k/guest/{guest}/v1/records.json" if guest else "/k/v1/records.json"
    return f"{host}{path}?{records_query('5', query, fields)}"


def updated_query(time: str) -> str:
    return f'{CODE} >= "{time}" order by {CODE} asc, $id asc limit 500'


def token(time: str, delivered: dict[int, int] | None = None) -> str:
    """The state for the minute of time."""
    return encode_updated_token(UpdatedToken(time[:17] + "00Z", delivered or {}))


def waiting(url: str, state: str) -> ScriptResponse:
    return ScriptResponse(202, {"Location": polling_location(url, state), "Retry-After": "60"})


def delivered(url: str, state: str, *records: Any) -> ScriptResponse:
    headers = {"Content-Type": JSON_CONTENT_TYPE, "Location": polling_location(url, state)}
    return ScriptResponse(200, headers, dump_json({"value": list(records)}))


def check(kind: str, url: str, canned: Canned) -> tuple[ScriptResponse, list[tuple[str, str]]]:
    upstream = Upstream(canned)
    result = (poll_added if kind == "added" else poll_updated)(url, upstream)
    return result, upstream.sent


# ---- Location and query strings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ADDED_URL, f"{ADDED_URL}&state=9"),
        (f"{H}/p?app=5&state=3&x=1", f"{H}/p?app=5&state=9&x=1"),
        (f"{H}/p?state=3&app=5&state=4", f"{H}/p?state=9&app=5"),
        (f"{H}/p?app=5&statex=1", f"{H}/p?app=5&statex=1&state=9"),
        (f"{H}/p", f"{H}/p?state=9"),
        (f"{H}/p?app=5#x", f"{H}/p?app=5&state=9"),
    ],
)
def test_polling_location_replaces_state(url: str, expected: str) -> None:
    assert polling_location(url, "9") == expected


def test_polling_location_encodes_the_state() -> None:
    assert polling_location(f"{H}/p?app=5", "a b&c") == f"{H}/p?app=5&state=a%20b%26c"


def test_records_query_encodes_query_and_field_codes() -> None:
    assert records_query("5", 'A >= "x" order by $id', ["$id", "日付"]) == (
        "app=5&query=A%20%3E%3D%20%22x%22%20order%20by%20%24id"
        "&fields%5B0%5D=%24id&fields%5B1%5D=%E6%97%A5%E4%BB%98"
    )


# ---- Added records ------------------------------------------------------------------------

NEWEST_ID = records_url("order by $id desc limit 1", ("$id",))


def since(state: int) -> str:
    return records_url(f"$id > {state} order by $id asc limit 500")


def test_added_without_state_starts_at_the_newest_record() -> None:
    result, sent = check("added", ADDED_URL, [(200, page(record(42, 3)))])
    assert sent == [("GET", NEWEST_ID)]
    assert result == waiting(ADDED_URL, "42")
    assert result.headers["Location"] == f"{ADDED_URL}&state=42"
    assert result.body == b""


def test_added_in_an_empty_app_starts_at_zero() -> None:
    result, _ = check("added", ADDED_URL, [(200, page())])
    assert result == waiting(ADDED_URL, "0")


def test_added_delivers_new_records_and_moves_the_watermark() -> None:
    url = ADDED_URL + "&state=41"
    records = [record(42, 1, Title="a"), record(45, 1, Title="日本")]
    result, sent = check("added", url, [(200, page(*records))])
    assert sent == [("GET", since(41))]
    assert result == delivered(url, "45", *records)
    assert result.headers["Location"] == f"{ADDED_URL}&state=45"
    assert json.loads(result.body) == {"value": records}


def test_added_without_new_records_keeps_the_watermark() -> None:
    url = ADDED_URL + "&state=45"
    result, _ = check("added", url, [(200, page())])
    assert result == waiting(url, "45")


@pytest.mark.parametrize("state", ["", "abc", "-1", "1.5", "%2041", "1234567890123456789"])
def test_added_with_a_state_it_did_not_write_starts_again(state: str) -> None:
    result, sent = check("added", f"{ADDED_URL}&state={state}", [(200, page(record(7, 1)))])
    assert sent == [("GET", NEWEST_ID)]
    assert result.status == 202
    assert result.headers["Location"] == f"{ADDED_URL}&state=7"


@pytest.mark.parametrize("url", [ADDED_URL, ADDED_URL + "&state=3"])
@pytest.mark.parametrize("status", [400, 403, 404, 520])
def test_added_passes_upstream_errors_unchanged(url: str, status: int) -> None:
    result, _ = check("added", url, [(status, ERROR)])
    assert result == ScriptResponse(status, {}, ERROR)


@pytest.mark.parametrize("body", [b"<html>", b'{"records":{}}', b"[]", b'{"totalCount":"1"}'])
def test_added_rejects_unreadable_record_pages(body: bytes) -> None:
    result, _ = check("added", ADDED_URL + "&state=3", [(200, body)])
    assert result.status == 502
    assert json.loads(result.body)["code"] == "CONNECTOR_PL02"


def test_added_in_a_guest_space_keeps_the_incoming_url_as_location() -> None:
    url = f"{H}/k/v1/connector/poll/added.json?app=5&guestSpaceId=4&state=9"
    result, sent = check("added", url, [(200, page(record(10, 1)))])
    assert sent == [("GET", records_url("$id > 9 order by $id asc limit 500", guest="4"))]
    assert result.headers["Location"] == (
        f"{H}/k/v1/connector/poll/added.json?app=5&guestSpaceId=4&state=10"
    )


def test_added_ignores_records_without_a_usable_id_for_the_watermark() -> None:
    records = [record(50, 1), {"$id": {"value": 51}}, {"Title": {"value": "x"}}]
    result, _ = check("added", ADDED_URL + "&state=49", [(200, page(*records))])
    assert result == delivered(ADDED_URL + "&state=49", "50", *records)


# ---- Updated records: the token -----------------------------------------------------------


@pytest.mark.parametrize(
    ("time", "pairs", "text"),
    [
        (M1, {}, "202405010310"),
        (M1, {7: 2}, "202405010310.7-2"),
        (M1, {101 + i: 2 for i in range(100)}, "202405010310.101-2-100"),
        (M1, {3: 1, 4: 1, 5: 2, 9: 1, 10: 1}, "202405010310.3-1-2.1-2.4-1-2"),
        (M2, {10**17: 12345}, "202405010311.100000000000000000-12345"),
    ],
)
def test_updated_token_format(time: str, pairs: dict[int, int], text: str) -> None:
    assert token(time, pairs) == text
    assert decode_updated_token(text) == UpdatedToken(time, pairs)


@pytest.mark.parametrize(
    "text",
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
def test_updated_token_rejects_other_text(text: str) -> None:
    assert decode_updated_token(text) is None


def test_updated_token_at_the_bounds() -> None:
    assert decode_updated_token("202405010310.999999999999999999-1") is not None
    assert decode_updated_token("202405010310.1-1-60000.1-1-40000") is not None


def test_updated_time_code_is_the_first_updated_time_field() -> None:
    fields = json.loads(form(("A", "CREATED_TIME"), ("B", "UPDATED_TIME"), ("C", "UPDATED_TIME")))
    assert updated_time_code(fields) == "B"
    assert updated_time_code(json.loads(form())) is None
    assert updated_time_code({}) is None


# ---- Updated records: the trigger ---------------------------------------------------------

NEWEST_TIME = records_url(f"order by {CODE} desc, $id desc limit 500", ("$id", "$revision", CODE))


def test_updated_without_state_starts_at_the_newest_minute() -> None:
    newest = [record(8, 3, T2), record(4, 1, "2024-05-01T03:11:05Z"), record(9, 1, T1)]
    result, sent = check("updated", UPDATED_URL, [(200, FORM), (200, page(*newest))])
    assert sent == [("GET", FIELDS), ("GET", NEWEST_TIME)]
    # The records updated in the newest minute are not delivered again.
    assert result == waiting(UPDATED_URL, "202405010311.4-1.4-3")


def test_updated_in_an_empty_app_starts_at_the_epoch() -> None:
    result, _ = check("updated", UPDATED_URL, [(200, FORM), (200, page())])
    assert result == waiting(UPDATED_URL, "197001010000")


def test_updated_delivers_new_records_and_moves_the_token() -> None:
    url = f"{UPDATED_URL}&state={token(T1, {3: 2})}"
    records = [record(3, 2, T1), record(6, 1, T2, Title="x"), record(2, 5, T3), record(7, 1, T3)]
    result, sent = check("updated", url, [(200, FORM), (200, page(*records))])
    assert sent == [("GET", FIELDS), ("GET", records_url(updated_query(M1)))]
    assert result == delivered(url, "202405010400.2-5.5-1", *records[1:])


def test_updated_without_new_records_keeps_the_token() -> None:
    state = token(T2, {6: 1, 7: 1, 8: 4})
    url = f"{UPDATED_URL}&state={state}"
    again = [record(6, 1, T2), record(7, 1, T2), record(8, 4, T2)]
    result, _ = check("updated", url, [(200, FORM), (200, page(*again))])
    assert result == waiting(url, state)


def test_updated_same_minute_boundary() -> None:
    # Delivered in M1: 5 (rev 2) and 8 (rev 1). Since then, in the same minute, record 3 was
    # updated (a lower id) and record 8 was updated again: both come, 5 does not.
    url = f"{UPDATED_URL}&state={token(M1, {5: 2, 8: 1})}"
    records = [record(5, 2, T1), record(3, 4, T1B), record(8, 2, T1B)]
    result, _ = check("updated", url, [(200, FORM), (200, page(*records))])
    assert result == delivered(url, token(M1, {3: 4, 5: 2, 8: 2}), records[1], records[2])


def test_updated_stale_revision_in_the_same_minute_is_not_repeated() -> None:
    url = f"{UPDATED_URL}&state={token(M1, {5: 3})}"
    result, _ = check("updated", url, [(200, FORM), (200, page(record(5, 2, T1B)))])
    assert result.status == 202


def test_updated_full_page_of_delivered_records_seeks_past_them() -> None:
    pairs = {i: 1 for i in range(1, 501)}
    url = f"{UPDATED_URL}&state={token(M1, pairs)}"
    first = [record(i, 1, T1) for i in range(1, 501)]
    rest = [record(501, 1, T1B), record(502, 1, T2)]
    canned = [(200, FORM), (200, page(*first)), (200, page(*rest))]
    result, sent = check("updated", url, canned)
    end = "2024-05-01T03:10:59Z"
    seek = (
        f'({CODE} >= "{M1}" and {CODE} <= "{end}" and $id > 500) or {CODE} > "{end}" '
        f"order by {CODE} asc, $id asc limit 500"
    )
    assert sent[2] == ("GET", records_url(seek))
    assert result == delivered(url, token(M2, {502: 1}), *rest)


def test_updated_counts_records_added_since_as_updated() -> None:
    url = f"{UPDATED_URL}&state={token(T1)}"
    result, _ = check("updated", url, [(200, FORM), (200, page(record(11, 1, T2)))])
    assert result.status == 200


def test_updated_without_an_updated_time_field_is_a_400() -> None:
    result, sent = check("updated", UPDATED_URL, [(200, form(("Created", "CREATED_TIME")))])
    assert sent == [("GET", FIELDS)]
    assert result.status == 400
    assert json.loads(result.body) == {
        "code": "CONNECTOR_PL01",
        "id": "",
        "message": "The app has no Updated datetime field (UPDATED_TIME), so updated records "
        "cannot be watched.",
    }


@pytest.mark.parametrize("calls", [1, 2])
def test_updated_passes_upstream_errors_unchanged(calls: int) -> None:
    canned = [(200, FORM), (403, ERROR)] if calls == 2 else [(404, ERROR)]
    result, sent = check("updated", f"{UPDATED_URL}&state={token(T1)}", canned)
    assert len(sent) == calls
    assert result == ScriptResponse(canned[-1][0], {}, ERROR)


@pytest.mark.parametrize("body", [b"<html>", b'{"properties":[]}', b'{"revision":"1"}'])
def test_updated_rejects_unreadable_form_fields(body: bytes) -> None:
    result, _ = check("updated", UPDATED_URL, [(200, body)])
    assert result.status == 502
    assert json.loads(result.body)["code"] == "CONNECTOR_RS01"


@pytest.mark.parametrize("time", ["2024-05-01T03:10Z", "2024-05-01 03:10:00Z", "", None])
def test_updated_rejects_times_it_cannot_keep(time: str | None) -> None:
    url = f"{UPDATED_URL}&state={token(T1)}"
    result, _ = check("updated", url, [(200, FORM), (200, page(record(9, 1, time)))])
    assert result.status == 502
    assert json.loads(result.body)["code"] == "CONNECTOR_PL03"


def test_updated_in_a_guest_space() -> None:
    url = f"{H}/k/v1/connector/poll/updated.json?guestSpaceId=4&app=5&state={token(T1)}"
    canned = [(200, FORM), (200, page(record(2, 2, T2)))]
    result, sent = check("updated", url, canned)
    assert sent == [
        ("GET", f"{H}/k/guest/4/v1/app/form/fields.json?app=5"),
        ("GET", records_url(updated_query(M1), guest="4")),
    ]
    assert result.headers["Location"] == polling_location(url, token(M2, {2: 2}))
    assert "guestSpaceId=4" in result.headers["Location"]


# ---- C# parity ----------------------------------------------------------------------------

STATE_ADDED = ADDED_URL + "&state=41"
STATE_UPDATED = f"{UPDATED_URL}&state={token(T2, {5: 2, 8: 1})}"
GUEST = "&guestSpaceId=4"
FULL_PAGE = [record(i, 1, T1) for i in range(1, 501)]

SCENARIOS: list[tuple[str, str, str, Canned]] = [
    ("added: start", "added", ADDED_URL, [(200, page(record(42, 3)))]),
    ("added: start, empty app", "added", ADDED_URL, [(200, page())]),
    ("added: start, bad state", "added", ADDED_URL + "&state=x", [(200, page(record(1, 1)))]),
    (
        "added: new records",
        "added",
        STATE_ADDED,
        [(200, page(record(42, 1, Title="a"), record(45, 1, Title="日本\u2028")))],
    ),
    ("added: nothing new", "added", STATE_ADDED, [(200, page())]),
    ("added: upstream error", "added", STATE_ADDED, [(403, ERROR)]),
    ("added: start, upstream error", "added", ADDED_URL, [(520, b"busy")]),
    ("added: unreadable page", "added", STATE_ADDED, [(200, b'{"records":null}')]),
    ("added: guest space", "added", STATE_ADDED + GUEST, [(200, page(record(50, 1)))]),
    ("updated: start", "updated", UPDATED_URL, [(200, FORM), (200, page(record(8, 3, T2)))]),
    ("updated: start, empty app", "updated", UPDATED_URL, [(200, FORM), (200, page())]),
    (
        "updated: new records",
        "updated",
        f"{UPDATED_URL}&state={token(T1, {3: 2})}",
        [(200, FORM), (200, page(record(3, 2, T1), record(6, 1, T2), record(2, 5, T3)))],
    ),
    (
        "updated: nothing new",
        "updated",
        STATE_UPDATED,
        [(200, FORM), (200, page(record(5, 2, T2), record(8, 1, T2)))],
    ),
    (
        "updated: same-minute boundary",
        "updated",
        STATE_UPDATED,
        [(200, FORM), (200, page(record(5, 2, T2), record(3, 4, T2), record(8, 2, T2)))],
    ),
    (
        "updated: full page seeks on",
        "updated",
        f"{UPDATED_URL}&state={token(T1, {i: 1 for i in range(1, 501)})}",
        [(200, FORM), (200, page(*FULL_PAGE)), (200, page(record(501, 1, T1)))],
    ),
    ("updated: no updated time field", "updated", STATE_UPDATED, [(200, form())]),
    ("updated: fields error", "updated", STATE_UPDATED, [(404, ERROR)]),
    ("updated: records error", "updated", STATE_UPDATED, [(200, FORM), (400, ERROR)]),
    ("updated: unreadable fields", "updated", UPDATED_URL, [(200, b"[]")]),
    ("updated: unreadable page", "updated", STATE_UPDATED, [(200, FORM), (200, b"{}")]),
    (
        "updated: bad time",
        "updated",
        STATE_UPDATED,
        [(200, FORM), (200, page(record(9, 1, "2024-05-01T03:10Z")))],
    ),
    (
        "updated: bad token starts again",
        "updated",
        UPDATED_URL + "&state=202405010310.0-1",
        [(200, FORM), (200, page(record(8, 3, T2)))],
    ),
    (
        "updated: guest space",
        "updated",
        STATE_UPDATED + GUEST,
        [(200, FORM), (200, page(record(2, 2, T3)))],
    ),
    (
        "updated: non-ASCII field code",
        "updated",
        f"{UPDATED_URL}&state={token(T1)}",
        [
            (200, json.dumps({"properties": {"更新日時": {"type": "UPDATED_TIME"}}}).encode()),
            (
                200,
                page(
                    {"$id": {"value": "4"}, "$revision": {"value": "1"}, "更新日時": {"value": T2}}
                ),
            ),
        ],
    ),
]


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


def test_scenario_names_are_unique() -> None:
    names = [name for name, *_ in SCENARIOS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("kind", "url", "canned"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_csharp_polling_matches_python(
    session: ScriptSession, kind: str, url: str, canned: Canned
) -> None:
    operation = POLL_ADDED if kind == "added" else POLL_UPDATED
    python = poll_added if kind == "added" else poll_updated
    assert_parity(session, operation, url, canned, lambda upstream: python(url, upstream))


def test_csharp_token_survives_a_round_trip_through_the_location(session: ScriptSession) -> None:
    # The Location of one answer is the next request: C# must read back what it wrote.
    first = [(200, FORM), (200, page(record(3, 1, T1), record(4, 1, T1)))]
    answer = assert_parity(
        session,
        POLL_UPDATED,
        UPDATED_URL + "&state=" + token(T1),
        first,
        lambda upstream: poll_updated(UPDATED_URL + "&state=" + token(T1), upstream),
    )
    location = answer.headers["Location"]
    assert location.endswith("&state=" + quote(token(T1, {3: 1, 4: 1}), safe=""))
    again = [(200, FORM), (200, page(record(3, 1, T1), record(4, 1, T1)))]
    second = assert_parity(
        session, POLL_UPDATED, location, again, lambda upstream: poll_updated(location, upstream)
    )
    assert second.status == 202


def test_csharp_full_pages_stay_well_within_the_time_limit(session: ScriptSession) -> None:
    # 500 records of 30 text fields (about 1.4 MB), then the seek: the platform allows 5 s.
    fields = {f"Text_{k}": "x" * 40 for k in range(30)}
    body = page(*[record(i, 1, T1, **fields) for i in range(1, 501)])
    url = f"{UPDATED_URL}&state={token(T1, {i: 1 for i in range(1, 501)})}"
    run = run_csharp(session, POLL_UPDATED, url, [(200, FORM), (200, body), (200, body)])
    assert run.response is not None and run.response.status == 202
    assert run.elapsed_ms < PLATFORM_LIMIT_MS / 2
