"""The five webhook triggers through the runtime: subscribe, cause the event, check, unsubscribe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.triggers import (
    CallbackServer,
    TriggerError,
    check_notification,
    subscribe,
    unsubscribe,
)
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import DEAL, TOKENS, ok


def _add(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    return str(ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))["id"])


def _update(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    ok(
        runtime.call(
            "UpdateRecord", body={"app": "2", "id": "1", "record": {"Amount": {"value": 99}}}
        )
    )
    return "1"


def _delete(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    kintone.delete_record_as_user(app="2", record_id="1", user="sato")
    return "1"


def _comment(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    body = {"app": "2", "record": "1", "comment": {"text": "Looks good"}}
    ok(runtime.call("AddComment", body=body))
    return "1"


def _status(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    action = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][0]["name"]
    ok(
        runtime.call(
            "UpdateStatus", body={"app": "2", "id": "1", "action": action, "assignee": "sato"}
        )
    )
    return "1"


Event = Callable[[ConnectorRuntime, StandIn], str]
CASES: list[tuple[str, Event, str]] = [
    ("AddWebhookForAddingRecord", _add, "ADD_RECORD"),
    ("AddWebhookForUpdatingRecord", _update, "UPDATE_RECORD"),
    ("AddWebhookForDeletingRecord", _delete, "DELETE_RECORD"),
    ("AddWebhookForAddingRecordComment", _comment, "ADD_RECORD_COMMENT"),
    ("AddWebhookForUpdatingStatus", _status, "UPDATE_STATUS"),
]


def _record_id(payload: dict[str, Any]) -> str:
    if "record" in payload:
        return str(payload["record"]["$id"]["value"])
    return str(payload["recordId"])


@pytest.mark.parametrize(("trigger", "event", "kind"), CASES, ids=[c[0] for c in CASES])
def test_trigger_lifecycle(
    connect: Connect, kintone: StandIn, trigger: str, event: Event, kind: str
) -> None:
    runtime = connect(TOKENS)
    registered_before = len(kintone.store.webhooks)
    with CallbackServer() as callback:
        subscription = subscribe(runtime, trigger, callback.url, body={"app": "2"})
        assert subscription.result.response.status == 201
        assert len(kintone.store.webhooks) == registered_before + 1
        record_id = event(runtime, kintone)
        kintone.wait_for_deliveries()
        [payload] = callback.wait_for(1)
        assert payload["type"] == kind and payload["app"]["id"] == "2"
        assert _record_id(payload) == record_id
        assert check_notification(runtime, trigger, payload, subscription.body).findings == ()
        unsubscribe(runtime, subscription)
    assert len(kintone.store.webhooks) == registered_before


def test_a_bulk_write_fires_no_webhook(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    with CallbackServer() as callback:
        subscription = subscribe(
            runtime, "AddWebhookForAddingRecord", callback.url, body={"app": "2"}
        )
        rows = [{**DEAL, "Deal_code": {"value": f"W-{i}"}} for i in range(3)]
        ok(runtime.call("AddRecords", body={"app": "2", "records": rows}))
        kintone.wait_for_deliveries()
        assert callback.wait_for(1, timeout=0.3) == []
        unsubscribe(runtime, subscription)


def test_failing_subscribe_leaves_no_registration(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    kintone.fail_next("POST", "/k/integration/v1/preview/app/webhook.json", status=500)
    before = len(kintone.store.webhooks)
    with CallbackServer() as callback, pytest.raises(TriggerError, match="HTTP 500"):
        subscribe(runtime, "AddWebhookForAddingRecord", callback.url, body={"app": "2"})
    assert len(kintone.store.webhooks) == before


def test_subscribe_without_permission_surfaces_kintones_code(
    connect: Connect, kintone: StandIn
) -> None:
    runtime = connect("deals-view")
    with CallbackServer() as callback, pytest.raises(TriggerError, match="GAIA_NO01"):
        subscribe(runtime, "AddWebhookForAddingRecord", callback.url, body={"app": "2"})
