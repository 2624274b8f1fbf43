"""The cursor API: paging through a query, the 10-cursor limit, unknown cursors."""

from __future__ import annotations

from generator.devtools.standin import StandIn

from .helpers import Client, Clock


def add_deals(deals: Client, count: int) -> None:
    records = [{"Title": {"value": f"D{n}"}, "Amount": {"value": str(n)}} for n in range(count)]
    assert deals.post("records", {"app": 2, "records": records}).status == 200


def test_cursor_pages_until_done(deals: Client) -> None:
    add_deals(deals, 5)
    created = deals.post(
        "records/cursor",
        {"app": 2, "size": 3, "query": "Amount < 10000 order by $id asc", "fields": ["$id"]},
    )
    assert created.body["totalCount"] == "7"
    cursor = created.body["id"]
    first = deals.get("records/cursor", id=cursor).body
    assert [r["$id"]["value"] for r in first["records"]] == ["1", "2", "3"] and first[
        "next"
    ] is True
    assert deals.get("records/cursor", id=cursor).body["next"] is True
    last = deals.get("records/cursor", id=cursor).body
    assert [r["$id"]["value"] for r in last["records"]] == ["7"] and last["next"] is False
    gone = deals.get("records/cursor", id=cursor)
    assert (gone.status, gone.code) == (404, "GAIA_CN01")


def test_cursor_limits_and_errors(deals: Client, clock: Clock) -> None:
    ids = [deals.post("records/cursor", {"app": 2}).body["id"] for _ in range(10)]
    full = deals.post("records/cursor", {"app": 2})
    assert (full.status, full.code) == (429, "GAIA_TM12")
    assert deals.delete("records/cursor", {"id": ids[0]}).body == {}
    assert deals.post("records/cursor", {"app": 2}).status == 200
    clock.advance(601)  # cursors expire ten minutes after they were made
    assert deals.get("records/cursor", id=ids[1]).code == "GAIA_CN01"
    assert deals.post("records/cursor", {"app": 2, "query": "limit 5"}).code == "CB_VA01"
    assert deals.post("records/cursor", {"app": 2, "size": 501}).errors == {
        "size": ["must be less than or equal to 500"]
    }
    assert deals.post("records/cursor", {"app": 2, "query": "Bogus = 1"}).code == "GAIA_IQ11"


def test_cursor_belongs_to_its_app(deals: Client, kintone: StandIn) -> None:
    cursor = deals.post("records/cursor", {"app": 2}).body["id"]
    other = Client(kintone.url, {"X-Cybozu-API-Token": "invoices-full"})
    assert other.get("records/cursor", id=cursor).code == "GAIA_IA02"
