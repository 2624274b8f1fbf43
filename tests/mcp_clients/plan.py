"""One walk through every MCP tool, run by each official SDK client, and its store checks.

Steps are data (tool, arguments, connection) so that the Python and the TypeScript clients run
the same walk. An argument "${step.path}" is the value at path (dots; list indexes as numbers)
in the JSON text an earlier step returned. Each check reads the stand-in's store after the walk,
so a tool's success is judged by kintone's state, not by the answer alone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from generator.devtools.standin import StandIn

TOKENS = "deals-full,invoices-full,guest-full"
CONNECTIONS: dict[str, dict[str, str]] = {
    "token": {"api_key": TOKENS},
    "user": {"username": "sato", "password": "sato-pass"},
}
NOTE = b"hello from an agent\n"
NEW_INVOICES = [
    {"Title": f"Agent invoice {n}", "Deal_code": f"M-{n:03d}", "Amount": n} for n in range(150)
]


def step(step_id: str, tool: str, connection: str = "token", /, **arguments: Any) -> dict[str, Any]:
    return {"id": step_id, "tool": tool, "connection": connection, "arguments": arguments}


PLAN: list[dict[str, Any]] = [
    step("app", "kintone-get-app", id=3),
    step("fields", "kintone-get-form-fields", app=2, fields=["Title", "Amount"]),
    step("layout", "kintone-get-form-layout", app=3),
    step("process", "kintone-get-process-management", app=2),
    step("settings", "kintone-get-general-settings", app=3),
    step("add", "kintone-add-records", app=3, records=NEW_INVOICES),
    step("page1", "kintone-get-records", app=3, query='Deal_code like "M-"',
         fields=["$id", "Deal_code"], limit=100),
    step("page2", "kintone-get-records", app=3, query='Deal_code like "M-"',
         fields=["$id", "Deal_code"], limit=100, pageToken="${page1.nextPageToken}"),
    step("record", "kintone-get-record", app=3, id="${add.ids.0}", fields=["Title"]),
    step("update", "kintone-update-records", app=3,
         records=[{"id": "${add.ids.0}", "record": {"Amount": 999}}]),
    step("delete", "kintone-delete-records", app=3, ids=["${add.ids.1}", "${add.ids.2}"]),
    step("comment", "kintone-add-record-comment", app=3, record="${add.ids.0}",
         text="Checked by an agent", mentions=[{"code": "sato", "type": "USER"}]),
    step("comments", "kintone-get-record-comments", app=3, record="${add.ids.0}"),
    step("uncomment", "kintone-delete-record-comment", app=3, record="${add.ids.0}",
         comment="${comment.id}"),
    step("status", "kintone-update-statuses", app=2,
         records=[{"id": 1, "action": "Start", "assignee": "sato"}]),
    step("assignees", "kintone-update-assignees", app=2, id=1, assignees=["suzuki"]),
    step("cursor", "kintone-create-cursor", app=3, fields=["$id"], size=50),
    step("cursor_read", "kintone-get-cursor-records", id="${cursor.id}"),
    step("cursor_delete", "kintone-delete-cursor", id="${cursor.id}"),
    step("upload", "kintone-upload-file", fileName="note.txt",
         contentBase64=base64.b64encode(NOTE).decode(), contentType="text/plain"),
    step("attach", "kintone-update-records", app=2,
         records=[{"id": 1, "record": {"Attachments": [{"fileKey": "${upload.fileKey}"}]}}]),
    step("attached", "kintone-get-record", app=2, id=1, fields=["Attachments"]),
    step("download", "kintone-download-file", fileKey="${attached.record.Attachments.0.fileKey}"),
    step("add_field", "kintone-add-form-fields", app=3,
         properties={"Notes": {"type": "MULTI_LINE_TEXT", "code": "Notes", "label": "Notes"}}),
    step("change_field", "kintone-update-form-fields", app=3,
         properties={"Notes": {"label": "Agent notes"}}),
    step("relayout", "kintone-update-form-layout", app=3, layout="${layout.layout}"),
    step("drop_field", "kintone-delete-form-fields", app=3, fields=["Deal_URL"]),
    step("rename", "kintone-update-general-settings", app=3, name="Invoices (agent)",
         theme="GREEN"),
    step("deploy", "kintone-deploy-app", apps=[{"app": 3}]),
    step("deploy_status", "kintone-get-app-deploy-status", apps=[3]),
    step("guest", "kintone-get-records", app=4, guestSpaceId="5", fields=["Task"]),
    step("apps", "kintone-get-apps", "user", name="Deals"),
    step("search", "kintone-search", "user", keywords=["renewal"], operator="AND"),
    step("new_app", "kintone-add-app", "user", name="Agent app"),
    step("space", "kintone-get-space", "user", id=7),
    step("space_update", "kintone-update-space", "user", id=7, name="Sales team (agent)"),
    step("space_add", "kintone-add-space-from-template", "user", id=1, name="Agent space",
         members=[{"entity": {"type": "USER", "code": "sato"}, "isAdmin": True}]),
    step("space_delete", "kintone-delete-space", "user", id="${space_add.id}"),
]


def resolve(value: Any, answers: dict[str, Any]) -> Any:
    """The arguments with every "${step.path}" replaced by that step's answer at path."""
    if isinstance(value, dict):
        return {key: resolve(item, answers) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, answers) for item in value]
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        name, *path = value[2:-1].split(".")
        found = answers[name]
        for key in path:
            found = found[int(key)] if isinstance(found, list) else found[key]
        return found
    return value


