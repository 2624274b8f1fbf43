"""The status-change polling trigger: the updated-records trigger narrowed by a status, C# parity.

kintone has no status history, so the trigger cannot tell a status action from an edit. With a
status input it asks kintone for the records updated since the watermark that are now in that
status; without one it delivers every updated record (with its Status field). Token, queries
and dedupe are the updated trigger's: these tests pin that equivalence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from generator.customcode import (
    NO_STATUS,
    ScriptResponse,
    percent_encode,
    polling_location,
    status_condition,
    status_field_code,
)
from generator.customcode import poll_status as python_poll_status
from generator.customcode import poll_updated as python_poll_updated
from generator.devtools.csharp import ScriptSession
from generator.devtools.runtime.messages import HttpRequest
from generator.devtools.standin import StandIn
from tests.standin.helpers import Client, Clock, request, token_headers
from tests.test_customcode_csharp import (
    FIELDS_PATH,
    POLL_STATUS,
    Canned,
    Upstream,
    assert_parity,
    open_session,
)
from tests.test_customcode_polling import (
    CODE,
    ERROR,
    FIELDS,
    FORM,
    M1,
    M2,
    T1,
    T2,
    T3,
    H,
    form,
    page,
    record,
    records_url,
    token,
    updated_query,
)

STATUS_URL = f"{H}/k/v1/connector/poll/status.json?app=5"
UPDATED_URL = f"{H}/k/v1/connector/poll/updated.json?app=5"
STATUS = "Status"
NEWEST = f"order by {CODE} desc, $id desc limit 500"
ORDER = f"order by {CODE} asc, $id asc limit 500"
START_FIELDS = ("$id", "$revision", CODE)


def with_status(*extra: tuple[str, str], enabled: Any = True) -> bytes:
    """Form fields with an UPDATED_TIME field and a STATUS field (enabled as given)."""
    fields = json.loads(form((CODE, "UPDATED_TIME"), *extra))
    fields["properties"][STATUS] = {"type": "STATUS", "code": STATUS, "enabled": enabled}
    return json.dumps(fields).encode()


FIELDS_ON = with_status()


def poll_status(url: str, upstream: Upstream) -> ScriptResponse:
    return python_poll_status(url, upstream, FIELDS_PATH)


def check(url: str, canned: Canned) -> tuple[ScriptResponse, list[tuple[str, str]]]:
    upstream = Upstream(canned)
    return poll_status(url, upstream), upstream.sent


def in_status(status: str, condition: str, order: str) -> str:
    """The query the trigger sends with a status input."""
    if not condition:
        return f'{STATUS} in ("{status}") {order}'
    return f'{STATUS} in ("{status}") and ({condition}) {order}'


def state_of(result: ScriptResponse) -> str:
    location = result.headers["Location"]
    return location[location.index("&state=") + len("&state=") :]


def status_record(record_id: int, revision: int, updated: str, status: str) -> Any:
    data = record(record_id, revision, updated)
    data[STATUS] = {"type": "STATUS", "value": status}
    return data


# ---- The Status field and the condition ---------------------------------------------------


def test_status_field_code_needs_process_management_on() -> None:
    assert status_field_code(json.loads(FIELDS_ON)) == STATUS
    assert status_field_code(json.loads(with_status(enabled=False))) is None
    # kintone sends a JSON boolean; anything else is not taken for "on".
    for value in ("true", 1, None):
        assert status_field_code(json.loads(with_status(enabled=value))) is None
    assert status_field_code(json.loads(FORM)) is None
    assert status_field_code({}) is None
    no_flag = {"properties": {"S": {"type": "STATUS"}}}
    assert status_field_code(no_flag) is None


def test_status_field_code_is_the_first_enabled_status_field() -> None:
    fields = {
        "properties": {
            "A": {"type": "STATUS", "enabled": False},
            "B": {"type": "STATUS", "enabled": True},
            "C": {"type": "STATUS", "enabled": True},
        }
    }
    assert status_field_code(fields) == "B"


@pytest.mark.parametrize(
    ("raw", "literal"),
    [
        ("Approved", "Approved"),
        ("In%20progress", "In progress"),
        ("Say%20%22yes%22", 'Say \\"yes\\"'),
        ("a%5Cb", "a\\\\b"),
        ("%5C%22", '\\\\\\"'),
        ("%E6%89%BF%E8%AA%8D%E6%B8%88%E3%81%BF", "承認済み"),
        ("a+b", "a+b"),  # "+" is a plus, as for every other query value the script reads
        ('raw"quote', 'raw\\"quote'),
        ("50%", "50%"),  # a lone "%" stays
    ],
)
def test_status_condition_is_a_kintone_query_string(raw: str, literal: str) -> None:
    assert status_condition(STATUS, raw) == percent_encode(f'{STATUS} in ("{literal}")')


def test_status_condition_keeps_invalid_utf8_as_bytes() -> None:
    # %FF is no UTF-8; it is passed on as it came, and the quote after it is still escaped.
    assert status_condition("S", "%FF%22") == "S%20in%20%28%22%FF%5C%22%22%29"


# ---- The trigger --------------------------------------------------------------------------


def test_first_call_with_a_status_starts_at_the_newest_minute_in_that_status() -> None:
    newest = [record(8, 3, T2), record(4, 1, "2024-05-01T03:11:05Z"), record(9, 1, T1)]
    url = STATUS_URL + "&status=Approved"
    result, sent = check(url, [(200, FIELDS_ON), (200, page(*newest))])
    assert sent == [
        ("GET", FIELDS),
        ("GET", records_url(in_status("Approved", "", NEWEST), START_FIELDS)),
    ]
    assert result == ScriptResponse(
        202,
        {"Location": polling_location(url, "202405010311.4-1.4-3"), "Retry-After": "60"},
    )


def test_first_call_with_no_record_in_the_status_starts_at_the_epoch() -> None:
    url = STATUS_URL + "&status=Approved"
    result, _ = check(url, [(200, FIELDS_ON), (200, page())])
    assert result.status == 202
    assert state_of(result) == "197001010000"


def test_records_in_the_status_are_delivered_and_the_token_moves() -> None:
    url = f"{STATUS_URL}&status=Approved&state={token(T1, {3: 2})}"
    records = [
        status_record(3, 2, T1, "Approved"),
        status_record(6, 3, T2, "Approved"),
        status_record(7, 5, T3, "Approved"),
    ]
    result, sent = check(url, [(200, FIELDS_ON), (200, page(*records))])
    condition = f'{CODE} >= "{M1}"'
    assert sent == [("GET", FIELDS), ("GET", records_url(in_status("Approved", condition, ORDER)))]
    assert result.status == 200
    assert json.loads(result.body) == {"value": records[1:]}
    assert state_of(result) == "202405010400.7-5"
    assert result.headers["Location"].startswith(f"{STATUS_URL}&status=Approved&state=")


def test_no_match_keeps_the_token() -> None:
    state = token(T2, {6: 3})
    url = f"{STATUS_URL}&status=Approved&state={state}"
    result, _ = check(url, [(200, FIELDS_ON), (200, page(status_record(6, 3, T2, "Approved")))])
    assert result == ScriptResponse(
        202, {"Location": polling_location(url, state), "Retry-After": "60"}
    )


def test_a_record_back_in_the_status_within_the_minute_fires_again() -> None:
    # Delivered in M1 at revision 3; sent on (5) and back (7) within the same minute.
    url = f"{STATUS_URL}&status=Approved&state={token(M1, {6: 3})}"
    again = status_record(6, 7, T1, "Approved")
    result, _ = check(url, [(200, FIELDS_ON), (200, page(again))])
    assert json.loads(result.body) == {"value": [again]}
    assert state_of(result) == token(M1, {6: 7})


def test_a_full_page_seeks_on_inside_the_status() -> None:
    url = f"{STATUS_URL}&status=Done&state={token(M1, {i: 1 for i in range(1, 501)})}"
    first = [status_record(i, 1, T1, "Done") for i in range(1, 501)]
    rest = [status_record(501, 1, T1, "Done"), status_record(502, 1, T2, "Done")]
    result, sent = check(url, [(200, FIELDS_ON), (200, page(*first)), (200, page(*rest))])
    end = "2024-05-01T03:10:59Z"
    seek = f'({CODE} >= "{M1}" and {CODE} <= "{end}" and $id > 500) or {CODE} > "{end}"'
    assert sent[2] == ("GET", records_url(in_status("Done", seek, ORDER)))
    assert json.loads(result.body) == {"value": rest}
    assert state_of(result) == token(M2, {502: 1})


@pytest.mark.parametrize("status", [None, ""])
def test_without_a_status_it_is_the_updated_trigger(status: str | None) -> None:
    """Same requests, same records, same token as OnRecordsUpdated; only the URL differs."""
    suffix = "" if status is None else f"&status={status}"
    state = "&state=" + token(T1, {3: 2})
    records = [status_record(3, 2, T1, "Done"), status_record(6, 1, T2, "In progress")]
    for later in ([(200, page(*records))], [(200, page(records[0]))]):
        ours, ours_sent = check(STATUS_URL + suffix + state, [(200, FIELDS_ON), *later])
        updated = Upstream([(200, FIELDS_ON), *later])
        theirs = python_poll_updated(UPDATED_URL + state, updated, FIELDS_PATH)
        assert ours_sent == updated.sent
        assert ours_sent[1] == ("GET", records_url(updated_query(M1)))
        assert (ours.status, ours.body, state_of(ours)) == (
            theirs.status,
            theirs.body,
            state_of(theirs),
        )


@pytest.mark.parametrize(
    "later",
    [
        [(200, page())],
        [(200, page(record(5, 2, T2), record(8, 4, T3)))],
        [(200, page(record(5, 2, T2)))],
    ],
)
def test_the_token_is_the_one_updated_gives_for_the_filtered_answer(later: Canned) -> None:
    # Whatever kintone answers to the filtered query, the token moves as OnRecordsUpdated's
    # would on the same answer: the filter lives in the query only.
    state = "&state=" + token(T2, {5: 2})
    ours, _ = check(f"{STATUS_URL}&status=Approved{state}", [(200, FIELDS_ON), *later])
    updated = Upstream([(200, FIELDS_ON), *later])
    theirs = python_poll_updated(UPDATED_URL + state, updated, FIELDS_PATH)
    assert (ours.status, state_of(ours), ours.body) == (
        theirs.status,
        state_of(theirs),
        theirs.body,
    )


PL04 = {
    "code": "CONNECTOR_PL04",
    "id": "",
    "message": "The app has no Status field or its process management is off, so status "
    "changes cannot be watched.",
}


@pytest.mark.parametrize("fields", [FORM, with_status(enabled=False)], ids=["none", "off"])
@pytest.mark.parametrize("query", ["&status=Approved", "", f"&state={token(T1)}"])
def test_no_process_management_is_a_400(fields: bytes, query: str) -> None:
    result, sent = check(STATUS_URL + query, [(200, fields)])
    assert sent == [("GET", FIELDS)]
    assert result.status == 400
    assert json.loads(result.body) == PL04 == NO_STATUS


def test_a_missing_updated_time_field_is_reported_first() -> None:
    fields = json.loads(form())
    fields["properties"][STATUS] = {"type": "STATUS", "enabled": True}
    result, _ = check(STATUS_URL, [(200, json.dumps(fields).encode())])
    assert result.status == 400
    assert json.loads(result.body)["code"] == "CONNECTOR_PL01"


@pytest.mark.parametrize("calls", [1, 2])
def test_kintone_errors_pass_unchanged(calls: int) -> None:
    canned = [(200, FIELDS_ON), (403, ERROR)] if calls == 2 else [(404, ERROR)]
    result, sent = check(f"{STATUS_URL}&status=A&state={token(T1)}", canned)
    assert len(sent) == calls
    assert result == ScriptResponse(canned[-1][0], {}, ERROR)


def test_in_a_guest_space() -> None:
    url = f"{STATUS_URL}&guestSpaceId=4&status=Approved&state={token(T1)}"
    canned = [(200, FIELDS_ON), (200, page(status_record(2, 2, T2, "Approved")))]
    result, sent = check(url, canned)
    condition = f'{CODE} >= "{M1}"'
    assert sent == [
        ("GET", f"{H}/k/guest/4/v1/app/form/fields.json?app=5"),
        ("GET", records_url(in_status("Approved", condition, ORDER), guest="4")),
    ]
    assert result.headers["Location"] == polling_location(url, token(M2, {2: 2}))


def test_non_ascii_codes_and_status() -> None:
    fields = {
        "properties": {
            "更新日時": {"type": "UPDATED_TIME"},
            "状態": {"type": "STATUS", "enabled": True},
        }
    }
    url = f"{STATUS_URL}&status={quote('承認済み')}"
    result, sent = check(url, [(200, json.dumps(fields).encode()), (200, page())])
    query = '状態 in ("承認済み") order by 更新日時 desc, $id desc limit 500'
    assert sent[1] == ("GET", records_url(query, ("$id", "$revision", "更新日時")))
    assert state_of(result) == "197001010000"


# ---- C# parity ----------------------------------------------------------------------------

STATE = "&state=" + token(T2, {5: 2, 8: 1})
APPROVED = f"{STATUS_URL}&status=Approved"

SCENARIOS: list[tuple[str, str, Canned]] = [
    ("start", APPROVED, [(200, FIELDS_ON), (200, page(record(8, 3, T2), record(4, 1, T2)))]),
    ("start, nothing in the status", APPROVED, [(200, FIELDS_ON), (200, page())]),
    (
        "delivered",
        APPROVED + STATE,
        [
            (200, FIELDS_ON),
            (
                200,
                page(
                    status_record(5, 2, T2, "Approved"),
                    status_record(3, 4, T2, "Approved"),
                    status_record(9, 1, T3, "Approved"),
                ),
            ),
        ],
    ),
    ("nothing new", APPROVED + STATE, [(200, FIELDS_ON), (200, page(record(5, 2, T2)))]),
    (
        "full page seeks on",
        f"{APPROVED}&state={token(T1, {i: 1 for i in range(1, 501)})}",
        [
            (200, FIELDS_ON),
            (200, page(*[record(i, 1, T1) for i in range(1, 501)])),
            (200, page(record(501, 1, T1))),
        ],
    ),
    ("no status", STATUS_URL + STATE, [(200, FIELDS_ON), (200, page(record(3, 4, T3)))]),
    ("empty status", f"{STATUS_URL}&status={STATE}", [(200, FIELDS_ON), (200, page())]),
    (
        "quotes and backslashes",
        f"{STATUS_URL}&status=%22a%5C%22%20%5C%5Cb%22{STATE}",
        [(200, FIELDS_ON), (200, page())],
    ),
    # The platform sends valid URLs: a raw quote or a lone "%" would be re-escaped by .NET's
    # Uri before the script sees it (the Python tests above cover them).
    ("plus and percent", f"{STATUS_URL}&status=a+b%25c{STATE}", [(200, FIELDS_ON), (200, page())]),
    ("not UTF-8", f"{STATUS_URL}&status=%FF%C3%22{STATE}", [(200, FIELDS_ON), (200, page())]),
    (
        "non-ASCII status and codes",
        f"{STATUS_URL}&status={quote('承認済み')}{STATE}",
        [
            (
                200,
                json.dumps(
                    {
                        "properties": {
                            "更新日時": {"type": "UPDATED_TIME"},
                            "状態": {"type": "STATUS", "enabled": True},
                        }
                    }
                ).encode(),
            ),
            (
                200,
                page(
                    {"$id": {"value": "4"}, "$revision": {"value": "1"}, "更新日時": {"value": T3}}
                ),
            ),
        ],
    ),
    ("no status field", APPROVED, [(200, FORM)]),
    ("process management off", APPROVED + STATE, [(200, with_status(enabled=False))]),
    ("enabled is a string", APPROVED, [(200, with_status(enabled="true"))]),
    ("no updated time field", APPROVED, [(200, form())]),
    ("fields error", APPROVED, [(404, ERROR)]),
    ("records error", APPROVED + STATE, [(200, FIELDS_ON), (400, ERROR)]),
    ("unreadable fields", APPROVED, [(200, b"[]")]),
    ("unreadable page", APPROVED + STATE, [(200, FIELDS_ON), (200, b"{}")]),
    (
        "bad time",
        APPROVED + STATE,
        [(200, FIELDS_ON), (200, page(record(9, 1, "2024-05-01T03:10Z")))],
    ),
    (
        "guest space",
        f"{APPROVED}&guestSpaceId=4{STATE}",
        [(200, FIELDS_ON), (200, page(record(2, 2, T3)))],
    ),
]


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


def test_scenario_names_are_unique() -> None:
    names = [name for name, *_ in SCENARIOS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("url", "canned"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS]
)
def test_csharp_status_polling_matches_python(
    session: ScriptSession, url: str, canned: Canned
) -> None:
    assert_parity(session, POLL_STATUS, url, canned, lambda upstream: poll_status(url, upstream))


def test_csharp_reads_back_its_own_location(session: ScriptSession) -> None:
    records = [status_record(3, 1, T1, "Approved"), status_record(4, 1, T1, "Approved")]
    url = APPROVED + "&state=" + token(T1)
    first = assert_parity(
        session,
        POLL_STATUS,
        url,
        [(200, FIELDS_ON), (200, page(*records))],
        lambda upstream: poll_status(url, upstream),
    )
    location = first.headers["Location"]
    assert location == f"{APPROVED}&state=" + quote(token(T1, {3: 1, 4: 1}), safe="")
    second = assert_parity(
        session,
        POLL_STATUS,
        location,
        [(200, FIELDS_ON), (200, page(*records))],
        lambda upstream: poll_status(location, upstream),
    )
    assert second.status == 202


# ---- Both engines against the stand-in ----------------------------------------------------


def test_both_engines_agree_against_the_stand_in(session: ScriptSession) -> None:
    """The real queries, parentheses and escaped quotes included, through the stand-in's parser."""
    deals = "deals-full"

    def python(url: str) -> tuple[int, str | None, Any]:
        def send(method: str, upstream: str) -> tuple[int, bytes]:
            reply = request(upstream, method, headers=token_headers(deals))
            body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            return reply.status, body

        result = python_poll_status(url, send, FIELDS_PATH)
        body = json.loads(result.body) if result.body else None
        return result.status, result.headers.get("Location"), body

    def csharp(url: str) -> tuple[int, str | None, Any]:
        headers = (("X-Cybozu-API-Token", deals),)
        response = session.execute(POLL_STATUS, HttpRequest("GET", url, headers))
        body = response.json() if response.body else None
        return response.status, response.header("Location"), body

    with StandIn(clock=Clock()) as kintone:
        client = Client(kintone.url, token_headers(deals))
        rows = [{"Title": {"value": t}, "Amount": {"value": "1"}} for t in ("A", "B")]
        ids = client.post("records", {"app": 2, "records": rows}).body["ids"]
        url = f"{kintone.url}/k/v1/connector/poll/status.json?app=2&status=In%20progress"
        first = [python(url), csharp(url)]
        assert first[0] == first[1] and first[0][0] == 202
        location = first[0][1]
        assert location is not None
        moved = {"id": ids[0], "action": "Start", "assignee": "sato"}
        assert client.put("records/status", {"app": 2, "records": [moved]}).status == 200
        both = [python(location), csharp(location)]
        assert both[0] == both[1]
        assert [r["$id"]["value"] for r in both[0][2]["value"]] == [ids[0]]
        quoted = f"{kintone.url}/k/v1/connector/poll/status.json?app=2&status=%22x%5C"
        assert python(quoted)[0] == csharp(quoted)[0] == 202  # kintone accepts the escapes
