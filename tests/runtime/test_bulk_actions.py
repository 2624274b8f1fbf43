"""Bulk actions end to end: 2,000 records per call through one bulkRequest, and BulkRequest."""

from __future__ import annotations

from typing import Any

import pytest

from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import ok

INVOICES = "3"


def invoice(i: int, prefix: str = "BULK") -> dict[str, Any]:
    return {"Title": {"value": f"Invoice {i}"}, "Deal_code": {"value": f"{prefix}-{i}"}}


def stored_codes(kintone: StandIn, prefix: str) -> list[str]:
    with kintone.store.lock:
        records = kintone.store.apps[INVOICES].records.values()
        return [
            str(r.values.get("Deal_code"))
            for r in records
            if str(r.values.get("Deal_code")).startswith(prefix)
        ]


def kintone_calls(runtime: ConnectorRuntime) -> list[str]:
    """The paths of the requests that reached kintone (schema look-ups left out)."""
    return [
        r.url.split("?")[0].split("/k/", 1)[1] for r in runtime.sent if "form/fields" not in r.url
    ]


def test_add_2000_records_in_one_kintone_call(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("invoices-full")
    records = [invoice(i) for i in range(2000)]
    added = ok(runtime.call("AddRecordsBulk", body={"app": INVOICES, "records": records}))
    assert (
        len(added["ids"]) == len(set(added["ids"])) == 2000 and added["revisions"] == ["1"] * 2000
    )
    assert kintone_calls(runtime) == ["v1/bulkRequest.json"]
    codes = stored_codes(kintone, "BULK-")
    assert sorted(codes) == sorted(f"BULK-{i}" for i in range(2000))
    # Input order is kept: the i-th id is the record made from the i-th input.
    with kintone.store.lock:
        app = kintone.store.apps[INVOICES]
        assert [app.records[int(i)].values["Deal_code"] for i in added["ids"][:3]] == [
            "BULK-0",
            "BULK-1",
            "BULK-2",
        ]


def test_a_bad_record_fails_all_2000_with_its_position(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("invoices-full")
    records = [invoice(i) for i in range(2000)]
    records[1234] = {"Deal_code": {"value": "no title"}}  # Title is required
    result = runtime.call("AddRecordsBulk", body={"app": INVOICES, "records": records})
    assert result.response.status == 400 and result.body["code"] == "CB_VA01"
    assert list(result.body["errors"]) == ["records[1234].Title.value"]
    assert stored_codes(kintone, "BULK-") == []  # all or nothing


def test_more_than_2000_records_are_refused_before_kintone(connect: Connect) -> None:
    runtime = connect("invoices-full")
    result = runtime.call(
        "AddRecordsBulk", body={"app": INVOICES, "records": [invoice(i) for i in range(2001)]}
    )
    assert result.response.status == 400 and result.body["code"] == "CONNECTOR_BK02"
    assert kintone_calls(runtime) == []


def test_upsert_1500_records_by_update_key(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("customers-full")
    # Customer_ID goes in the record too: the stand-in checks required fields of an inserted
    # record before it sets the update key's value.
    changes = [
        {
            "updateKey": {"field": "Customer_ID", "value": f"C-{i:03d}"},
            "record": {"Customer_ID": {"value": f"C-{i:03d}"}, "Name": {"value": f"Customer {i}"}},
        }
        for i in range(1, 1501)
    ]
    body = {"app": "1", "upsert": True, "records": changes}
    answer = ok(runtime.call("UpdateRecordsBulk", body=body))["records"]
    assert [r["operation"] for r in answer[:4]] == ["UPDATE", "UPDATE", "UPDATE", "INSERT"]
    assert len(answer) == 1500 and sum(r["operation"] == "INSERT" for r in answer) == 1497
    with kintone.store.lock:
        names = {
            r.values["Customer_ID"]: r.values["Name"]
            for r in kintone.store.apps["1"].records.values()
        }
    assert (
        len(names) == 1500 and names["C-001"] == "Customer 1" and names["C-1500"] == "Customer 1500"
    )
    assert kintone_calls(runtime) == ["v1/bulkRequest.json"]


def test_update_records_bulk_checks_typed_bodies(connect: Connect) -> None:
    runtime = connect("invoices-full")
    body = {"app": INVOICES, "records": [{"id": "1", "record": {"Amount": {"value": "lots"}}}]}
    result = runtime.call("UpdateRecordsBulk", body=body)
    assert [f.rule for f in result.findings] == ["RUN-02"]  # Amount is a number field
    typed = runtime.call("UpdateRecords", body=body)
    assert [f.rule for f in typed.findings] == ["RUN-02"]  # the 100-record action too


def test_delete_records_bulk_with_a_stale_revision_deletes_nothing(
    connect: Connect, kintone: StandIn
) -> None:
    runtime = connect("invoices-full")
    added = ok(
        runtime.call(
            "AddRecordsBulk", body={"app": INVOICES, "records": [invoice(i) for i in range(250)]}
        )
    )
    revisions = ["1"] * 250
    revisions[180] = "7"
    result = runtime.call(
        "DeleteRecordsBulk", body={"app": INVOICES, "ids": added["ids"], "revisions": revisions}
    )
    assert result.response.status >= 400 and result.body["code"] == "GAIA_CO02"
    assert len(stored_codes(kintone, "BULK-")) == 250
    ok(runtime.call("DeleteRecordsBulk", body={"app": INVOICES, "ids": added["ids"]}))
    assert stored_codes(kintone, "BULK-") == []


def test_bulk_request_across_apps_all_or_nothing(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("deals-full,invoices-full")
    add = {
        "method": "POST",
        "api": "/k/v1/records.json",
        "payload": {"app": INVOICES, "records": [invoice(1)]},
    }
    update = {
        "method": "PUT",
        "api": "/k/v1/record.json",
        "payload": {"app": "2", "id": "1", "record": {"Amount": {"value": 7}}},
    }
    results = ok(runtime.call("BulkRequest", body={"requests": [add, update]}))["results"]
    assert len(results[0]["ids"]) == 1 and "revision" in results[1]
    stale = {**update, "payload": {**update["payload"], "revision": "1"}}
    failed = runtime.call("BulkRequest", body={"requests": [add, stale]})
    assert failed.response.status >= 400  # the status is undocumented: key on the code
    assert failed.body["results"][0] == {} and failed.body["results"][1]["code"] == "GAIA_CO02"
    assert stored_codes(kintone, "BULK-") == [
        "BULK-1"
    ]  # the first add of the failed batch is undone


def test_bulk_actions_in_a_guest_space(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("guest-full")
    tasks = [{"Task": {"value": f"Task {i}"}} for i in range(120)]
    added = ok(
        runtime.call("AddRecordsBulk", {"guestSpaceId": "5"}, {"app": "4", "records": tasks})
    )
    assert len(added["ids"]) == 120
    assert runtime.sent[-1].url.endswith("/k/guest/5/v1/bulkRequest.json")
    request = {
        "method": "DELETE",
        "api": "/k/v1/records.json",
        "payload": {"app": "4", "ids": added["ids"][:100]},
    }
    ok(runtime.call("BulkRequest", {"guestSpaceId": "5"}, {"requests": [request]}))
    with kintone.store.lock:
        assert len(kintone.store.apps["4"].records) == 1 + 20


@pytest.mark.parametrize("size", [2000])
def test_compiled_csharp_adds_and_updates_2000_records(
    connect: Connect, kintone: StandIn, size: int
) -> None:
    runtime = connect("invoices-full")
    added = ok(
        runtime.call(
            "AddRecordsBulk", body={"app": INVOICES, "records": [invoice(i) for i in range(size)]}
        )
    )
    assert len(set(added["ids"])) == size
    changes = [{"id": i, "record": {"Amount": {"value": 5}}} for i in added["ids"]]
    updated = ok(runtime.call("UpdateRecordsBulk", body={"app": INVOICES, "records": changes}))[
        "records"
    ]
    assert [r["revision"] for r in updated] == ["2"] * size
    assert sorted(stored_codes(kintone, "BULK-")) == sorted(f"BULK-{i}" for i in range(size))