def answers_of(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Each step's answer parsed from its text content."""
    return {r["id"]: json.loads(r["text"]) for r in results}


Check = Callable[[StandIn, dict[str, Any]], None]


def _records(kintone: StandIn, app: str) -> dict[int, Any]:
    return kintone.store.apps[app].records


def check_add(kintone: StandIn, a: dict[str, Any]) -> None:
    ids = [int(i) for i in a["add"]["ids"]]
    assert len(ids) == len(set(ids)) == 150
    codes = {str(_records(kintone, "3")[i].values["Deal_code"]) for i in ids[3:]}
    assert codes == {item["Deal_code"] for item in NEW_INVOICES[3:]}


def check_pages(kintone: StandIn, a: dict[str, Any]) -> None:
    first, second = a["page1"], a["page2"]
    assert len(first["records"]) == 100 and first["nextPageToken"] == "100"
    assert len(second["records"]) == 50 and "nextPageToken" not in second
    assert set(first["records"][0]) == {"$id", "Deal_code"}
    read = {r["$id"] for r in first["records"] + second["records"]}
    assert read == set(a["add"]["ids"])


def check_record_writes(kintone: StandIn, a: dict[str, Any]) -> None:
    records = _records(kintone, "3")
    first, second, third = (int(i) for i in a["add"]["ids"][:3])
    assert a["record"]["record"] == {"Title": "Agent invoice 0"}
    assert str(records[first].values["Amount"]) == "999" and records[first].revision == 2
    assert second not in records and third not in records


def check_comments(kintone: StandIn, a: dict[str, Any]) -> None:
    assert "Checked by an agent" in a["comments"]["comments"][0]["text"], a["comments"]
    record = _records(kintone, "3")[int(a["add"]["ids"][0])]
    assert str(a["comment"]["id"]) not in {str(c.id) for c in record.comments}


def check_process(kintone: StandIn, a: dict[str, Any]) -> None:
    deal = _records(kintone, "2")[1]
    assert deal.status == "In progress" and deal.assignees == ["suzuki"]
    assert "Start" in {action["name"] for action in a["process"]["actions"]}


def check_cursor(kintone: StandIn, a: dict[str, Any]) -> None:
    assert a["cursor"]["totalCount"] == "149" and len(a["cursor_read"]["records"]) == 50
    assert a["cursor_read"]["next"] is True and kintone.store.cursors == {}


def check_files(kintone: StandIn, a: dict[str, Any]) -> None:
    assert base64.b64decode(a["download"]["contentBase64"]) == NOTE
    assert a["download"]["contentType"].startswith("text/plain")


def check_settings(kintone: StandIn, a: dict[str, Any]) -> None:
    app = kintone.store.apps["3"]
    app.settle()  # kintone finishes a deploy in the background; the stand-in on the next use
    assert app.fields["Notes"]["label"] == "Agent notes" and "Deal_URL" not in app.fields
    assert app.name == "Invoices (agent)" and app.settings["theme"] == "GREEN"
    assert a["deploy_status"]["apps"][0]["status"] in ("PROCESSING", "SUCCESS")
    assert set(a["fields"]["properties"]) == {"Title", "Amount"}
    assert a["settings"]["name"] == "Invoices" and a["app"]["appId"] == "3"


def check_guest_and_user(kintone: StandIn, a: dict[str, Any]) -> None:
    assert a["guest"]["records"] == [{"Task": "Review the proposal"}]
    assert [app["appId"] for app in a["apps"]["apps"]] == ["2"]
    records = [hit["record"] for hit in a["search"]["hits"] if hit["type"] == "RECORD"]
    assert any(record["appId"] == "2" for record in records)
    assert kintone.store.apps[a["new_app"]["app"]].name == "Agent app"
    assert kintone.store.spaces["7"].name == "Sales team (agent)"
    assert a["space"]["name"] == "Sales team" and a["space_add"]["id"] not in kintone.store.spaces


CHECKS: list[Check] = [
    check_add,
    check_pages,
    check_record_writes,
    check_comments,
    check_process,
    check_cursor,
    check_files,
    check_settings,
    check_guest_and_user,
]
