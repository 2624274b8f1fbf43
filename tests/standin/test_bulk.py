"""bulkRequest: inner APIs in order, each app's own permission, all or nothing, held webhooks."""

from __future__ import annotations

from typing import Any

import pytest

from generator.devtools.standin import StandIn

from .helpers import Client, Receiver, request, token_headers
from .test_webhooks import EVENTS, subscribe

TOKENS = ("deals-full", "invoices-full")


def call(method: str, api: str, **payload: Any) -> dict[str, Any]:
    return {"method": method, "api": f"/k/v1/{api}.json", "payload": payload}


def title(text: str) -> dict[str, Any]:
    return {"Title": {"value": text}}


def deal(text: str) -> dict[str, Any]:
    """A Deals record with its required fields."""
    return {**title(text), "Amount": {"value": "10"}, "Priority": {"value": "High"}}


@pytest.fixture
def both(kintone: StandIn) -> Client:
    """One call with the API tokens of Deals (2) and Invoices (3), comma-separated."""
    return Client(kintone.url, token_headers(*TOKENS))


def state(kintone: StandIn) -> Any:
    """Everything a bulkRequest may change, as plain data."""
    store = kintone.store
    with store.lock:
        apps = {
            app_id: (
                app.next_record,
                {
                    rid: (r.revision, r.values, r.status, r.assignees, r.modifier, r.updated_at)
                    for rid, r in app.records.items()
                },
            )
            for app_id, app in store.apps.items()
        }
        return repr((apps, sorted(store.uploads), sorted(store.files)))


def test_requests_run_in_order_across_apps_with_their_own_tokens(
    kintone: StandIn, both: Client
) -> None:
    answer = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=deal("Bulk deal")),
                call("POST", "records", app="3", records=[title("Inv A"), title("Inv B")]),
                call("PUT", "record", app=2, id=3, record={"Notes": {"value": "after add"}}),
                call("PUT", "records", app=3, records=[{"id": "2", "record": title("Inv A2")}]),
                call("DELETE", "records", app=3, ids=[3]),
                call("PUT", "record/status", app=2, id=3, action="Start", assignee="sato"),
                call("PUT", "records/status", app=2, records=[{"id": 2, "action": "Finish"}]),
                call("PUT", "record/assignees", app=2, id=3, assignees=["suzuki"]),
            ]
        },
    )
    assert answer.status == 200, answer.body
    assert answer.body == {
        "results": [
            {"id": "3", "revision": "1"},
            {"ids": ["2", "3"], "revisions": ["1", "1"]},
            {"revision": "2"},
            {"records": [{"id": "2", "revision": "2"}]},
            {},
            {"revision": "4"},
            {"records": [{"id": "2", "revision": "3"}]},
            {"revision": "5"},
        ]
    }
    added = both.get("record", app=2, id=3).body["record"]
    assert added["Notes"]["value"] == "after add"
    assert added["Status"]["value"] == "In progress"
    assert added["Assignee"]["value"] == [{"code": "suzuki", "name": "Suzuki Hanako"}]
    invoices = both.get("records", app=3, query="order by $id asc").body["records"]
    assert [r["Title"]["value"] for r in invoices] == ["Website renewal (deposit)", "Inv A2"]


def test_a_failure_undoes_every_earlier_request(kintone: StandIn, both: Client) -> None:
    before = state(kintone)
    answer = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=deal("Gone")),
                call("PUT", "record", app=2, id=1, record={"Notes": {"value": "gone"}}),
                call("DELETE", "records", app=3, ids=[1]),
                call("PUT", "record/status", app=2, id=2, action="Finish"),
                call("PUT", "record", app=2, id=99, record=title("missing")),
                call("POST", "record", app=3, record=title("never run")),
            ]
        },
    )
    assert answer.status == 404  # the failing request's own status (GAIA_RE01)
    results = answer.body["results"]
    assert results[:4] == [{}, {}, {}, {}] and results[5] == {}
    assert results[4]["code"] == "GAIA_RE01"
    assert set(results[4]) == {"code", "id", "message"}
    assert state(kintone) == before
    # The record-number counter went back too: the next record gets the ID the failed one had.
    added = both.post("record", {"app": 2, "record": deal("Next")}).body
    assert added == {"id": "3", "revision": "1"}


def test_each_request_needs_its_own_apps_token(kintone: StandIn) -> None:
    deals_only = Client(kintone.url, token_headers("deals-full"))
    before = state(kintone)
    answer = deals_only.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=deal("Mine")),
                call("POST", "record", app=3, record=title("Not mine")),
            ]
        },
    )
    assert (answer.status, answer.body["results"][0]) == (400, {})
    assert answer.body["results"][1]["code"] == "GAIA_IA02"
    assert state(kintone) == before
    refused = Client(kintone.url, token_headers("deals-view")).post(
        "bulkRequest", {"requests": [call("PUT", "record", app=2, id=1, record=title("x"))]}
    )
    assert refused.status == 403 and refused.body["results"][0]["code"] == "GAIA_NO01"


def test_revision_conflict_and_validation_errors_come_back_at_their_index(
    kintone: StandIn, both: Client
) -> None:
    stale = both.post(
        "bulkRequest",
        {
            "requests": [
                call("PUT", "record", app=2, id=1, revision=7, record=title("stale")),
            ]
        },
    )
    assert stale.status == 409 and stale.body["results"][0]["code"] == "GAIA_CO02"
    invalid = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=3, record=title("ok")),
                call("POST", "records", app=3, records=[title("ok"), {"Title": {"value": ""}}]),
            ]
        },
    )
    assert invalid.status == 400
    error = invalid.body["results"][1]
    assert error["code"] == "CB_VA01"
    assert error["errors"] == {"records[1].Title.value": {"messages": ["Required."]}}
    assert len(kintone.store.apps["3"].records) == 1


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({}, "requests"),
        ({"requests": []}, "requests"),
        ({"requests": "x"}, "requests"),
        ({"requests": [call("POST", "record", app=3, record={})] * 21}, "requests"),
    ],
)
def test_a_malformed_batch_is_refused_whole(both: Client, body: Any, key: str) -> None:
    answer = both.post("bulkRequest", body)
    assert (answer.status, answer.code) == (400, "CB_VA01")
    assert key in answer.errors


