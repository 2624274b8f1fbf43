"""AGENT rules: the MCP operation's shape and the Copilot Studio tool-schema hazards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.findings import Level
from generator.validate import read_connector, validate_files
from tests.conftest import GOLDEN

AGENT = ("AGENT-01", "AGENT-02", "AGENT-10", "AGENT-11", "AGENT-12", "AGENT-13")
FIXTURE = Path(__file__).resolve().parent / "data" / "validate" / "agent"
MCP = "/paths/~1k~1v1~1connector~1mcp/post"


def _files() -> dict[str, bytes]:
    return dict(read_connector(GOLDEN))


def _found(files: dict[str, bytes]) -> list[tuple[str, str, Level, str]]:
    return [
        (f.rule, f.pointer, f.level, f.message)
        for f in validate_files(files, rules=AGENT)
    ]


def _with_swagger(change: Any) -> dict[str, bytes]:
    files = _files()
    swagger = json.loads(files["apiDefinition.swagger.json"])
    change(swagger["paths"]["/k/v1/connector/mcp"]["post"])
    files["apiDefinition.swagger.json"] = json.dumps(swagger).encode()
    return files


def _with_tool(change: Any) -> dict[str, bytes]:
    """The golden script with the first tool's input schema changed."""
    files = _files()
    script = files["script.csx"].decode()
    start = script.index("McpToolsJson = ") + len("McpToolsJson = ")
    end = script.index(";\n", start)
    tools = json.loads(json.loads(script[start:end]))
    change(tools[0])
    literal = json.dumps(json.dumps(tools))
    files["script.csx"] = (script[:start] + literal + script[end:]).encode()
    return files


def test_the_golden_connector_is_agent_ready() -> None:
    assert _found(_files()) == []


def test_a_certified_style_mcp_connector_has_no_finding() -> None:
    files = {"apiDefinition.swagger.json": (FIXTURE / "affinity-like.swagger.json").read_bytes()}
    assert _found(files) == []


@pytest.mark.parametrize(
    ("change", "pointer", "message"),
    [
        (
            lambda op: op.update({"x-ms-agentic-protocol": "mcp-sse-1.0"}),
            MCP + "/x-ms-agentic-protocol",
            "x-ms-agentic-protocol is \"mcp-sse-1.0\"; Copilot Studio takes 'mcp-streamable-1.0'",
        ),
        (
            lambda op: op.update({"x-ms-trigger": "single"}),
            MCP + "/x-ms-trigger",
            "an MCP operation cannot be a trigger",
        ),
    ],
)
def test_the_operation_shape_is_an_error(change: Any, pointer: str, message: str) -> None:
    assert _found(_with_swagger(change)) == [("AGENT-01", pointer, Level.ERROR, message)]


def test_a_required_query_parameter_is_a_warning() -> None:
    extra = {"name": "tenant", "in": "query", "required": True, "type": "string"}
    found = _found(_with_swagger(lambda op: op["parameters"].append(extra)))
    message = "the agent sends only JSON-RPC messages: nothing fills required 'tenant'"
    assert found == [("AGENT-02", MCP + "/parameters/1", Level.WARNING, message)]


def _property(tool: dict[str, Any], value: dict[str, Any]) -> None:
    tool["inputSchema"]["properties"]["x"] = value


@pytest.mark.parametrize(
    ("schema", "rule", "message"),
    [
        ({"$ref": "#/definitions/X"}, "AGENT-10", "$ref at inputSchema/properties/x"),
        ({"type": ["string", "null"]}, "AGENT-11", 'type ["string", "null"] at inputSchema/pr'),
        ({"type": "integer", "exclusiveMinimum": 0}, "AGENT-12", "integer with exclusiveMinimum"),
        ({"type": "array", "items": {"anyOf": [{"$ref": "#/x"}]}}, "AGENT-10", "$ref at inputSc"),
    ],
)
def test_tool_schema_hazards_are_errors(schema: dict[str, Any], rule: str, message: str) -> None:
    found = _found(_with_tool(lambda tool: _property(tool, schema)))
    assert [(f[0], f[2]) for f in found] == [(rule, Level.ERROR)]
    assert found[0][1].startswith("L") and message in found[0][3]
    assert found[0][3].startswith("tool 'kintone-get-apps': ")


def test_a_tool_without_description_or_with_a_bad_name_is_a_warning() -> None:
    def change(tool: dict[str, Any]) -> None:
        tool.update({"name": "get apps!", "description": " "})

    found = _found(_with_tool(change))
    assert [(f[0], f[2]) for f in found] == [("AGENT-13", Level.WARNING)] * 2
