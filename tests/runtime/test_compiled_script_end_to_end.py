"""The compiled script.csx inside the runtime: mono runs it, its SendAsync reaches the stand-in."""

from __future__ import annotations

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.runtime.triggers import CallbackServer, Poller, subscribe, unsubscribe
from generator.devtools.standin import StandIn
from tests.support.calls import DEAL, TOKENS, ok


def _runtime(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn, **values: str
) -> ConnectorRuntime:
    connection = {"domain": kintone.domain, **values}
    transport = trusting_transport(kintone.ca_file)
    limits = (Limit(100, 60),)
    return ConnectorRuntime(
        package, connection, script=script_engine, limits=limits, transport=transport
    )


def test_dynamic_schema_add_and_typed_read_through_csharp(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, api_key=TOKENS)
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))
    record = ok(runtime.call("GetRecord", {"app": "2", "id": added["id"]}))["record"]
    assert record["Title"]["value"] == "Support contract"
    found = ok(
        runtime.call(
            "GetRecords", {"app": "2", "fields": ["$id", "Title"], "query": 'Deal_code = "D-900"'}
        )
    )
    assert [r["$id"]["value"] for r in found["records"]] == [added["id"]]


def test_webhook_trigger_lifecycle_through_csharp(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, api_key=TOKENS)
    with CallbackServer() as callback:
        subscription = subscribe(
            runtime, "AddWebhookForAddingRecord", callback.url, body={"app": "2"}
        )
        assert subscription.location.endswith(
            f"/k/integration/v1/preview/app/webhook.json?app=2&id={kintone.store.webhooks[-1].id}"
        )
        ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))
        kintone.wait_for_deliveries()
        [payload] = callback.wait_for(1)
        assert payload["type"] == "ADD_RECORD"
        unsubscribe(runtime, subscription)
    assert kintone.store.webhooks == []


def test_polling_guest_space_and_password_through_csharp(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    runtime = _runtime(package, script_engine, kintone, api_key=TOKENS)
    poller = Poller(runtime, "OnRecordsAdded", {"app": "2"})
    assert poller.poll() == []
    rows = [{**DEAL, "Deal_code": {"value": f"P-{i}"}} for i in range(3)]
    ids = ok(runtime.call("AddRecords", body={"app": "2", "records": rows}))["ids"]
    assert [r["$id"]["value"] for r in poller.poll()] == ids
    guest = _runtime(package, script_engine, kintone, api_key="guest-full")
    body = {"app": "4", "record": {"Task": {"value": "From C#"}}}
    ok(guest.call("AddRecord", {"guestSpaceId": "5"}, body))
    user = _runtime(package, script_engine, kintone, username="sato", password="sato-pass")
    assert "2" in {a["appId"] for a in ok(user.call("GetApps"))["apps"]}
