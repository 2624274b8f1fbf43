"""Typed trigger outputs end to end: payloads and polling answers against the app's fields.

The record webhooks declare their payload with GetRecordSchema mode event (inputs from the
subscription body), the polling triggers their 200 body with mode poll; the runtime fetches
those schemas through the custom code and checks what the stand-in sends against them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.schemas import check_value, to_json_schema
from generator.devtools.runtime.triggers import (
    CallbackServer,
    Poller,
    check_notification,
    subscribe,
    unsubscribe,
)
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import DEAL, TOKENS, ok
from tests.support.events import (
    Event,
    add_record,
    update_record,
    update_status,
)

# Types of the form fields that have no value in a record (and so no output).
NO_VALUE = {"GROUP", "REFERENCE_TABLE", "LABEL", "SPACER", "HR"}

RECORD_WEBHOOKS: list[tuple[str, Event, str]] = [
    ("AddWebhookForAddingRecord", add_record, "ADD_RECORD"),
    ("AddWebhookForUpdatingRecord", update_record, "UPDATE_RECORD"),
    ("AddWebhookForUpdatingStatus", update_status, "UPDATE_STATUS"),
]


def _event_schema(
    runtime: ConnectorRuntime, trigger_id: str, body: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The payload schema the platform would fetch for a subscription with this body."""
    item = runtime.package.operation(trigger_id).path_item
    declared = item["x-ms-notification-content"]["schema"]
    schema = runtime.dynamic_schema(declared["x-ms-dynamic-schema"], {}, body)
    assert schema is not None, f"no event schema for {trigger_id}"
    return schema


def _poll_schema(runtime: ConnectorRuntime, trigger_id: str, params: Mapping[str, Any]) -> Any:
    declared = runtime.package.operation(trigger_id).operation["responses"]["200"]["schema"]
    schema = runtime.dynamic_schema(declared["x-ms-dynamic-schema"], params, None)
    assert schema is not None, f"no poll schema for {trigger_id}"
    return schema


def _value_codes(runtime: ConnectorRuntime, app: str, **params: str) -> set[str]:
    """The codes of the app's fields that have a record value, from Get form fields."""
    fields = ok(runtime.call("GetFormFields", {"app": app, **params}))["properties"]
    return {code for code, prop in fields.items() if prop["type"] not in NO_VALUE}


