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
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "validate" / "agent"
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


def _property(tool: dict[str, Any], value: dict[str, Any]) -> None:
    tool["inputSchema"]["properties"]["x"] = value


def _rename(tool: dict[str, Any]) -> None:
    tool.update({"name": "get apps!"})


_SSE = {"x-ms-agentic-protocol": "mcp-sse-1.0"}
_TENANT = {"name": "tenant", "in": "query", "required": True, "type": "string"}
_FIRST = "tool 'kintone-get-apps': "

# (rule, the defective files, pointer (L… = a script line), level, the message's start)
CASES = [
    pytest.param(
        "AGENT-01",
        lambda: _with_swagger(lambda op: op.update(_SSE)),
        MCP + "/x-ms-agentic-protocol",
        Level.ERROR,
        "x-ms-agentic-protocol is \"mcp-sse-1.0\"; Copilot Studio takes 'mcp-streamable-1.0'",
        id="sse",
    ),
    pytest.param(
        "AGENT-01",
        lambda: _with_swagger(lambda op: op.update({"x-ms-trigger": "single"})),
        MCP + "/x-ms-trigger",
        Level.ERROR,
        "an MCP operation cannot be a trigger",
        id="trigger",
    ),
    pytest.param(
        "AGENT-02",
        lambda: _with_swagger(lambda op: op["parameters"].append(_TENANT)),
        MCP + "/parameters/1",
        Level.WARNING,
        "the agent sends only JSON-RPC messages: nothing fills required 'tenant'",
        id="required-query",
    ),
    pytest.param(
        "AGENT-10",
        lambda: _with_tool(lambda t: _property(t, {"$ref": "#/definitions/X"})),
        "L",
        Level.ERROR,
        _FIRST + "$ref at inputSchema/properties/x; Copilot Studio drops the tool",
        id="ref",
    ),
    pytest.param(
        "AGENT-10",
        lambda: _with_tool(
            lambda t: _property(t, {"type": "array", "items": {"anyOf": [{"$ref": "#/x"}]}})
        ),
        "L",
        Level.ERROR,
        _FIRST + "$ref at inputSchema/properties/x/items/anyOf/0",
        id="nested-ref",
    ),
    pytest.param(
        "AGENT-11",
        lambda: _with_tool(lambda t: _property(t, {"type": ["string", "null"]})),
        "L",
        Level.ERROR,
        _FIRST + 'type ["string", "null"] at inputSchema/properties/x; use one type',
        id="type-array",
    ),
    pytest.param(
        "AGENT-12",
        lambda: _with_tool(lambda t: _property(t, {"type": "integer", "exclusiveMinimum": 0})),
        "L",
        Level.ERROR,
        _FIRST + "integer with exclusiveMinimum at inputSchema/properties/x",
        id="exclusive-minimum",
    ),
    pytest.param(
        "AGENT-13",
        lambda: _with_tool(_rename),
        "L",
        Level.WARNING,
        "tool name 'get apps!' is not 1-128 of A-Z a-z 0-9 _ - .",
        id="tool-name",
    ),
]


@pytest.mark.parametrize(("rule", "files", "pointer", "level", "message"), CASES)
def test_defect_gives_exactly_this_finding(
    rule: str, files: Any, pointer: str, level: Level, message: str
) -> None:
    found = _found(files())
    assert len(found) == 1, found
    assert (found[0][0], found[0][2]) == (rule, level)
    assert found[0][1].startswith(pointer) and found[0][3].startswith(message)
