"""Every operationId of the connector, run end to end: runtime → compiled script.csx → stand-in.

An operation added to the description without an exercise here fails
``test_every_operation_has_an_exercise`` by name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.requests import FileInput
from generator.devtools.runtime.runtime import CallResult, ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.support.calls import DEAL, ok

Exercise = Callable[[ConnectorRuntime], CallResult]
APP = "2"
CALLBACK = "https://127.0.0.1:9/callback"


def _record(rt: ConnectorRuntime) -> str:
    return str(ok(rt.call("AddRecord", body={"app": APP, "record": DEAL}))["id"])


def _comment(rt: ConnectorRuntime) -> tuple[str, str]:
    record = _record(rt)
    body = {"app": APP, "record": record, "comment": {"text": "hello"}}
    return record, str(ok(rt.call("AddComment", body=body))["id"])


def _cursor(rt: ConnectorRuntime) -> str:
    return str(ok(rt.call("CreateCursor", body={"app": APP, "size": 10}))["id"])


def _action(rt: ConnectorRuntime) -> str:
    return str(ok(rt.call("GetAppStatus", {"app": APP}))["actions"][0]["name"])


def _file_key(rt: ConnectorRuntime) -> str:
    upload = ok(rt.call("UploadFile", {"file": FileInput("a.txt", b"hello", "text/plain")}))
    fields = ok(rt.call("GetFormFields", {"app": APP}))["properties"]
    code = next(c for c, f in fields.items() if f["type"] == "FILE")
    record = {**DEAL, code: {"value": [{"fileKey": upload["fileKey"]}]}}
    added = ok(rt.call("AddRecord", body={"app": APP, "record": record}))
    stored = ok(rt.call("GetRecord", {"app": APP, "id": added["id"]}))["record"]
    return str(stored[code]["value"][0]["fileKey"])


def _space_guests(rt: ConnectorRuntime) -> CallResult:
    guest = {"code": "g@example.com", "name": "G", "password": "Passw0rd!", "timezone": "UTC"}
    ok(rt.call("AddGuests", body={"guests": [guest]}))
    body = {"id": "5", "guests": [guest["code"]]}
    return rt.call("UpdateSpaceGuests", {"guestSpaceId": "5"}, body)


def _subscribe(operation_id: str) -> Exercise:
    return lambda rt: rt.call(operation_id, body={"app": APP, "url": CALLBACK})


def _remove_webhook(rt: ConnectorRuntime) -> CallResult:
    location = _subscribe("AddWebhookForAddingRecord")(rt).response.header("Location") or ""
    hook = location.rsplit("id=", 1)[1]
    return rt.call("RemoveWebhook", {"app": APP, "id": hook})


def _actions_body(rt: ConnectorRuntime) -> dict[str, Any]:
    live = ok(rt.call("GetAppActions", {"app": APP}))["actions"]
    return {
        "app": APP,
        "actions": {n: {k: v for k, v in a.items() if k != "id"} for n, a in live.items()},
    }


EXERCISES: dict[str, Exercise] = {
    "AddRecord": lambda rt: rt.call("AddRecord", body={"app": APP, "record": DEAL}),
    "UpdateRecord": lambda rt: rt.call(
        "UpdateRecord", body={"app": APP, "id": _record(rt), "record": {"Amount": {"value": 3}}}
    ),
    "GetRecord": lambda rt: rt.call("GetRecord", {"app": APP, "id": _record(rt)}),
    "GetRecords": lambda rt: rt.call("GetRecords", {"app": APP, "fields": ["Title", "$id"]}),
    "AddRecords": lambda rt: rt.call("AddRecords", body={"app": APP, "records": [DEAL]}),
    "UpdateRecords": lambda rt: rt.call(
        "UpdateRecords",
        body={"app": APP, "records": [{"id": _record(rt), "record": {"Amount": {"value": 4}}}]},
    ),
    "DeleteRecords": lambda rt: rt.call("DeleteRecords", {"app": APP, "ids": [_record(rt)]}),
    "AddRecordsBulk": lambda rt: rt.call("AddRecordsBulk", body={"app": APP, "records": [DEAL]}),
    "UpdateRecordsBulk": lambda rt: rt.call(
        "UpdateRecordsBulk",
        body={"app": APP, "records": [{"id": _record(rt), "record": {"Amount": {"value": 5}}}]},
    ),
    "DeleteRecordsBulk": lambda rt: rt.call(
        "DeleteRecordsBulk", body={"app": APP, "ids": [_record(rt)]}
    ),
    "BulkRequest": lambda rt: rt.call(
        "BulkRequest",
        body={
            "requests": [
                {
                    "method": "POST",
                    "api": "/k/v1/record.json",
                    "payload": {"app": APP, "record": DEAL},
                }
            ]
        },
    ),
    "GetAppPicker": lambda rt: rt.call("GetAppPicker", {}),
    "UpdateSpaceGuests": lambda rt: _space_guests(rt),
    "CreateCursor": lambda rt: rt.call("CreateCursor", body={"app": APP, "size": 10}),
    "GetCursorRecords": lambda rt: rt.call("GetCursorRecords", {"id": _cursor(rt)}),
    "DeleteCursor": lambda rt: rt.call("DeleteCursor", {"id": _cursor(rt)}),
    "AddComment": lambda rt: rt.call(
        "AddComment", body={"app": APP, "record": _record(rt), "comment": {"text": "hi"}}
    ),
    "GetComments": lambda rt: rt.call("GetComments", {"app": APP, "record": _comment(rt)[0]}),
    "DeleteComment": lambda rt: rt.call(
        "DeleteComment", dict(zip(("record", "comment"), _comment(rt), strict=True), app=APP)
    ),
    "UpdateStatus": lambda rt: rt.call(
        "UpdateStatus",
        body={"app": APP, "id": _record(rt), "action": _action(rt), "assignee": "sato"},
    ),
    "UpdateStatuses": lambda rt: rt.call(
        "UpdateStatuses",
        body={
            "app": APP,
            "records": [{"id": _record(rt), "action": _action(rt), "assignee": "sato"}],
        },
    ),
    "UpdateAssignees": lambda rt: rt.call(
        "UpdateAssignees", body={"app": APP, "id": _record(rt), "assignees": ["suzuki"]}
    ),
    "UploadFile": lambda rt: rt.call(
        "UploadFile", {"file": FileInput("a.txt", b"hi", "text/plain")}
    ),
    "DownloadFile": lambda rt: rt.call("DownloadFile", {"fileKey": _file_key(rt)}),
    "GetApps": lambda rt: rt.call("GetApps", {"ids": ["1", "2"]}),
    "GetApp": lambda rt: rt.call("GetApp", {"id": APP}),
    "GetFormFields": lambda rt: rt.call("GetFormFields", {"app": APP}),
    "GetFormLayout": lambda rt: rt.call("GetFormLayout", {"app": APP}),
    "GetViews": lambda rt: rt.call("GetViews", {"app": APP}),
    "AddThreadComment": lambda rt: rt.call(
        "AddThreadComment", body={"space": "7", "thread": "8", "comment": {"text": "hi"}}
    ),
    "GetAppActions": lambda rt: rt.call("GetAppActions", {"app": APP}),
    "GetPreviewAppActions": lambda rt: rt.call("GetPreviewAppActions", {"app": APP}),
    "PutPreviewAppActions": lambda rt: rt.call("PutPreviewAppActions", body=_actions_body(rt)),
    "GetAppStatus": lambda rt: rt.call("GetAppStatus", {"app": APP}),
    "GetPreviewAppStatus": lambda rt: rt.call("GetPreviewAppStatus", {"app": APP}),
    "PutPreviewAppStatus": lambda rt: rt.call(
        "PutPreviewAppStatus", body={"app": APP, "enable": False}
    ),
    "DeployApp": lambda rt: rt.call("DeployApp", body={"apps": [{"app": APP}]}),
    "GetPreviewAppDeploy": lambda rt: rt.call("GetPreviewAppDeploy", {"apps": [APP]}),
    "GetRecordSchema": lambda rt: rt.call("GetRecordSchema", {"app": APP, "mode": "add"}),
    "RemoveWebhook": _remove_webhook,
    "AddWebhookForAddingRecord": _subscribe("AddWebhookForAddingRecord"),
    "AddWebhookForUpdatingRecord": _subscribe("AddWebhookForUpdatingRecord"),
    "AddWebhookForDeletingRecord": _subscribe("AddWebhookForDeletingRecord"),
    "AddWebhookForAddingRecordComment": _subscribe("AddWebhookForAddingRecordComment"),
    "AddWebhookForUpdatingStatus": _subscribe("AddWebhookForUpdatingStatus"),
    "OnRecordsAdded": lambda rt: rt.call("OnRecordsAdded", {"app": APP}),
    "OnRecordsUpdated": lambda rt: rt.call("OnRecordsUpdated", {"app": APP}),
    "OnRecordStatusChanged": lambda rt: rt.call(
        "OnRecordStatusChanged", {"app": APP, "status": "In progress"}
    ),
}
PACKAGE = ConnectorPackage.load(GOLDEN)
OPERATIONS = sorted(PACKAGE.operations)
TESTS = Path(__file__).resolve().parents[1]
# End-to-end modules that run operations through the compiled script against the stand-in with
# their own setup (spaces from templates, pre-live apps, the MCP clients through serve).
E2E_MODULES = (
    *sorted((TESTS / "runtime").glob("test_*.py")),
    *sorted((TESTS / "mcp_clients").glob("*.py")),
)


def _run_elsewhere() -> dict[str, str]:
    """Operation id → the end-to-end module that calls it (``.call("Id"`` or the MCP route)."""
    found: dict[str, str] = {}
    for path in E2E_MODULES:
        if path.name == "test_every_operation.py":
            continue
        text = path.read_text(encoding="utf-8")
        for operation_id in OPERATIONS:
            if f'call("{operation_id}"' in text or (
                f'"{operation_id}"' in text and "mcp" in path.parent.name
            ):
                found.setdefault(operation_id, path.name)
    return found


ELSEWHERE = _run_elsewhere()


def test_every_operation_has_an_exercise() -> None:
    missing = sorted(set(OPERATIONS) - set(EXERCISES) - set(ELSEWHERE))
    assert missing == [], (
        f"operations never run end to end: {', '.join(missing)} — add each to EXERCISES in "
        "tests/runtime/test_every_operation.py"
    )
    assert sorted(set(EXERCISES) - set(OPERATIONS)) == []


# Operations run by another end-to-end module (ELSEWHERE) are not repeated here.
@pytest.mark.parametrize(
    "operation_id", [o for o in OPERATIONS if o not in ELSEWHERE or o in EXERCISES]
)
def test_operation_runs_through_the_compiled_script(
    operation_id: str, script_engine: CompiledScriptEngine, kintone: StandIn
) -> None:
    exercise = EXERCISES.get(operation_id)
    if exercise is None:
        pytest.fail(f"{operation_id} has no exercise in tests/runtime/test_every_operation.py")
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    runtime = ConnectorRuntime(
        PACKAGE, connection, script=script_engine, transport=trusting_transport(kintone.ca_file)
    )
    assert PACKAGE.script_operations is not None and operation_id in PACKAGE.script_operations
    result = exercise(runtime)
    assert result.operation_id == operation_id
    assert 200 <= result.response.status < 300, result.response.body[:400]
    assert [f.render() for f in result.findings] == []
    assert runtime.sent, "the script sent nothing to the stand-in"
