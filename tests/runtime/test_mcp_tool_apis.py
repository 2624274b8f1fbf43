"""Every kintone API behind a tool of Cybozu's MCP server is an operation that runs via `call`.

The tool list and the API each tool calls are those of the public repository kintone/mcp-server
(1.9.x, README and src/tools/kintone/**): 27 tools, each calling one method of
@kintone/rest-api-client. Each row is checked twice: the built connector declares the operation
at that method and path, and the operation succeeds through the runtime against the stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.requests import FileInput
from generator.devtools.runtime.runtime import CallResult, ConnectorRuntime
from generator.devtools.runtime.script import ReferenceScript
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.runtime.test_end_to_end import DEAL, ok

Run = Callable[[ConnectorRuntime], CallResult]
SATO = {"entity": {"type": "USER", "code": "sato"}, "isAdmin": True}
TITLE_CELL = {"type": "SINGLE_LINE_TEXT", "code": "Title", "size": {"width": "300"}}


@dataclass(frozen=True)
class Tool:
    name: str
    method: str
    path: str
    operation: str
    run: Run


def _call(operation: str, params: dict[str, Any] | None = None, body: Any = None) -> Run:
    return lambda runtime: runtime.call(operation, params or {}, body)


def _update_statuses(runtime: ConnectorRuntime) -> CallResult:
    action = ok(runtime.call("GetAppStatus", {"app": "2"}))["actions"][0]["name"]
    change = {"id": "1", "action": action, "assignee": "sato"}
    return runtime.call("UpdateStatuses", body={"app": "2", "records": [change]})


def _download(runtime: ConnectorRuntime) -> CallResult:
    upload = ok(runtime.call("UploadFile", {"file": FileInput("a.txt", b"hi", "text/plain")}))
    fields = ok(runtime.call("GetFormFields", {"app": "2"}))["properties"]
    code = next(c for c, f in fields.items() if f["type"] == "FILE")
    record = {**DEAL, "Deal_code": {"value": "M-1"}, code: {"value": [upload]}}
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": record}))
    stored = ok(runtime.call("GetRecord", {"app": "2", "id": added["id"]}))["record"]
    return runtime.call("DownloadFile", {"fileKey": stored[code]["value"][0]["fileKey"]})


def _template_space(runtime: ConnectorRuntime) -> str:
    body = {"id": "1", "name": "MCP", "members": [SATO]}
    return str(ok(runtime.call("AddSpaceFromTemplate", body=body))["id"])


NEW_FIELD = {"Note": {"type": "MULTI_LINE_TEXT", "code": "Note", "label": "Note"}}
SEARCH = {"query": [{"operator": "AND", "keywords": ["website"]}]}
TOOLS = (
    Tool("kintone-get-apps", "get", "/k/v1/apps.json", "GetApps", _call("GetApps")),
    Tool("kintone-get-app", "get", "/k/v1/app.json", "GetApp", _call("GetApp", {"id": "2"})),
    Tool(
        "kintone-get-form-fields",
        "get",
        "/k/v1/app/form/fields.json",
        "GetFormFields",
        _call("GetFormFields", {"app": "2"}),
    ),
    Tool(
        "kintone-get-form-layout",
        "get",
        "/k/v1/app/form/layout.json",
        "GetFormLayout",
        _call("GetFormLayout", {"app": "2"}),
    ),
    Tool(
        "kintone-update-form-fields",
        "put",
        "/k/v1/preview/app/form/fields.json",
        "UpdateFormFields",
        _call("UpdateFormFields", body={"app": "2", "properties": {"Title": {"label": "T"}}}),
    ),
    Tool(
        "kintone-update-form-layout",
        "put",
        "/k/v1/preview/app/form/layout.json",
        "UpdateFormLayout",
        _call(
            "UpdateFormLayout",
            body={"app": "2", "layout": [{"type": "ROW", "fields": [TITLE_CELL]}]},
        ),
    ),
    Tool(
        "kintone-delete-form-fields",
        "delete",
        "/k/v1/preview/app/form/fields.json",
        "DeleteFormFields",
        _call("DeleteFormFields", {"app": "2", "fields": "Due"}),
    ),
    Tool(
        "kintone-add-form-fields",
        "post",
        "/k/v1/preview/app/form/fields.json",
        "AddFormFields",
        _call("AddFormFields", body={"app": "2", "properties": NEW_FIELD}),
    ),
    Tool(
        "kintone-get-process-management",
        "get",
        "/k/v1/app/status.json",
        "GetAppStatus",
        _call("GetAppStatus", {"app": "2"}),
    ),
    Tool(
        "kintone-get-app-deploy-status",
        "get",
        "/k/v1/preview/app/deploy.json",
        "GetPreviewAppDeploy",
        _call("GetPreviewAppDeploy", {"apps": "2"}),
    ),
    Tool(
        "kintone-get-general-settings",
        "get",
        "/k/v1/app/settings.json",
        "GetAppSettings",
        _call("GetAppSettings", {"app": "2"}),
    ),
    Tool(
        "kintone-update-general-settings",
        "put",
        "/k/v1/preview/app/settings.json",
        "UpdateAppSettings",
        _call("UpdateAppSettings", body={"app": "2", "theme": "BLUE"}),
    ),
    Tool(
        "kintone-add-app",
        "post",
        "/k/v1/preview/app.json",
        "AddApp",
        _call("AddApp", body={"name": "From an agent"}),
    ),
    Tool(
        "kintone-deploy-app",
        "post",
        "/k/v1/preview/app/deploy.json",
        "DeployApp",
        _call("DeployApp", body={"apps": [{"app": "2"}]}),
    ),
    Tool(
        "kintone-get-records",
        "get",
        "/k/v1/records.json",
        "GetRecords",
        _call("GetRecords", {"app": "2", "query": "order by $id asc limit 5"}),
    ),
    Tool(
        "kintone-add-records",
        "post",
        "/k/v1/records.json",
        "AddRecords",
        _call("AddRecords", body={"app": "2", "records": [{**DEAL, "Deal_code": {"value": "M"}}]}),
    ),
    Tool(
        "kintone-update-records",
        "put",
        "/k/v1/records.json",
        "UpdateRecords",
        _call(
            "UpdateRecords",
            body={"app": "2", "records": [{"id": "1", "record": {"Title": {"value": "x"}}}]},
        ),
    ),
    Tool(
        "kintone-delete-records",
        "delete",
        "/k/v1/records.json",
        "DeleteRecords",
        _call("DeleteRecords", {"app": "2", "ids": "1"}),
    ),
    Tool(
        "kintone-update-statuses",
        "put",
        "/k/v1/records/status.json",
        "UpdateStatuses",
        _update_statuses,
    ),
    Tool(
        "kintone-get-record-comments",
        "get",
        "/k/v1/record/comments.json",
        "GetComments",
        _call("GetComments", {"app": "2", "record": "1"}),
    ),
    Tool(
        "kintone-add-record-comment",
        "post",
        "/k/v1/record/comment.json",
        "AddComment",
        _call("AddComment", body={"app": "2", "record": "1", "comment": {"text": "hi"}}),
    ),
    Tool("kintone-download-file", "get", "/k/v1/file.json", "DownloadFile", _download),
    Tool("kintone-search", "post", "/k/v1/search.json", "Search", _call("Search", body=SEARCH)),
    Tool(
        "kintone-add-space-from-template",
        "post",
        "/k/v1/template/space.json",
        "AddSpaceFromTemplate",
        _call("AddSpaceFromTemplate", body={"id": "1", "name": "MCP", "members": [SATO]}),
    ),
    Tool(
        "kintone-get-space", "get", "/k/v1/space.json", "GetSpace", _call("GetSpace", {"id": "7"})
    ),
    Tool(
        "kintone-update-space",
        "put",
        "/k/v1/space.json",
        "UpdateSpace",
        _call("UpdateSpace", body={"id": "7", "name": "Renamed by an agent"}),
    ),
    Tool(
        "kintone-delete-space",
        "delete",
        "/k/v1/space.json",
        "DeleteSpace",
        lambda runtime: runtime.call("DeleteSpace", {"id": _template_space(runtime)}),
    ),
)


def test_the_table_lists_all_27_tools() -> None:
    assert len({tool.name for tool in TOOLS}) == 27


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
def test_the_tools_api_is_an_operation(package: ConnectorPackage, tool: Tool) -> None:
    paths = package.swagger["paths"]
    assert tool.path in paths, f"{tool.name}: no path {tool.path}"
    assert paths[tool.path].get(tool.method, {}).get("operationId") == tool.operation


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
def test_the_operation_runs_through_call(
    package: ConnectorPackage, reference_script: ReferenceScript, kintone: StandIn, tool: Tool
) -> None:
    connection = {"domain": kintone.domain, "username": "sato", "password": "sato-pass"}
    transport = trusting_transport(kintone.ca_file)
    runtime = ConnectorRuntime(package, connection, script=reference_script, transport=transport)
    result = tool.run(runtime)
    assert 200 <= result.response.status < 300, result.response.body[:300]
    assert [f.render() for f in result.findings] == []


def _cli(kintone: StandIn, operation: str, *args: str) -> Any:
    login = ["--username", "sato", "--password", "sato-pass"]
    domain = ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    result = CliRunner().invoke(
        main, ["call", operation, "--package", str(GOLDEN), *domain, *login, *args]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_new_operations_through_the_call_command(kintone: StandIn) -> None:
    template = {"id": "1", "name": "CLI space", "members": [SATO]}
    space = _cli(kintone, "AddSpaceFromTemplate", "--body", json.dumps(template))["id"]
    app = _cli(kintone, "AddApp", "--body", json.dumps({"name": "CLI app", "space": space}))["app"]
    fields = {"app": app, "properties": NEW_FIELD}
    _cli(kintone, "AddFormFields", "--body", json.dumps(fields))
    _cli(kintone, "DeployApp", "--body", json.dumps({"apps": [{"app": app}]}))
    live = _cli(kintone, "GetFormFields", "--param", f"app={app}")["properties"]
    assert "Note" in live and "Note" in kintone.store.apps[app].fields
    found = _cli(kintone, "GetSpace", "--param", f"id={space}")
    assert [a["appId"] for a in found["attachedApps"]] == [app]
    hits = _cli(
        kintone,
        "Search",
        "--body",
        json.dumps({"query": [{"operator": "AND", "keywords": ["cli space"]}]}),
    )
    assert [h["space"]["spaceId"] for h in hits["hits"] if h["type"] == "SPACE"] == [space]
