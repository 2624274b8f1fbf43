"""kintone's query language per field type: one case per (operator, field type), functions, errors.

Every expectation comes from Cybozu's query documentation, cited per table:
- OPS: "Query string" (https://kintone.dev/en/docs/kintone/overview/query-string/, Japanese
  original https://cybozu.dev/ja/kintone/docs/overview/query): the operator list and the table
  of the operators and functions each field type takes; fields in tables take in / not in
  instead of = / != (the note under the operator list).
- FUNCS: the same page, its list of functions (TODAY(), FROM_TODAY(n, unit), THIS_WEEK(weekday),
  THIS_MONTH(day | LAST), THIS_YEAR(), LOGINUSER(), PRIMARY_ORGANIZATION(), ...).
- ERRS: the error codes real kintone answers (SonicGarden/kintone-emulator
  doc/kintone-query-behavior.md, observed 2026-04): GAIA_IQ03 operator, GAIA_IQ11 field,
  GAIA_IQ23 day argument, GAIA_IQ25 FROM_TODAY unit, GAIA_IL08 function misuse, CB_VA01 syntax.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from generator.devtools.standin import DEFAULT_SEED, StandIn

from .helpers import Client, Clock, password_headers, request, token_headers

OPS = "https://kintone.dev/en/docs/kintone/overview/query-string/ (operators per field type)"
FUNCS = "https://kintone.dev/en/docs/kintone/overview/query-string/ (query functions)"
NOW = datetime(2025, 7, 31, 9, 30, 15, tzinfo=UTC)  # a Thursday, the last day of a 31-day month
OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "in", "not in", "like", "not like")
EMPTINESS = ("is empty", "is not empty")

# Three deals. Values chosen so that every operator gives a different answer on every type.
RECORDS: list[dict[str, Any]] = [
    {
        "Title": "Alpha one",
        "Website": "https://alpha.example/",
        "Amount": "10",
        "Notes": "call back soon",
        "Body": "<p>alpha <b>plan</b></p>",
        "Due": "2025-07-31",
        "Call_time": "09:00",
        "Meeting": "2025-07-31T10:00:00Z",
        "Stage": "Won",
        "Priority": "High",
        "Tags": ["red", "blue"],
        "Regions": ["EU"],
        "Owner": [{"code": "sato"}],
        "Department": [{"code": "sales"}],
        "Team": [{"code": "managers"}],
        "Items": [{"value": {"Item": {"value": "Widget"}, "Qty": {"value": "7"}}}],
        "$createdBy": "sato",
        "$status": "In progress",
        "$assignees": ["sato"],
    },
    {
        "Title": "Beta two",
        "Website": "https://beta.example/",
        "Amount": "20",
        "Due": "2025-08-31",
        "Call_time": "13:30",
        "Meeting": "2025-08-01T00:30:00Z",
        "Stage": "Lost",
        "Priority": "Low",
        "Tags": ["green"],
        "Regions": ["US", "JP"],
        "Owner": [{"code": "suzuki"}],
        "Department": [{"code": "dev"}],
        "Items": [{"value": {"Item": {"value": "Gadget"}, "Qty": {"value": "2"}}}],
        "$createdBy": "suzuki",
        "$status": "Done",
        "$assignees": [],
    },
    {
        "Title": "Gamma",
        "Amount": "30",
        "Stage": "Lead",
        "Owner": [],
        "$status": "Not started",
        "$assignees": ["sato"],
    },
]


def _seed(records: list[dict[str, Any]]) -> dict[str, Any]:
    doc = yaml.safe_load(DEFAULT_SEED.read_text(encoding="utf-8"))
    deals = next(app for app in doc["apps"] if app.get("code") == "DEALS")
    deals["records"] = copy.deepcopy(records)
    return dict(doc)


def _attach(kintone: StandIn, client: Client, record_id: int, name: str) -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    headers = {
        **token_headers("deals-full"),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    key = request(f"{kintone.url}/k/v1/file.json", "POST", headers=headers, raw=body).body[
        "fileKey"
    ]
    record = {"Attachments": {"value": [{"fileKey": key}]}}
    assert client.put("record", {"app": 2, "id": record_id, "record": record}).status == 200


@pytest.fixture(scope="module")
def three() -> Iterator[tuple[StandIn, Client]]:
    with StandIn(_seed(RECORDS), clock=Clock(NOW)) as kintone:
        client = Client(kintone.url, token_headers("deals-full"))
        _attach(kintone, client, 3, "report.txt")
        yield kintone, client


def ids(client: Client, query: str) -> list[int]:
    reply = client.get("records", app=2, query=query, fields=["$id"])
    assert reply.status == 200, (query, reply.body)
    return sorted(int(record["$id"]["value"]) for record in reply.body["records"])


# ---- (operator, field type): the documented table, and what each allowed one finds ------------

# Field type -> (a field of that type in the Deals app, {operator: (operand, expected ids)}).
# Operators left out of a row are the ones the documentation does not list for the type. OPS.
_ORDERED = {"=": [2], "!=": [1, 3], ">": [3], "<": [1], ">=": [2, 3], "<=": [1, 2]}
_NUMBERS = {op: ("20", found) for op, found in _ORDERED.items()}
_IDS = {op: ("2", found) for op, found in _ORDERED.items()}
MATRIX: dict[str, tuple[str, dict[str, tuple[str, list[int]]]]] = {
    "__ID__": ("$id", {**_IDS, "in": ("(1, 3)", [1, 3]), "not in": ("(1, 3)", [2])}),
    "RECORD_NUMBER": (
        "Record_number",
        {**_IDS, "in": ("(1, 3)", [1, 3]), "not in": ("(1, 3)", [2])},
    ),
    "NUMBER": ("Amount", {**_NUMBERS, "in": ("(10, 30)", [1, 3]), "not in": ("(10, 30)", [2])}),
    # Total = Amount * (100 + Tax_rate 10) / 100: 11, 22, 33.
    "CALC": (
        "Total",
        {
            **{op: ("22", found) for op, found in _ORDERED.items()},
            "in": ("(11, 33)", [1, 3]),
            "not in": ("(11, 33)", [2]),
        },
    ),
    "SINGLE_LINE_TEXT": (
        "Title",
        {
            "=": ('"Beta two"', [2]),
            "!=": ('"Beta two"', [1, 3]),
            "in": ('("Alpha one", "Gamma")', [1, 3]),
            "not in": ('("Alpha one", "Gamma")', [2]),
            "like": ('"alpha"', [1]),
            "not like": ('"alpha"', [2, 3]),
        },
    ),
    "LINK": (
        "Website",
        {
            "=": ('"https://beta.example/"', [2]),
            "!=": ('"https://beta.example/"', [1, 3]),
            "in": ('("https://alpha.example/")', [1]),
            "not in": ('("https://alpha.example/")', [2, 3]),
            "like": ('"beta"', [2]),
            "not like": ('"beta"', [1, 3]),
        },
    ),
    "MULTI_LINE_TEXT": (
        "Notes",
        {
            "like": ('"call"', [1]),
            "not like": ('"call"', [2, 3]),
            "is empty": ("", [2, 3]),
            "is not empty": ("", [1]),
        },
    ),
    "RICH_TEXT": ("Body", {"like": ('"plan"', [1]), "not like": ('"plan"', [2, 3])}),
    # like on an Attachment field searches the file names (and contents). OPS, "like".
    "FILE": (
        "Attachments",
        {
            "like": ('"report"', [3]),
            "not like": ('"report"', [1, 2]),
            "is empty": ("", [1, 2]),
            "is not empty": ("", [3]),
        },
    ),
    "CHECK_BOX": ("Tags", {"in": ('("blue")', [1]), "not in": ('("blue")', [2, 3])}),
    "RADIO_BUTTON": ("Priority", {"in": ('("High")', [1]), "not in": ('("High")', [2, 3])}),
    "DROP_DOWN": (
        "Stage",
        {"in": ('("Won", "Lost")', [1, 2]), "not in": ('("Won", "Lost")', [3])},
    ),
    "MULTI_SELECT": ("Regions", {"in": ('("JP")', [2]), "not in": ('("JP")', [1, 3])}),
    "USER_SELECT": ("Owner", {"in": ('("suzuki")', [2]), "not in": ('("suzuki")', [1, 3])}),
    "ORGANIZATION_SELECT": (
        "Department",
        {"in": ('("dev")', [2]), "not in": ('("dev")', [1, 3])},
    ),
    "GROUP_SELECT": ("Team", {"in": ('("managers")', [1]), "not in": ('("managers")', [2, 3])}),
    "CREATOR": ("Created_by", {"in": ('("suzuki")', [2]), "not in": ('("suzuki")', [1, 3])}),
    # Gamma (3) was written by the token, as the Administrator; its Attachments too.
    "MODIFIER": ("Updated_by", {"in": ('("suzuki")', [2]), "not in": ('("suzuki")', [1, 3])}),
    "STATUS": (
        "Status",
        {
            "=": ('"Done"', [2]),
            "!=": ('"Done"', [1, 3]),
            "in": ('("Done", "In progress")', [1, 2]),
            "not in": ('("Done", "In progress")', [3]),
        },
    ),
    "STATUS_ASSIGNEE": ("Assignee", {"in": ('("sato")', [1, 3]), "not in": ('("sato")', [2])}),
    "CATEGORY": ("Categories", {"in": ('("Retail")', []), "not in": ('("Retail")', [1, 2, 3])}),
    "DATE": (
        "Due",
        {
            "=": ('"2025-08-31"', [2]),
            "!=": ('"2025-08-31"', [1, 3]),
            ">": ('"2025-07-31"', [2]),
            "<": ('"2025-08-31"', [1]),
            ">=": ('"2025-07-31"', [1, 2]),
            "<=": ('"2025-07-31"', [1]),
        },
    ),
    "TIME": (
        "Call_time",
        {
            "=": ('"13:30"', [2]),
            "!=": ('"13:30"', [1, 3]),
            ">": ('"9:00"', [2]),  # read as 09:00, the way kintone stores times
            "<": ('"13:30"', [1]),
            ">=": ('"09:00"', [1, 2]),
            "<=": ('"09:00"', [1]),
        },
    ),
    "DATETIME": (
        "Meeting",
        {
            "=": ('"2025-08-01T00:30:00Z"', [2]),
            "!=": ('"2025-08-01T00:30:00Z"', [1, 3]),
            ">": ('"2025-07-31T10:00:00Z"', [2]),
            "<": ('"2025-08-01T00:30:00Z"', [1]),
            ">=": ('"2025-07-31T10:00:00Z"', [1, 2]),
            "<=": ('"2025-07-31T10:00:00Z"', [1]),
        },
    ),
    # All three were written at NOW (09:30, to the minute), the Attachments update included.
    "CREATED_TIME": (
        "Created_datetime",
        {
            "=": ('"2025-07-31T09:30:00Z"', [1, 2, 3]),
            "!=": ('"2025-07-31T09:30:00Z"', []),
            ">": ('"2025-07-31T09:29:00Z"', [1, 2, 3]),
            "<": ('"2025-07-31T09:30:00Z"', []),
            ">=": ('"2025-07-31T09:31:00Z"', []),
            "<=": ('"2025-07-31T09:30:00Z"', [1, 2, 3]),
        },
    ),
    "UPDATED_TIME": (
        "Updated_datetime",
        {
            "=": ('"2025-07-31"', [1, 2, 3]),
            "!=": ('"2025-07-31"', []),
            ">": ('"2025-07-30"', [1, 2, 3]),
            "<": ('"2025-07-31"', []),
            ">=": ('"2025-08-01"', []),
            "<=": ('"2025-07-31"', [1, 2, 3]),
        },
    ),
}


def _pairs() -> list[Any]:
    cases = []
    for kind, (code, allowed) in MATRIX.items():
        for op in OPERATORS + EMPTINESS:
            operand, found = allowed.get(op, ('"x"' if op not in EMPTINESS else "", None))
            if found is None and op in ("in", "not in"):
                operand = '("x")'
            query = f"{code} {op} {operand}".strip()
            verdict = "finds" if found is not None else "refused"
            cases.append(pytest.param(query, found, id=f"{kind}[{op}]-{verdict}"))
    return cases


@pytest.mark.parametrize(("query", "found"), _pairs())
def test_operator_on_field_type(
    three: tuple[StandIn, Client], query: str, found: list[int] | None
) -> None:
    """OPS: allowed pairs find exactly the documented records; the others get GAIA_IQ03 (ERRS)."""
    _, client = three
    if found is not None:
        assert ids(client, query) == found
        return
    reply = client.get("records", app=2, query=query)
    assert (reply.status, reply.code) == (400, "GAIA_IQ03"), reply.body


def test_the_matrix_covers_every_type_the_documentation_lists() -> None:
    documented = {
        *("__ID__", "RECORD_NUMBER", "CREATOR", "CREATED_TIME", "MODIFIER", "UPDATED_TIME"),
        *("SINGLE_LINE_TEXT", "LINK", "NUMBER", "CALC", "MULTI_LINE_TEXT", "RICH_TEXT"),
        *("CHECK_BOX", "RADIO_BUTTON", "DROP_DOWN", "MULTI_SELECT", "FILE", "DATE", "TIME"),
        *("DATETIME", "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "STATUS"),
        *("STATUS_ASSIGNEE", "CATEGORY"),
    }
    assert set(MATRIX) == documented


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param('Item in ("Widget", "Gadget")', [1, 2], id="table-SINGLE_LINE_TEXT[in]"),
        pytest.param('Item not in ("Widget")', [2, 3], id="table-SINGLE_LINE_TEXT[not in]"),
        pytest.param('Item like "widg"', [1], id="table-SINGLE_LINE_TEXT[like]"),
        pytest.param("Qty in (2)", [2], id="table-NUMBER[in]"),
        pytest.param("Qty > 5", [1], id="table-NUMBER[>]"),
    ],
)
def test_table_columns_take_in_instead_of_equals(
    three: tuple[StandIn, Client], query: str, found: list[int]
) -> None:
    """OPS (note under the operator list): fields in tables take in / not in, not = / !=."""
    assert ids(three[1], query) == found


@pytest.mark.parametrize("query", ['Item = "Widget"', "Qty != 2"])
def test_table_columns_refuse_equals(three: tuple[StandIn, Client], query: str) -> None:
    reply = three[1].get("records", app=2, query=query)
    assert (reply.status, reply.code) == (400, "GAIA_IQ03")


# ---- user functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "as_sato", "as_token"),
    [
        pytest.param("Owner in (LOGINUSER())", [1], [], id="USER_SELECT-LOGINUSER"),
        pytest.param("Owner not in (LOGINUSER())", [2, 3], [1, 2, 3], id="USER_SELECT-not-in"),
        # An API token acts as the Administrator, who wrote Gamma (3).
        pytest.param("Created_by in (LOGINUSER())", [1], [3], id="CREATOR-LOGINUSER"),
        pytest.param("Updated_by in (LOGINUSER())", [1], [3], id="MODIFIER-LOGINUSER"),
        pytest.param("Assignee in (LOGINUSER())", [1, 3], [], id="STATUS_ASSIGNEE-LOGINUSER"),
        pytest.param(
            "Department in (PRIMARY_ORGANIZATION())",
            [1],  # sato's is sales (the seed's first one naming him); the Administrator has none
            [],
            id="ORGANIZATION_SELECT-PRIMARY_ORGANIZATION",
        ),
    ],
)
def test_user_functions(
    three: tuple[StandIn, Client], query: str, as_sato: list[int], as_token: list[int]
) -> None:
    """FUNCS: LOGINUSER() is the user calling the API, PRIMARY_ORGANIZATION() their primary
    organization; an API token acts as the Administrator (kintone shows its writes so)."""
    kintone, token = three
    sato = Client(kintone.url, password_headers("sato", "sato-pass"))
    assert (ids(sato, query), ids(token, query)) == (as_sato, as_token)


# ---- date functions and calendar arithmetic ----------------------------------------------------

DUES = [
    "2024-02-29",
    "2024-12-31",
    "2025-02-28",
    "2025-06-30",
    "2025-07-01",
    "2025-07-15",
    "2025-07-20",
    "2025-07-26",
    "2025-07-27",
    "2025-07-28",
    "2025-07-30",
    "2025-07-31",
    "2025-08-01",
    "2025-08-02",
    "2025-08-03",
    "2025-08-09",
    "2025-08-14",
    "2025-08-31",
    "2026-01-01",
    "2026-02-28",
]
MEETINGS = ["2025-07-31T09:30:00Z", "2025-07-31T23:59:00Z", "2025-08-01T00:00:00Z"]


@pytest.fixture(scope="module")
def dated() -> Iterator[Client]:
    records: list[dict[str, Any]] = [
        {"Title": f"Due {due}", "Amount": "1", "Due": due} for due in DUES
    ]
    records += [{"Title": f"Meet {at}", "Amount": "1", "Meeting": at} for at in MEETINGS]
    with StandIn(_seed(records), clock=Clock(NOW)) as kintone:
        yield Client(kintone.url, token_headers("deals-full"))


def matching(client: Client, query: str, code: str) -> list[str]:
    reply = client.get("records", app=2, query=query, fields=[code])
    assert reply.status == 200, (query, reply.body)
    return sorted(record[code]["value"] or "" for record in reply.body["records"])


JULY = [d for d in DUES if d.startswith("2025-07")]
AUGUST = [d for d in DUES if d.startswith("2025-08")]
THIS_WEEK = ["2025-07-27", "2025-07-28", "2025-07-30", "2025-07-31", "2025-08-01", "2025-08-02"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Due = TODAY()", ["2025-07-31"]),
        ("Due = YESTERDAY()", ["2025-07-30"]),
        ("Due = TOMORROW()", ["2025-08-01"]),
        ("Due = FROM_TODAY(-1, DAYS)", ["2025-07-30"]),
        ("Due = FROM_TODAY(2, WEEKS)", ["2025-08-14"]),
        # Calendar months: 31 July + 1 month is 31 August, - 1 month the last day of June,
        # - 5 months the last day of February, - 17 months 29 February of the leap year 2024.
        ("Due = FROM_TODAY(1, MONTHS)", ["2025-08-31"]),
        ("Due = FROM_TODAY(-1, MONTHS)", ["2025-06-30"]),
        ("Due = FROM_TODAY(-5, MONTHS)", ["2025-02-28"]),
        ("Due = FROM_TODAY(-17, MONTHS)", ["2024-02-29"]),
        ("Due = FROM_TODAY(7, months)", ["2026-02-28"]),
        ("Due = FROM_TODAY(-1, YEARS)", []),
        # Weeks run Sunday to Saturday; a weekday argument is that day of the week.
        ("Due = THIS_WEEK()", THIS_WEEK),
        ("Due = THIS_WEEK(SUNDAY)", ["2025-07-27"]),
        ("Due = THIS_WEEK(MONDAY)", ["2025-07-28"]),
        ("Due = THIS_WEEK(SATURDAY)", ["2025-08-02"]),
        ("Due = LAST_WEEK()", ["2025-07-20", "2025-07-26"]),
        ("Due = NEXT_WEEK()", ["2025-08-03", "2025-08-09"]),
        ("Due = NEXT_WEEK(SATURDAY)", ["2025-08-09"]),
        # Months, with a day of the month or LAST (its last day) as argument.
        ("Due = THIS_MONTH()", JULY),
        ("Due = THIS_MONTH(1)", ["2025-07-01"]),
        ("Due = THIS_MONTH(15)", ["2025-07-15"]),
        ("Due = THIS_MONTH(LAST)", ["2025-07-31"]),
        ("Due = LAST_MONTH()", ["2025-06-30"]),
        ("Due = LAST_MONTH(LAST)", ["2025-06-30"]),
        ("Due = NEXT_MONTH()", AUGUST),
        ("Due = NEXT_MONTH(LAST)", ["2025-08-31"]),
        ("Due = THIS_YEAR()", [d for d in DUES if d.startswith("2025")]),
        ("Due = LAST_YEAR()", ["2024-02-29", "2024-12-31"]),
        ("Due = NEXT_YEAR()", ["2026-01-01", "2026-02-28"]),
        # A period compared: = inside, != outside, < before its first day, > after its last.
        # != also finds the records without a date (the three meetings), as != "2025-07-31" does.
        (
            "Due != THIS_YEAR()",
            ["", "", "", "2024-02-29", "2024-12-31", "2026-01-01", "2026-02-28"],
        ),
        ("Due < THIS_MONTH()", ["2024-02-29", "2024-12-31", "2025-02-28", "2025-06-30"]),
        ("Due > THIS_MONTH()", [*AUGUST, "2026-01-01", "2026-02-28"]),
        ("Due >= THIS_WEEK()", [d for d in DUES if d >= "2025-07-27"]),
        ("Due <= LAST_WEEK()", [d for d in DUES if d <= "2025-07-26"]),
        ("Due > TODAY() and Due < NEXT_WEEK()", ["2025-08-01", "2025-08-02"]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_date_functions(dated: Client, query: str, found: list[str]) -> None:
    """FUNCS, on a Date field, with the clock at Thursday 31 July 2025 09:30:15 UTC (the
    stand-in's domain time zone is UTC, as its DATETIME values)."""
    assert matching(dated, query, "Due") == found


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Meeting = TODAY()", MEETINGS[:2]),
        ("Meeting = TOMORROW()", MEETINGS[2:]),
        ("Meeting = NOW()", MEETINGS[:1]),  # NOW() to the minute, as kintone stores times
        ("Meeting > NOW()", MEETINGS[1:]),
        ("Meeting <= NOW()", MEETINGS[:1]),
        ("Meeting = THIS_WEEK(FRIDAY)", MEETINGS[2:]),
        ("Meeting = NEXT_MONTH(1)", MEETINGS[2:]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_date_functions_on_date_and_time(dated: Client, query: str, found: list[str]) -> None:
    """FUNCS on a Date and time field: a day function stands for the whole (UTC) day."""
    assert matching(dated, query, "Meeting") == found


def test_date_functions_on_created_time(dated: Client) -> None:
    assert len(ids(dated, "Created_datetime = THIS_MONTH()")) == len(DUES + MEETINGS)
    assert ids(dated, "Created_datetime = LAST_YEAR() or Updated_datetime > NOW()") == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("Title = TODAY()", "GAIA_IL08", id="TODAY-on-text"),
        pytest.param("Call_time = TODAY()", "GAIA_IL08", id="TODAY-on-time"),
        pytest.param("Due = NOW()", "GAIA_IL08", id="NOW-on-date"),
        pytest.param("Owner in (PRIMARY_ORGANIZATION())", "GAIA_IL08", id="org-on-user"),
        pytest.param("Department in (LOGINUSER())", "GAIA_IL08", id="user-on-org"),
        pytest.param("Team in (LOGINUSER())", "GAIA_IL08", id="user-on-group"),
        pytest.param("Due = TODAY(1)", "GAIA_IL08", id="TODAY-with-argument"),
        pytest.param("Due = FROM_TODAY(1)", "GAIA_IL08", id="FROM_TODAY-one-argument"),
        pytest.param("Due = FROM_TODAY(x, DAYS)", "GAIA_IL08", id="FROM_TODAY-not-a-number"),
        pytest.param("Due = FROM_TODAY(1, DECADES)", "GAIA_IQ25", id="FROM_TODAY-unit"),
        pytest.param("Due = THIS_WEEK(FUNDAY)", "GAIA_IL08", id="THIS_WEEK-weekday"),
        pytest.param("Due = THIS_MONTH(0)", "GAIA_IQ23", id="THIS_MONTH-0"),
        pytest.param("Due = THIS_MONTH(32)", "GAIA_IQ23", id="THIS_MONTH-32"),
        pytest.param("Due = NEXT_MONTH(FIRST)", "GAIA_IQ23", id="NEXT_MONTH-FIRST"),
        pytest.param("Due = SOMEDAY()", "GAIA_IL08", id="unknown-function"),
        pytest.param("Due = FROM_TODAY(999999, YEARS)", "GAIA_IL08", id="beyond-year-9999"),
    ],
)
def test_function_refusals(dated: Client, query: str, code: str) -> None:
    """FUNCS lists which field types take which function and its arguments; ERRS the codes."""
    reply = dated.get("records", app=2, query=query)
    assert (reply.status, reply.code) == (400, code), reply.body