def _receive(
    runtime: ConnectorRuntime, kintone: StandIn, trigger_id: str, event: Event
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Subscribe to app 2, cause the event, return (the payload, the subscription body)."""
    with CallbackServer() as callback:
        subscription = subscribe(runtime, trigger_id, callback.url, body={"app": "2"})
        try:
            event(runtime, kintone)
            kintone.wait_for_deliveries()
            [payload] = callback.wait_for(1)
        finally:
            unsubscribe(runtime, subscription)
    return payload, subscription.body


# ---- Webhooks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "event", "kind"), RECORD_WEBHOOKS, ids=[c[0] for c in RECORD_WEBHOOKS]
)
def test_record_webhook_payload_fits_the_event_schema(
    connect: Connect, kintone: StandIn, trigger: str, event: Event, kind: str
) -> None:
    runtime = connect(TOKENS)
    payload, body = _receive(runtime, kintone, trigger, event)
    assert payload["type"] == kind and body["app"] == "2"
    checked = check_notification(runtime, trigger, payload, body)
    assert [f.render() for f in checked.findings] == []
    schema = _event_schema(runtime, trigger, body)
    assert list(schema["properties"]) == ["id", "type", "app", "record", "recordTitle", "url"]
    fields = schema["properties"]["record"]["properties"]
    assert set(fields) == {"$id", "$revision"} | _value_codes(runtime, "2")
    assert set(payload["record"]) == set(fields)


def test_added_record_payload_lists_the_apps_fields(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    payload, body = _receive(runtime, kintone, "AddWebhookForAddingRecord", add_record)
    assert payload["record"]["Title"]["value"] == DEAL["Title"]["value"]
    schema = _event_schema(runtime, "AddWebhookForAddingRecord", body)
    fields = schema["properties"]["record"]["properties"]
    # Typed outputs named after the fields: the flow designer shows labels, not "record".
    assert {"Title", "Amount", "Stage", "Owner", "Items", "Record_number"} <= set(fields)
    assert fields["Amount"]["properties"]["value"] == {"type": "string", "x-ms-summary": "Amount"}
    assert "Invoices" not in fields and "Details" not in fields  # no record value
    assert check_notification(runtime, "AddWebhookForAddingRecord", payload, body).findings == ()


def test_a_number_that_is_not_text_is_a_finding(connect: Connect, kintone: StandIn) -> None:
    runtime = connect(TOKENS)
    payload, body = _receive(runtime, kintone, "AddWebhookForAddingRecord", add_record)
    assert isinstance(payload["record"]["Amount"]["value"], str)  # kintone sends "2500"
    wrong = copy.deepcopy(payload)
    wrong["record"]["Amount"]["value"] = 2500
    checked = check_notification(runtime, "AddWebhookForAddingRecord", wrong, body)
    assert [(f.pointer, f.rule) for f in checked.findings] == [("/record/Amount/value", "RUN-03")]


# ---- Polling ------------------------------------------------------------------------------


def _rows(count: int) -> list[dict[str, Any]]:
    return [{**DEAL, "Deal_code": {"value": f"P-{i}"}} for i in range(count)]


def test_added_polling_answer_fits_the_poll_schema(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    assert poller.poll() == []  # the first check only sets the watermark
    ok(runtime.call("AddRecords", body={"app": "2", "records": _rows(3)}))
    result = runtime.call("OnRecordsAdded", poller.params)
    assert result.response.status == 200
    assert [f.render() for f in result.findings] == []
    assert len(result.body["value"]) == 3
    schema = _poll_schema(runtime, "OnRecordsAdded", poller.params)
    record = schema["properties"]["value"]["items"]["properties"]
    assert set(record) == {"$id", "$revision"} | _value_codes(runtime, "2")
    assert set(result.body["value"][0]) == set(record)


@pytest.mark.parametrize("trigger", ["OnRecordsUpdated", "OnRecordStatusChanged"])
def test_updated_polling_answers_fit_the_poll_schema(connect: Connect, trigger: str) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, trigger, {"app": "2"})
    assert poller.poll() == []
    changes = [{"id": "1", "record": {"Amount": {"value": 7}}}]
    ok(runtime.call("UpdateRecords", body={"app": "2", "records": changes}))
    result = runtime.call(trigger, poller.params)
    assert result.response.status == 200
    assert [f.render() for f in result.findings] == []
    assert [r["$id"]["value"] for r in result.body["value"]] == ["1"]


def test_guest_space_polling_answer_is_typed_through_the_guest_space(connect: Connect) -> None:
    runtime = connect("guest-full")
    poller = Poller(runtime, "OnRecordsAdded", {"app": "4", "guestSpaceId": "5"})
    assert poller.poll() == []
    ok(
        runtime.call(
            "AddRecord", {"guestSpaceId": "5"}, {"app": "4", "record": {"Task": {"value": "Call"}}}
        )
    )
    result = runtime.call("OnRecordsAdded", poller.params)
    assert result.response.status == 200
    assert [f.render() for f in result.findings] == []
    schema = _poll_schema(runtime, "OnRecordsAdded", poller.params)
    record = schema["properties"]["value"]["items"]["properties"]
    assert {"Task", "Due"} <= set(record)
    # The schema came from the guest space's form fields (the app is not outside it).
    schema_urls = [r.url for r in runtime.sent if "/app/form/fields.json" in r.url]
    assert schema_urls and all("/k/guest/5/v1/" in url for url in schema_urls)


def test_a_polled_record_with_a_number_that_is_not_text_does_not_fit(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    assert poller.poll() == []
    ok(runtime.call("AddRecords", body={"app": "2", "records": _rows(1)}))
    answer = runtime.call("OnRecordsAdded", poller.params).body
    answer["value"][0]["Amount"]["value"] = 2500
    schema = to_json_schema(runtime.package, _poll_schema(runtime, "OnRecordsAdded", {"app": "2"}))
    found = check_value(schema, answer, "poll", "RUN-01")
    assert [f.pointer for f in found] == ["/value/0/Amount/value"]
