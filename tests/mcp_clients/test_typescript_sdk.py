"""The official MCP TypeScript SDK (npm @modelcontextprotocol/sdk) walks the same plan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.devtools.standin import StandIn
from tests.mcp_clients.conftest import Endpoint
from tests.mcp_clients.plan import CHECKS, PLAN, answers_of
from tests.mcp_clients.test_python_sdk import HAZARDS

HERE = Path(__file__).resolve().parent
SDK = HERE.parent / "conformance" / "node_modules" / "@modelcontextprotocol" / "sdk"


def _node() -> str:
    """node with the SDK installed (.ci/setup); a failure under CI=true, a skip elsewhere."""
    node = shutil.which("node")
    if node is None or not SDK.is_dir():
        reason = "node or @modelcontextprotocol/sdk missing (run bash .ci/setup)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node


def _run(urls: dict[str, str], tmp_path: Path, errors: list[Any] | None = None) -> Any:
    """The client's output for the plan, or (with errors) for those calls alone."""
    plan = tmp_path / "plan.json"
    steps = [] if errors else PLAN
    plan.write_text(json.dumps({"urls": urls, "plan": steps, "errors": errors or []}))
    done = subprocess.run(
        [_node(), str(HERE / "client.mjs"), str(plan)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_typescript_sdk_lists_and_calls_every_tool(
    kintone: StandIn, plan_urls: dict[str, str], tmp_path: Path
) -> None:
    out = _run(plan_urls, tmp_path)
    assert out["serverInfo"]["name"] == "kintone"
    assert out["protocolVersion"] == "2025-11-25"
    names = {tool["name"] for tool in out["tools"]}
    assert len(names) >= 34 and {item["tool"] for item in PLAN} == names
    for tool in out["tools"]:
        text = json.dumps(tool["inputSchema"])
        assert not any(f'"{hazard}"' in text for hazard in HAZARDS), tool["name"]
    failed = [r for r in out["results"] if r["isError"]]
    assert not failed and len(out["results"]) == len(PLAN), failed
    answers = answers_of(out["results"])
    for check in CHECKS:
        check(kintone, answers)


def test_typescript_sdk_sees_tool_errors_and_protocol_errors(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    urls = {"token": endpoint({"api_key": "deals-view"}), "user": endpoint({"api_key": "x"})}
    errors = [
        ["permission", "kintone-add-records", {"app": 2, "records": [{"Title": "x"}]}],
        ["bad_input", "kintone-get-records", {"app": 2, "limit": 0}],
        ["unknown_tool", "kintone-nothing", {}],
    ]
    out = _run(urls, tmp_path, errors)
    permission = out["errors"]["permission"]
    assert permission["isError"] and json.loads(permission["text"])["code"] == "GAIA_NO01"
    bad = json.loads(out["errors"]["bad_input"]["text"])
    assert bad == {"code": "CONNECTOR_MCP01", "message": "Argument 'limit' must be at least 1."}
    assert out["errors"]["unknown_tool"]["code"] == -32602
