"""The status-change polling trigger through the runtime against the stand-in (app 2 has
process management: Not started -> Start -> In progress -> Finish -> Done)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.triggers import Poller, TriggerError
from tests.runtime.conftest import Connect
from tests.support.calls import TOKENS, ok

TRIGGER = "OnRecordStatusChanged"


def _add(runtime: ConnectorRuntime, *titles: str) -> list[str]:
    rows = [
        {"Title": {"value": title}, "Amount": {"value": 1}, "Priority": {"value": "Low"}}
        for title in titles
    ]
    ids: list[str] = ok(runtime.call("AddRecords", body={"app": "2", "records": rows}))["ids"]
    return ids


def _first_action(runtime: ConnectorRuntime) -> dict[str, Any]:
    action: dict[str, Any] = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][0]
    return action


def _edit(runtime: ConnectorRuntime, record_id: str, title: str) -> None:
    record = {"Title": {"value": title}}
    ok(runtime.call("UpdateRecord", body={"app": "2", "id": record_id, "record": record}))


def test_a_status_action_fires_for_exactly_the_records_it_moved(connect: Connect) -> None:
    runtime = connect(TOKENS)
    ids = _add(runtime, "A", "B", "C")
    action = _first_action(runtime)  # Start: Not started -> In progress
    poller = Poller(runtime, TRIGGER, {"app": "2", "status": action["to"]})
    # The first check only sets the watermark: seed record 2, already In progress, stays out.
    assert poller.poll() == []
    changes = [{"id": i, "action": action["name"], "assignee": "sato"} for i in ids[:2]]
    ok(runtime.call("UpdateStatuses", body={"app": "2", "records": changes}))
    seen = poller.poll()
    assert sorted(r["$id"]["value"] for r in seen) == sorted(ids[:2])
    assert {r["Status"]["value"] for r in seen} == {action["to"]}
    assert poller.poll() == []  # nothing is delivered twice
    # An edit of a record in another status (C is still Not started) delivers nothing.
    _edit(runtime, ids[2], "C edited")
    assert poller.poll() == []
    # An edit of a record in the status fires again: the trigger cannot tell it from an action.
    _edit(runtime, ids[0], "A edited")
    assert [r["Title"]["value"] for r in poller.poll()] == ["A edited"]


def test_a_single_status_action_and_the_next_status(connect: Connect) -> None:
    runtime = connect(TOKENS)
    [record_id] = _add(runtime, "Solo")
    start, finish = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][:2]
    done = Poller(runtime, TRIGGER, {"app": "2", "status": finish["to"]})
    assert done.poll() == []
    body = {"app": "2", "id": record_id, "action": start["name"], "assignee": "sato"}
    ok(runtime.call("UpdateStatus", body=body))
    assert done.poll() == []  # In progress is not Done
    ok(runtime.call("UpdateStatus", body={"app": "2", "id": record_id, "action": finish["name"]}))
    [record] = done.poll()
    assert (record["$id"]["value"], record["Status"]["value"]) == (record_id, finish["to"])


def test_without_a_status_every_updated_record_comes_with_its_status(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, TRIGGER, {"app": "2"})
    assert poller.poll() == []
    _edit(runtime, "1", "Edited")
    [record] = poller.poll()
    assert record["$id"]["value"] == "1" and record["Status"]["value"] == "Not started"
    assert poller.poll() == []


def test_turning_process_management_off_stops_the_trigger(connect: Connect) -> None:
    runtime = connect(TOKENS)
    poller = Poller(runtime, TRIGGER, {"app": "2", "status": "Done"})
    assert poller.poll() == []
    revision = ok(runtime.call("GetPreviewAppStatus", {"app": "2"}))["revision"]
    body = {"app": "2", "enable": False, "revision": revision}
    ok(runtime.call("PutPreviewAppStatus", body=body))
    ok(runtime.call("DeployApp", body={"apps": [{"app": "2"}]}))
    states = [
        ok(runtime.call("GetPreviewAppDeploy", {"apps": ["2"]}))["apps"][0]["status"]
        for _ in range(2)
    ]
    assert states[-1] == "SUCCESS"
    assert (
        ok(runtime.call("GetFormFields", {"app": "2"}))["properties"]["Status"]["enabled"] is False
    )
    result = runtime.call(TRIGGER, {"app": "2", "status": "Done"})
    assert result.response.status == 400
    assert result.body["code"] == "CONNECTOR_PL04"
    with pytest.raises(TriggerError, match="CONNECTOR_PL04"):
        poller.poll()
