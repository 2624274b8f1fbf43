"""Routing as the platform routes: only the connection's address reaches the connector.

A trigger Location under the connection's base URL goes through the connector (policies,
credentials, script); any other Location is requested as it is, with no connection parameters.
The script builds both Locations from Context.OriginalRequestUri, so they come back through
`serve`; the construction it replaced (Locations on kintone's host) fails under this model.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

import pytest

from generator.devtools.gateway import GatewayServer
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.triggers import Poller, Subscription, TriggerError, unsubscribe
from generator.devtools.standin import StandIn
from tests.gateway.test_serve import fetch
from tests.runtime.conftest import Connect, connect, reference_script  # noqa: F401
from tests.runtime.test_end_to_end import DEAL, TOKENS, ok

WEBHOOK = "/k/integration/v1/preview/app/webhook.json"
POLLING = {
    "OnRecordsAdded": "/k/v1/connector/poll/added.json",
    "OnRecordsUpdated": "/k/v1/connector/poll/updated.json",
    "OnRecordStatusChanged": "/k/v1/connector/poll/status.json",
}


def _api_webhooks(kintone: StandIn) -> list[str]:
    return [hook.id for hook in kintone.store.webhooks if hook.origin == "api"]


# ---- the construction the script used to have, under the platform's routing -----------------


def test_a_removal_location_on_kintones_host_leaves_the_webhook_behind(
    connect: Connect,  # noqa: F811
    kintone: StandIn,
) -> None:
    """The old SubscribeLocation: kintone's host, so the DELETE carries no credentials."""
    runtime = connect(TOKENS)
    result = runtime.call("AddWebhookForAddingRecord", body={"app": "2", "url": "http://x/cb"})
    assert result.response.status == 201
    [webhook_id] = _api_webhooks(kintone)
    old = f"https://{kintone.domain}{WEBHOOK}?app=2&id={webhook_id}"
    with pytest.raises(TriggerError, match="HTTP 4"):
        unsubscribe(runtime, Subscription("AddWebhookForAddingRecord", "http://x/cb", old, result))
    assert _api_webhooks(kintone) == [webhook_id]  # a turned-off flow would leave it behind
    sent = runtime.follow("DELETE", old).request
    assert sent is not None and sent.headers == ()  # requested as is: no connection parameters


def test_a_next_check_location_on_kintones_host_fails_the_second_check(
    connect: Connect,  # noqa: F811
    kintone: StandIn,
) -> None:
    """The old PollingLocation: kintone's host, where no such path exists for a bare GET."""
    runtime = connect(TOKENS)
    answer = runtime.follow("GET", f"https://{kintone.domain}{POLLING['OnRecordsAdded']}?app=2")
    assert answer.response.status >= 400
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    poller.poll()
    poller.location = f"https://{kintone.domain}{POLLING['OnRecordsAdded']}?app=2&state=0"
    with pytest.raises(TriggerError, match="polling OnRecordsAdded failed"):
        poller.poll()


def test_locations_are_on_the_connections_address_with_its_path_prefix(
    connect: Connect,  # noqa: F811
    kintone: StandIn,
) -> None:
    """The runtime's default address has a path (/apim/kintone/connection), like the platform's."""
    runtime = connect(TOKENS)
    result = runtime.call("AddWebhookForAddingRecord", body={"app": "2", "url": "http://x/cb"})
    location = result.response.header("Location") or ""
    assert location.startswith(runtime.base_url + WEBHOOK + "?app=2&id=")
    assert unsubscribe(runtime, Subscription("x", "http://x/cb", location, result))
    assert _api_webhooks(kintone) == []
    poll = runtime.call("OnRecordsAdded", {"app": "2"})
    assert (poll.response.header("Location") or "").startswith(
        runtime.base_url + POLLING["OnRecordsAdded"] + "?app=2&state="
    )


# ---- through serve (the compiled script) -----------------------------------------------------


def test_a_webhook_subscribed_through_serve_is_removed_through_its_location(
    gateway: GatewayServer, kintone: StandIn
) -> None:
    status, headers, body = fetch("POST", gateway.url + WEBHOOK, {"app": "2"})
    assert status == 201, body
    location = headers["Location"]
    assert location.startswith(f"{gateway.url}{WEBHOOK}?app=2&id=")
    [webhook] = [hook for hook in kintone.store.webhooks if hook.origin == "api"]
    assert webhook.url.startswith(gateway.url + "/_serve/callbacks/")  # serve's own callback
    status, _, body = fetch("POST", gateway.url + "/k/v1/record.json", {"app": "2", "record": DEAL})
    assert status == 200, body
    received = _wait_for_notification(webhook.url)
    assert received["type"] == "ADD_RECORD"
    status, _, body = fetch("DELETE", location)
    assert status == 200, body
    assert _api_webhooks(kintone) == []


def _wait_for_notification(callback_url: str) -> Any:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        _, _, body = fetch("GET", callback_url)
        received = json.loads(body)["received"]
        if received:
            return received[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing arrived at {callback_url}")


@pytest.mark.parametrize("trigger", sorted(POLLING))
def test_every_polling_trigger_keeps_delivering_across_three_checks(
    gateway: GatewayServer, trigger: str
) -> None:
    status, headers, body = fetch("GET", f"{gateway.url}{POLLING[trigger]}?app=2")
    assert status == 202, body  # the first check sets the watermark
    location = headers["Location"]
    for round_number in range(3):
        assert location.startswith(gateway.url + POLLING[trigger] + "?"), location
        record = {"Title": {"value": f"Round {round_number}"}, "Amount": {"value": round_number}}
        status, _, body = fetch(
            "POST", gateway.url + "/k/v1/record.json", {"app": "2", "record": record}
        )
        assert status == 200, body
        added = json.loads(body)["id"]
        status, headers, body = fetch("GET", location)
        assert status == 200, body
        delivered = [item["$id"]["value"] for item in json.loads(body)["value"]]
        assert delivered == [added], (trigger, round_number)
        assert (
            urllib.parse.urlsplit(headers["Location"]).query
            != urllib.parse.urlsplit(location).query
        )
        location = headers["Location"]


def test_the_runtime_never_routes_a_foreign_location_through_the_connector(
    gateway: GatewayServer, kintone: StandIn
) -> None:
    runtime: ConnectorRuntime = gateway.runtime
    assert runtime.is_own(gateway.url + WEBHOOK) and not runtime.is_own(
        f"https://{kintone.domain}{WEBHOOK}"
    )
    assert not runtime.is_own(gateway.url + "0/k/v1/app.json")  # another port is another host
    ok(runtime.call("GetApp", {"id": "2"}))
