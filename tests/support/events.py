"""kintone events the trigger tests cause: each returns the record id it touched."""

from __future__ import annotations

from collections.abc import Callable

from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.standin import StandIn
from tests.support.calls import DEAL, ok


def add_record(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    return str(ok(runtime.call("AddRecord", body={"app": "2", "record": DEAL}))["id"])


def update_record(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    ok(
        runtime.call(
            "UpdateRecord", body={"app": "2", "id": "1", "record": {"Amount": {"value": 99}}}
        )
    )
    return "1"


def delete_record(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    kintone.delete_record_as_user(app="2", record_id="1", user="sato")
    return "1"


def add_comment(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    body = {"app": "2", "record": "1", "comment": {"text": "Looks good"}}
    ok(runtime.call("AddComment", body=body))
    return "1"


def update_status(runtime: ConnectorRuntime, kintone: StandIn) -> str:
    action = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][0]["name"]
    ok(
        runtime.call(
            "UpdateStatus", body={"app": "2", "id": "1", "action": action, "assignee": "sato"}
        )
    )
    return "1"


Event = Callable[[ConnectorRuntime, StandIn], str]