# ---- order by, limit, offset -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("order by Status asc", ["2", "1", "3"]),  # Done, In progress, Not started
        ('Status != "Done" order by Stage desc limit 1', ["1"]),  # Won > Lead
        ("order by Amount desc limit 2 offset 1", ["2", "1"]),
        ("order by Call_time asc, $id desc", ["3", "1", "2"]),  # empty first
    ],
)
def test_order_limit_offset(three: tuple[StandIn, Client], query: str, found: list[str]) -> None:
    """OPS (query options): order by code asc|desc, ..., limit, offset."""
    reply = three[1].get("records", app=2, query=query, fields=["$id"])
    assert [record["$id"]["value"] for record in reply.body["records"]] == found


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit 501", "GAIA_QU01"),
        ("offset 10001", "GAIA_QU02"),
        ("limit -1", "CB_VA01"),
        ("order by Tags asc", "CB_VA01"),
        ("order by Item asc", "CB_VA01"),
        ("Nope = 1", "GAIA_IQ11"),
        ("Title = ", "CB_VA01"),
        ('Call_time > "25:00"', "CB_VA01"),
        ('Due = "2025-02-30"', "CB_VA01"),
    ],
)
def test_option_errors(three: tuple[StandIn, Client], query: str, code: str) -> None:
    """ERRS: limit over 500, offset over 10,000, a negative limit; fields order by refuses."""
    reply = three[1].get("records", app=2, query=query)
    assert (reply.status, reply.code) == (400, code)
