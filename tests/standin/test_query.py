"""The kintone query subset on GET records.json: operators, and/or, order, limit, offset, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.devtools.standin import StandIn
from generator.devtools.standin.query import parse

from .helpers import Client, Clock, token_headers


def deal(title: str, amount: str, **values: Any) -> dict[str, Any]:
    fields = {"Title": title, "Amount": amount, **values}
    return {code: {"value": value} for code, value in fields.items()}


@pytest.fixture(scope="module")
def many() -> Iterator[Client]:
    """Deals 3..6 next to the seed's 1 (Website renewal, 1200) and 2 (Annual license, 5000).

    Read-only tests share one stand-in.
    """
    records = [
        deal("Alpha", "10", Stage="Won", Tags=["red", "blue"], Due="2025-05-01", Notes="call back"),
        deal("Beta", "20", Stage="Lost", Tags=[], Due="2025-05-02", Meeting="2025-05-01T10:00:00Z"),
        deal('Gamma "quoted"', "30", Stage="Won", Owner=[{"code": "suzuki"}], Notes=""),
        deal(
            "Delta", "40", Items=[{"value": {"Item": {"value": "Widget"}, "Qty": {"value": "7"}}}]
        ),
    ]
    with StandIn(clock=Clock()) as kintone:
        deals = Client(kintone.url, token_headers("deals-full"))
        assert deals.post("records", {"app": 2, "records": records}).status == 200
        yield deals


def ids(client: Client, query: str) -> list[str]:
    reply = client.get("records", app=2, query=query, fields=["$id"])
    assert reply.status == 200, reply.body
    return [record["$id"]["value"] for record in reply.body["records"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["6", "5", "4", "3", "2", "1"]),
        ("Amount > 20", ["6", "5", "2", "1"]),
        ("Amount >= 20 and Amount <= 40", ["6", "5", "4"]),
        ("Amount < 15 or Amount = 5000", ["3", "2"]),
        ('$id != 3 and (Title = "Beta" or Title = "Delta")', ["6", "4"]),
        ('Title = "Gamma \\"quoted\\""', ["5"]),
        ('Stage in ("Won", "Lost")', ["5", "4", "3"]),
        ('Stage not in ("Won")', ["6", "4", "2", "1"]),
        ('Tags in ("blue")', ["3"]),
        ('Owner in ("suzuki")', ["5"]),
        ("Owner in (LOGINUSER())", []),
        ('Title like "ALP"', ["3"]),
        ('Title not like "a"', []),
        ("Notes is empty", ["6", "5", "4", "2"]),
        ("Notes is not empty", ["3", "1"]),
        ('Due = "2025-05-01"', ["3"]),
        ('Due > "2025-05-01"', ["4", "1"]),
        ('Meeting = "2025-05-01"', ["4"]),
        ('Meeting < "2025-05-01T10:00:00Z"', []),
        ("Created_datetime = TODAY()", ["6", "5", "4", "3", "2", "1"]),
        ('Item in ("Widget")', ["6"]),
        ('Item like "widg"', ["6"]),
        ('Status in ("Not started")', ["6", "5", "4", "3", "1"]),
        ("order by Amount asc limit 2", ["3", "4"]),
        ("Amount > 0 order by Title desc, $id asc limit 2 offset 1", ["5", "6"]),
        ("limit 1 offset 10", []),
        (
            '(Updated_datetime >= "2025-05-01T09:30:15Z"'
            ' and Updated_datetime <= "2025-05-01T09:30:59Z" and $id > 4)'
            ' or Updated_datetime > "2025-05-01T09:30:59Z"'
            " order by Updated_datetime asc, $id asc limit 500",
            ["5", "6"],
        ),
        ("order by Updated_datetime desc, $id desc limit 1", ["6"]),
    ],
)
def test_queries(many: Client, query: str, expected: list[str]) -> None:
    assert ids(many, query) == expected


@pytest.mark.parametrize(
    ("query", "code", "errors"),
    [
        ("Amount >", "CB_VA01", {"query": ["The query format is incorrect."]}),
        ('Title = "open', "CB_VA01", {"query": ["The query format is incorrect."]}),
        ("(Amount > 1", "CB_VA01", {"query": ["The query format is incorrect."]}),
        ('Title like "a\tb"', "CB_VA01", {"query": ["The query format is incorrect."]}),
        ("Nope = 1", "GAIA_IQ11", {}),
        ('Stage = "Won"', "GAIA_IQ03", {}),
        ('Notes = "x"', "GAIA_IQ03", {}),
        ("limit 501", "GAIA_QU01", {}),
        ("offset 10001", "GAIA_QU02", {}),
        ("Due = FROM_TODAY(1, DECADES)", "GAIA_IQ25", {}),
        ("Due = SOMEDAY()", "GAIA_IL08", {}),
    ],
)
def test_query_errors(many: Client, query: str, code: str, errors: dict[str, list[str]]) -> None:
    reply = many.get("records", app=2, query=query)
    assert (reply.status, reply.code, reply.errors) == (400, code, errors)


def test_offset_and_limit_bounds_are_accepted(many: Client) -> None:
    assert ids(many, "limit 500 offset 10000") == []


def test_parse_keeps_and_above_or() -> None:
    query = parse("a = 1 or b = 2 and c = 3 order by a desc limit 5")
    assert query.condition is not None and query.limit == 5
    assert query.order == [("a", True)]
    assert type(query.condition).__name__ == "Junction" and query.condition.kind == "or"  # type: ignore[union-attr]
