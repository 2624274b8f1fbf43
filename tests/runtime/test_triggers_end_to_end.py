"""The five webhook triggers through the runtime: subscribe, cause the event, check, unsubscribe."""

from __future__ import annotations

from typing import Any

import pytest

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
from tests.support.events import (
    Event,
    add_comment,
    add_record,
    delete_record,
    update_record,
    update_status,
)

CASES: list[tuple[str, Event, str]] = [
    ("AddWebhookForAddingRecord", add_record, "ADD_RECORD"),
    ("AddWebhookForUpdatingRecord", update_record, "UPDATE_RECORD"),
    ("AddWebhookForDeletingRecord", delete_record, "DELETE_RECORD"),
    ("AddWebhookForAddingRecordComment", add_comment, "ADD_RECORD_COMMENT"),
    ("AddWebhookForUpdatingStatus", update_status, "UPDATE_STATUS"),
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
