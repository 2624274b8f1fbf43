"""Webhooks: the integration API, payloads per event, no bulk deliveries, the per-minute limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from generator.devtools.standin import StandIn

from .helpers import Client, Clock, Receiver, request, token_headers

SUBSCRIBE = "/k/integration/v1/preview/app/webhook"
DESCRIPTION = "Added by a Power Platform flow through the kintone custom connector. Do not change."
EVENTS = {
    "ADD_RECORD": "",
    "UPDATE_RECORD": "/update_record",
    "DELETE_RECORD": "/delete_record",
    "ADD_RECORD_COMMENT": "/add_record_comment",
    "UPDATE_STATUS": "/update_status",
}


def subscribe(
    kintone: StandIn, event: str, url: str, token: str = "deals-full", app: str = "2"
) -> Any:
    body: dict[str, Any] = {
        "app": app,
        "url": url,
        "description": DESCRIPTION,
        "schemaType": "TRIGGER_WEBHOOK_RECORD",
    }
    if event == "ADD_RECORD":
        body["type"] = "ADD_RECORD"
    return request(
        f"{kintone.url}{SUBSCRIBE}{EVENTS[event]}.json", "POST", body, token_headers(token)
    )


def unsubscribe(kintone: StandIn, app: str, webhook_id: str, token: str = "deals-full") -> Any:
    url = f"{kintone.url}{SUBSCRIBE}.json?app={app}&id={webhook_id}"
    return request(url, "DELETE", headers=token_headers(token))


def test_subscribe_and_unsubscribe(kintone: StandIn) -> None:
    ids = [subscribe(kintone, event, f"http://127.0.0.1:9/{event}").body["id"] for event in EVENTS]
    assert ids == ["1", "2", "3", "4", "5"]
    hooks = kintone.store.webhooks
    assert [sorted(h.events)[0] for h in hooks] == list(EVENTS)
    assert hooks[0].description == DESCRIPTION and hooks[0].schema_type == "TRIGGER_WEBHOOK_RECORD"
    assert unsubscribe(kintone, "2", "3").body == {}
    gone = unsubscribe(kintone, "2", "3")
    assert (gone.status, gone.code) == (404, "GAIA_WH01")
    assert unsubscribe(kintone, "1", "4", token="customers-full").code == "GAIA_WH01"  # not app 1's
    assert [h.id for h in kintone.store.webhooks] == ["1", "2", "4", "5"]


def test_subscribe_needs_manage_permission_and_a_url(kintone: StandIn) -> None:
    assert subscribe(kintone, "ADD_RECORD", "http://x/", token="deals-records").code == "GAIA_NO01"
    assert subscribe(kintone, "ADD_RECORD", "ftp://x/").errors == {
        "url": ["Enter a URL that starts with http:// or https://."]
    }
    assert unsubscribe(kintone, "2", "1", token="deals-view").code == "GAIA_NO01"
    assert (
        subscribe(kintone, "ADD_RECORD", "http://x/", app="4", token="guest-full").code
        == "GAIA_IL23"
    )
    for number in range(10):
        assert subscribe(kintone, "UPDATE_RECORD", f"http://x/{number}").status == 200
    assert subscribe(kintone, "UPDATE_RECORD", "http://x/").code == "CB_VA01"


def test_each_event_is_delivered_as_kintone_sends_it(
    kintone: StandIn, deals: Client, receiver: Receiver
) -> None:
    for event in EVENTS:
        assert subscribe(kintone, event, f"{receiver.url}/{event}").status == 200
    record = {"Title": {"value": "Hooked"}, "Amount": {"value": "7"}}
    new_id = deals.post("record", {"app": 2, "record": record}).body["id"]
    deals.put("record", {"app": 2, "id": new_id, "record": {"Notes": {"value": "edited"}}})
    deals.put("record/status", {"app": 2, "id": new_id, "action": "Start", "assignee": "sato"})
    deals.post(
        "record/comment",
        {
            "app": 2,
            "record": new_id,
            "comment": {"text": "hi", "mentions": [{"code": "sato", "type": "USER"}]},
        },
    )
    kintone.delete_record_as_user("2", new_id, "suzuki")
    kintone.wait_for_deliveries()
    calls = {call.path.lstrip("/"): call for call in receiver.calls}
    assert sorted(calls) == sorted(EVENTS)
    url = f"{kintone.url}/k/2/show#record={new_id}"
    for event in ("ADD_RECORD", "UPDATE_RECORD", "UPDATE_STATUS"):
        body = calls[event].body
        assert set(body) == {"id", "type", "app", "record", "recordTitle", "url"}
        assert (body["type"], body["app"], body["recordTitle"], body["url"]) == (
            event,
            {"id": "2", "name": "Deals"},
            "Hooked",
            url,
        )
        assert body["record"]["$id"] == {"type": "__ID__", "value": new_id}
    assert calls["ADD_RECORD"].body["record"]["$revision"]["value"] == "1"
    assert calls["UPDATE_RECORD"].body["record"]["Notes"]["value"] == "edited"
    assert calls["UPDATE_STATUS"].body["record"]["Status"]["value"] == "In progress"
    deleted = calls["DELETE_RECORD"].body
    assert set(deleted) == {"id", "type", "app", "recordId", "deletedBy", "deletedAt"}
    assert (deleted["recordId"], deleted["deletedBy"], deleted["deletedAt"]) == (
        new_id,
        {"code": "suzuki", "name": "Suzuki Hanako"},
        "2025-05-01T09:30:15Z",
    )
    comment = calls["ADD_RECORD_COMMENT"].body
    assert set(comment) == {"id", "type", "app", "recordId", "comment", "url"}
    assert comment["url"] == f"{url}&comment=1" and comment["recordId"] == new_id
    assert comment["comment"] == {
        "id": "1",
        "text": "Sato Taro \nhi",
        "createdAt": "2025-05-01T09:30:15Z",
        "creator": {"code": "Administrator", "name": "Administrator"},
        "mentions": [{"code": "sato", "type": "USER"}],
    }
    assert len({call.body["id"] for call in receiver.calls}) == 5
    assert calls["ADD_RECORD"].headers["Content-Type"].startswith("application/json")


def test_bulk_operations_send_nothing(kintone: StandIn, deals: Client, receiver: Receiver) -> None:
    for event in EVENTS:
        subscribe(kintone, event, f"{receiver.url}/{event}")
    record = {"Title": {"value": "Bulk"}, "Amount": {"value": "1"}}
    deals.post("records", {"app": 2, "records": [record, record]})
    deals.put("records", {"app": 2, "records": [{"id": 3, "record": {"Notes": {"value": "x"}}}]})
    deals.put("records/status", {"app": 2, "records": [{"id": 2, "action": "Finish"}]})
    deals.delete("records", {"app": 2, "ids": [3, 4]})
    kintone.wait_for_deliveries()
    assert receiver.calls == []
    assert kintone.store.outbox.log == []


def test_deliveries_per_minute_are_limited(
    start: Callable[..., StandIn], seed_doc: dict[str, Any], receiver: Receiver, clock: Clock
) -> None:
    seed_doc["domain"]["webhooksPerMinute"] = 2
    seed_doc["apps"][1]["webhooks"] = [{"url": f"{receiver.url}/seeded", "events": ["ADD_RECORD"]}]
    kintone = start(seed_doc)
    deals = Client(kintone.url, token_headers("deals-full"))
    record = {"Title": {"value": "Rate"}, "Amount": {"value": "1"}}
    for _ in range(3):
        deals.post("record", {"app": 2, "record": record})
    kintone.wait_for_deliveries()
    assert len(receiver.calls) == 2 and kintone.store.outbox.dropped == 1
    clock.advance(60)
    deals.post("record", {"app": 2, "record": record})
    kintone.wait_for_deliveries()
    assert [call.path for call in receiver.calls] == ["/seeded"] * 3
    listed = request(f"{kintone.url}/_standin/webhooks").body
    assert listed["dropped"] == 1 and listed["webhooks"][0]["origin"] == "seed"
    assert [d["status"] for d in listed["deliveries"]] == [200, 200, 200]


def test_failed_deliveries_are_logged(kintone: StandIn, deals: Client, receiver: Receiver) -> None:
    receiver.status = 500
    subscribe(kintone, "ADD_RECORD", f"{receiver.url}/broken")
    subscribe(kintone, "ADD_RECORD", "http://127.0.0.1:9/closed")
    deals.post("record", {"app": 2, "record": {"Title": {"value": "x"}, "Amount": {"value": "1"}}})
    kintone.wait_for_deliveries()
    log = {d.url.rpartition("/")[2]: d for d in kintone.store.outbox.log}
    assert log["closed"].status is None and log["closed"].error
    assert log["broken"].status == 500 and log["broken"].error is None


def test_delete_record_as_user_checks_its_input(kintone: StandIn) -> None:
    from generator.devtools.standin.errors import KintoneError

    with pytest.raises(KintoneError, match="GAIA_RE01"):
        kintone.delete_record_as_user("2", "99", "sato")
    with pytest.raises(KintoneError, match="CB_VA01"):
        kintone.delete_record_as_user("2", "1", "nobody")
    assert (
        request(f"{kintone.url}/_standin/delete-record", "POST", {"app": "2", "id": "1"}).status
        == 400
    )
    assert (
        request(
            f"{kintone.url}/_standin/delete-record", "POST", {"app": "2", "id": "1", "user": "sato"}
        ).body
        == {}
    )
    assert 1 not in kintone.store.apps["2"].records


def test_guest_space_apps_subscribe_through_the_guest_path(kintone: StandIn) -> None:
    body = {"app": "4", "url": "http://127.0.0.1:9/", "type": "ADD_RECORD"}
    url = f"{kintone.url}/k/guest/5/integration/v1/preview/app/webhook.json"
    assert request(url, "POST", body, token_headers("guest-full")).body == {"id": "1"}
    removal = f"{kintone.url}/k/guest/5/integration/v1/preview/app/webhook.json?app=4&id=1"
    assert request(removal, "DELETE", headers=token_headers("guest-full")).body == {}