@pytest.mark.parametrize(
    ("item", "key"),
    [
        (call("GET", "record", app=2, id=1), "requests[1].api"),
        (call("DELETE", "record", app=2, id=1), "requests[1].api"),
        (call("POST", "record/comment", app=2, record=1, comment={"text": "x"}), "requests[1].api"),
        ({"method": "POST", "api": "/k/v1/record.json"}, "requests[1].payload"),
        ({"api": "/k/v1/record.json", "payload": {}}, "requests[1].method"),
        ({"method": "POST", "api": "/x.json", "payload": {}}, "requests[1].api"),
        ("not an object", "requests[1]"),
    ],
)
def test_an_unsupported_inner_request_fails_at_its_index(
    kintone: StandIn, both: Client, item: Any, key: str
) -> None:
    before = state(kintone)
    answer = both.post(
        "bulkRequest", {"requests": [call("POST", "record", app=3, record=title("x")), item]}
    )
    assert answer.status == 400
    assert answer.body["results"][0] == {}
    assert answer.body["results"][1]["code"] == "CB_VA01"
    assert key in answer.body["results"][1]["errors"]
    assert state(kintone) == before


def test_guest_space_batches_reach_only_that_space(kintone: StandIn) -> None:
    guest = Client(kintone.url, token_headers("guest-full"), guest="5")
    inner = {"method": "POST", "api": "/k/guest/5/v1/record.json"}
    done = guest.post("bulkRequest", {"requests": [{**inner, "payload": {"app": 4, **_task()}}]})
    assert done.status == 200 and done.body == {"results": [{"id": "2", "revision": "1"}]}
    normal_inner = {"method": "POST", "api": "/k/v1/record.json", "payload": {"app": 4, **_task()}}
    mixed = guest.post("bulkRequest", {"requests": [normal_inner]})
    assert mixed.body["results"][0]["code"] == "CB_VA01"
    outside = Client(kintone.url, token_headers("guest-full"))
    wrong = outside.post("bulkRequest", {"requests": [{**inner, "payload": {"app": 4, **_task()}}]})
    assert wrong.body["results"][0]["code"] == "CB_VA01"
    via_normal = outside.post("bulkRequest", {"requests": [normal_inner]})
    assert via_normal.body["results"][0]["code"] == "GAIA_IL23"
    assert len(kintone.store.apps["4"].records) == 2


def _task() -> dict[str, Any]:
    return {"record": {"Task": {"value": "From a bulk request"}}}


def test_webhooks_follow_a_committed_batch_and_never_a_failed_one(
    kintone: StandIn, both: Client, receiver: Receiver
) -> None:
    for event in EVENTS:
        subscribe(kintone, event, f"{receiver.url}/{event}")
    failed = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=deal("Rolled back")),
                call("PUT", "record/status", app=2, id=1, action="Start", assignee="sato"),
                call("PUT", "record", app=2, id=1, revision=1, record=title("stale")),
            ]
        },
    )
    assert failed.status == 409  # the stale revision's GAIA_CO02
    kintone.wait_for_deliveries()
    assert receiver.calls == [] and kintone.store.outbox.log == []
    done = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=deal("Kept")),
                call("POST", "records", app=2, records=[deal("Bulk, silent")]),
                call("PUT", "record", app=2, id=3, record={"Notes": {"value": "edited"}}),
                call("PUT", "record/status", app=2, id=3, action="Start", assignee="sato"),
                call("PUT", "records/status", app=2, records=[{"id": 2, "action": "Finish"}]),
            ]
        },
    )
    assert done.status == 200, done.body
    kintone.wait_for_deliveries()
    seen = [(call.body["type"], call.body["record"]["$id"]["value"]) for call in receiver.calls]
    # One per single-record API, in order; none for the records APIs (as kintone).
    assert seen == [("ADD_RECORD", "3"), ("UPDATE_RECORD", "3"), ("UPDATE_STATUS", "3")]
    # Each notification shows the record as it was at its own step.
    revisions = [call.body["record"]["$revision"]["value"] for call in receiver.calls]
    assert revisions == ["1", "2", "4"]


def test_an_upload_attached_in_a_failed_batch_stays_an_upload(
    kintone: StandIn, both: Client
) -> None:
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    headers = {
        **token_headers("deals-full"),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    key = request(f"{kintone.url}/k/v1/file.json", "POST", headers=headers, raw=body).body[
        "fileKey"
    ]
    attached = {**deal("With a file"), "Attachments": {"value": [{"fileKey": key}]}}
    before = state(kintone)
    owner = kintone.store.uploads[key].app
    failed = both.post(
        "bulkRequest",
        {
            "requests": [
                call("POST", "record", app=2, record=attached),
                call("PUT", "record", app=2, id=99, record=title("missing")),
            ]
        },
    )
    assert failed.status == 404 and key in kintone.store.uploads
    assert state(kintone) == before and kintone.store.uploads[key].app == owner
    added = both.post("record", {"app": 2, "record": attached})
    assert added.status == 200, added.body
    files = both.get("record", app=2, id=added.body["id"]).body["record"]["Attachments"]["value"]
    assert files[0]["name"] == "a.txt"
