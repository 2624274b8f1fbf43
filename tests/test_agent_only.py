"""build --agent-only: the MCP-only connector for makers who want just the agent tools."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.agentonly import agent_only
from generator.cli import main
from generator.errors import ConnectorError
from generator.parse import default_description, parse_description
from generator.pipeline import build


def test_the_agent_only_package_holds_the_mcp_server_and_the_same_connection() -> None:
    full, agent = build(), build(agent_only=True)
    swagger = json.loads(agent.files["apiDefinition.swagger.json"])
    ops = {op["operationId"]: op for item in swagger["paths"].values() for op in item.values()}
    assert ops["InvokeMCP"]["x-ms-agentic-protocol"] == "mcp-streamable-1.0"
    assert all(op["x-ms-visibility"] == "internal" for k, op in ops.items() if k != "InvokeMCP")
    assert not any("x-ms-trigger" in op for op in ops.values())
    assert swagger["info"]["title"] == json.loads(
        full.files["apiDefinition.swagger.json"]
    )["info"]["title"] + " MCP"
    properties = json.loads(agent.files["apiProperties.json"])["properties"]
    assert properties["connectionParameterSets"] == json.loads(
        full.files["apiProperties.json"]
    )["properties"]["connectionParameterSets"]
    # The same tools; the dispatch keeps no case for the triggers that went.
    tools = [line for line in full.files["script.csx"].splitlines() if b"McpToolsJson =" in line]
    assert len(tools) == 1 and tools[0] in agent.files["script.csx"].splitlines()
    assert b'case "InvokeMCP":' in agent.files["script.csx"]
    assert b'case "OnRecordsAdded":' not in agent.files["script.csx"]
    assert agent.findings == []


def test_a_description_without_an_mcp_server_cannot_be_agent_only() -> None:
    connector = replace(parse_description(default_description()), mcp=None)
    with pytest.raises(ConnectorError, match="no mcp section"):
        agent_only(connector)


def test_build_agent_only_writes_and_checks_its_own_folder(tmp_path: Path) -> None:
    out = tmp_path / "kintone-mcp"
    runner = CliRunner()
    written = runner.invoke(main, ["build", "--agent-only", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert "1 actions, 0 triggers, 2 internal operations" in written.output
    checked = runner.invoke(main, ["build", "--agent-only", "--out", str(out), "--check"])
    assert checked.exit_code == 0, checked.output
    drift = runner.invoke(main, ["build", "--out", str(out), "--check"])
    assert drift.exit_code == 1
