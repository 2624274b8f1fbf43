"""Fidelity to kintone (issue 10 part 5): one test per defect that was fixed."""

from __future__ import annotations

from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.runtime.triggers import CallbackServer, subscribe, unsubscribe
from generator.devtools.standin import StandIn
from tests.runtime.conftest import Connect
from tests.support.calls import ok


def _definitions(package: ConnectorPackage) -> dict[str, Any]:
    return dict(package.swagger["definitions"])


def _operation(package: ConnectorPackage, operation_id: str) -> dict[str, Any]:
    return dict(package.operation(operation_id).operation)


def test_password_connection_removes_its_webhook(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    # RemoveWebhook used to bypass the script: kintone got the raw private headers, and 401.
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    transport = trusting_transport(kintone.ca_file)
    runtime = ConnectorRuntime(package, connection, script=script_engine, transport=transport)
    before = len(kintone.store.webhooks)
    with CallbackServer() as callback:
        subscription = subscribe(
            runtime, "AddWebhookForAddingRecord", callback.url, body={"app": "2"}
        )
        assert len(kintone.store.webhooks) == before + 1
        result = unsubscribe(runtime, subscription)
    assert result.response.status == 200 and len(kintone.store.webhooks) == before
    sent = runtime.sent[-1]
    assert sent.method == "DELETE" and sent.header("X-Cybozu-Authorization") is not None
    assert sent.header("X-Kintone-Password") is None


def test_webhook_trigger_of_a_guest_space_app(connect: Connect, kintone: StandIn) -> None:
    runtime = connect("guest-full")
    with CallbackServer() as callback:
        subscription = subscribe(
            runtime,
            "AddWebhookForAddingRecord",
            callback.url,
            params={"guestSpaceId": "5"},
            body={"app": "4"},
        )
        assert "/k/guest/5/integration/v1/" in runtime.sent[-1].url
        assert subscription.location.endswith("&guestSpaceId=5")
        body = {"app": "4", "record": {"Task": {"value": "Watch me"}}}
        ok(runtime.call("AddRecord", {"guestSpaceId": "5"}, body))
        kintone.wait_for_deliveries()
        [payload] = callback.wait_for(1)
        assert payload["record"]["Task"]["value"] == "Watch me"
        unsubscribe(runtime, subscription)
    assert "/k/guest/5/integration/v1/" in runtime.sent[-1].url
    assert not [hook for hook in kintone.store.webhooks if hook.app == "4"]


def test_cursor_page_size_defaults_to_kintones_100(package: ConnectorPackage) -> None:
    body = _operation(package, "CreateCursor")["parameters"][0]["schema"]
    assert body["properties"]["size"]["default"] == 100


def test_cursor_created_without_size_reads_100_per_page(connect: Connect) -> None:
    runtime = connect("invoices-full")
    records = [{"Title": {"value": f"R{i}"}} for i in range(100)]
    ok(runtime.call("AddRecords", body={"app": "3", "records": records}))
    cursor = ok(runtime.call("CreateCursor", body={"app": "3"}))
    assert len(ok(runtime.call("GetCursorRecords", {"id": cursor["id"]}))["records"]) == 100


def test_update_statuses_answers_id_and_revision_only(package: ConnectorPackage) -> None:
    schema = _operation(package, "UpdateStatuses")["responses"]["200"]["schema"]
    item = package.resolve(schema)["properties"]["records"]["items"]
    assert sorted(item["properties"]) == ["id", "revision"]


def test_app_action_destination_and_mappings_may_be_null(package: ConnectorPackage) -> None:
    action = _definitions(package)["AppAction"]["properties"]
    assert action["destApp"]["x-nullable"] is True and action["mappings"]["x-nullable"] is True


def test_required_properties_follow_cybozus_spec(package: ConnectorPackage) -> None:
    definitions = _definitions(package)
    assert definitions["ActionMapping"]["required"] == ["srcType", "destField"]
    assert definitions["ActionEntity"]["required"] == ["type", "code"]
    assert definitions["ProcessAssignee"]["required"] == ["type", "entities"]
    update = _operation(package, "UpdateRecord")["parameters"][0]["schema"]
    assert update["properties"]["updateKey"]["required"] == ["field", "value"]
