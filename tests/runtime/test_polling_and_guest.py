"""Polling triggers and guest-space apps through the runtime against the stand-in."""

from __future__ import annotations

from generator.devtools.runtime.triggers import Poller
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import TOKENS, ok


def _rows(prefix: str, count: int) -> list[dict[str, object]]:
    return [
        {"Title": {"value": f"{prefix} {i}"}, "Amount": {"value": i}, "Priority": {"value": "Low"}}
        for i in range(count)
    ]


def test_added_trigger_starts_now_then_fires_for_a_bulk_write(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    assert poller.poll() == []  # the first check only sets the watermark
    assert poller.poll() == []
    added = ok(runtime.call("AddRecords", body={"app": "2", "records": _rows("Bulk", 30)}))
    seen = poller.poll()
    assert [r["$id"]["value"] for r in seen] == added["ids"]
    assert poller.poll() == []  # nothing is delivered twice


def test_updated_trigger_sees_bulk_updates(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, "OnRecordsUpdated", {"app": "2"})
    assert poller.poll() == []
    changes = [
        {"id": "1", "record": {"Amount": {"value": 7}}},
        {"id": "2", "record": {"Amount": {"value": 8}}},
    ]
    ok(runtime.call("UpdateRecords", body={"app": "2", "records": changes}))
    seen = poller.poll()
    assert sorted(r["$id"]["value"] for r in seen) == ["1", "2"]
    assert poller.poll() == []


def test_guest_space_app_through_the_guest_space_parameter(connect: Connect) -> None:
    runtime = connect("guest-full")
    body = {"app": "4", "record": {"Task": {"value": "Sign the contract"}}}
    added = ok(runtime.call("AddRecord", {"guestSpaceId": "5"}, body))
    assert runtime.sent[-1].url.split("?")[0].endswith("/k/guest/5/v1/record.json")
    got = ok(runtime.call("GetRecord", {"app": "4", "id": added["id"], "guestSpaceId": "5"}))
    assert got["record"]["Task"]["value"] == "Sign the contract"
    wrong_path = runtime.call("GetRecord", {"app": "4", "id": added["id"]})
    assert wrong_path.response.status >= 400 and wrong_path.body["code"] == "GAIA_IL23"


def test_get_record_output_is_typed_by_the_apps_fields(connect: Connect) -> None:
    runtime = connect(TOKENS)
    schema = runtime.dynamic_schema(
        {
            "operationId": "GetRecordSchema",
            "parameters": {"app": "2", "mode": "record"},
            "value-path": "schema",
        },
        {},
        None,
    )
    assert schema is not None
    fields = schema["properties"]["record"]["properties"]
    assert (
        fields["Amount"]["properties"]["value"]["type"] == "string"
    )  # kintone reads numbers as text
    assert "Record_number" in fields and "$id" in fields
    result = runtime.call("GetRecord", {"app": "2", "id": "1"})
    assert result.findings == ()  # the live record fits the typed schema


def test_poller_keeps_the_findings_of_each_check(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    poller.poll()
    ok(runtime.call("AddRecords", body={"app": "2", "records": _rows("Typed", 2)}))
    assert len(poller.poll()) == 2
    assert poller.findings == ()  # the records fit the app's typed poll schema
