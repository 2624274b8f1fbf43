"""Agent readiness: the MCP operation's shape and the tool-schema hazards of Copilot Studio.

Sources: D-MCP is Microsoft Learn "Extend your agent with Model Context Protocol" (Streamable
HTTP only; its known issues: reference types filter a tool out, a multi-type `type` truncates
the schema, enums are read as plain strings); MCP-SPEC is the Model Context Protocol
specification (transports, tool names). Tools are read where a script declares them as data:
a C# string constant holding the JSON array of tools/list (as this project's script does);
tools built in code are not visible offline and are not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import SCRIPT, SWAGGER
from generator.validate.rule import Change, Rule, rule
from generator.validate.shapes import Operation, operations, parameters

PROTOCOL = "x-ms-agentic-protocol"
STREAMABLE = "mcp-streamable-1.0"
MAX_TOOLS_TEXT = 4_000_000  # characters of one constant read as JSON
# A C# regular string constant; its escapes are the JSON ones for the texts a build writes.
_CONSTANT = re.compile(r'const\s+string\s+(\w+)\s*=\s*"((?:[^"\\\n]|\\.)*)"\s*;')
# MCP 2025-11-25, tool names: 1 to 128 characters, letters, digits, "_", "-" and ".".
_TOOL_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}")
_HAZARD_KEYS = ("$ref",)


def agentic(ctx: Context) -> Iterator[Operation]:
    """Operations marked x-ms-agentic-protocol."""
    for op in operations(ctx.swagger):
        if PROTOCOL in op.node.value:
            yield op


def _operation_example(method: str, responses: dict[str, Any]) -> tuple[Change, ...]:
    """An MCP operation on the clean connector, with the given method and responses."""
    operation = {
        "operationId": "InvokeMCP",
        "summary": "MCP server",
        "description": "The MCP server.",
        PROTOCOL: STREAMABLE,
        "responses": responses,
    }
    return (Change("apiDefinition.swagger.json", "/paths/~1mcp", {method: operation}),)


def _tools_example(schema: dict[str, Any]) -> tuple[Change, ...]:
    """The MCP operation plus a script declaring one tool with ``schema`` as its input."""
    tools = [{"name": "get-app", "description": "Gets one app.", "inputSchema": schema}]
    literal = json.dumps(json.dumps(tools))
    script = (
        "public class Script : ScriptBase\n{\n"
        f"    private const string McpToolsJson = {literal};\n}}\n"
    )
    ok = {"200": {"description": "JSON-RPC"}}
    return (*_operation_example("post", ok), Change("script.csx", None, script))


@rule(
    "AGENT-01",
    Level.ERROR,
    "x-ms-agentic-protocol is mcp-streamable-1.0 on a POST that is not a trigger",
    "D-MCP; MCP-SPEC transports",
    "run time: Copilot Studio connects to MCP servers over Streamable HTTP only (SSE ended in "
    "August 2025), whose messages are POSTs; another value, method or a trigger never becomes "
    "an agent's tools",
    example=_operation_example("get", {"200": {"description": "JSON-RPC"}}),
)
def agentic_shape(ctx: Context) -> Iterator[Finding]:
    """The operation Copilot Studio calls for an agent's tools must be a Streamable HTTP MCP
    endpoint: x-ms-agentic-protocol mcp-streamable-1.0 on a POST, never a trigger.
    """
    for op in agentic(ctx):
        value = op.node.value.get(PROTOCOL)
        if value != STREAMABLE:
            message = f"{PROTOCOL} is {json.dumps(value)}; Copilot Studio takes {STREAMABLE!r}"
            yield ctx.report(SWAGGER, op.at(PROTOCOL), message)
        if op.method != "post":
            message = f"the MCP operation must be a POST (Streamable HTTP), not {op.method.upper()}"
            yield ctx.report(SWAGGER, op.at(), message)
        if op.is_trigger:
            yield ctx.report(SWAGGER, op.at("x-ms-trigger"), "an MCP operation cannot be a trigger")


@rule(
    "AGENT-02",
    Level.WARNING,
    "the MCP operation declares a 200 response and no required input besides the body",
    "D-MCP; MCP-SPEC transports",
    example=_operation_example("post", {"201": {"description": "created"}}),
)
def agentic_inputs(ctx: Context) -> Iterator[Finding]:
    """An MCP operation answers each JSON-RPC message with 200 and takes nothing but the message: a
    required query or header input is one the agent cannot fill.
    """
    for op in agentic(ctx):
        responses = op.node.value.get("responses")
        if not isinstance(responses, dict) or "200" not in responses:
            message = "the MCP operation should declare a 200 response (the JSON-RPC answer)"
            yield ctx.report(SWAGGER, op.at("responses"), message)
        for param in parameters(ctx.swagger, op):
            value = param.value
            required = value.get("required") is True and "default" not in value
            if value.get("in") != "body" and required:
                name = value.get("name")
                message = f"the agent sends only JSON-RPC messages: nothing fills required {name!r}"
                yield ctx.report(SWAGGER, param.pointer, message)


@dataclass(frozen=True)
class Tool:
    """One tool a script declares, with the line of the constant holding it."""

    name: Any
    definition: dict[str, Any]
    line: int


def script_tools(ctx: Context) -> list[Tool]:
    """The tools of every string constant in script.csx that holds a tools/list array."""
    source = ctx.script
    if source is None or not any(True for _ in agentic(ctx)):
        return []
    found: list[Tool] = []
    for match in _CONSTANT.finditer(source):
        literal = match.group(2)
        if len(literal) > MAX_TOOLS_TEXT or "inputSchema" not in literal:
            continue
        value = _json_constant(literal)
        if isinstance(value, dict):
            value = value.get("tools")
        if not isinstance(value, list) or not all(_is_tool(item) for item in value):
            continue
        line = source.count("\n", 0, match.start()) + 1
        found.extend(Tool(item["name"], item, line) for item in value)
    return found


def _json_constant(literal: str) -> Any:
    try:
        return json.loads(json.loads(f'"{literal}"'))
    except (ValueError, RecursionError):
        return None


def _is_tool(item: Any) -> bool:
    return isinstance(item, dict) and "name" in item and "inputSchema" in item


def _walk(schema: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object under schema (properties, items, combinators), with its path."""
    stack = [(schema, path)]
    while stack:
        node, at = stack.pop()
        if not isinstance(node, dict):
            continue
        yield at, node
        for key in ("properties", "patternProperties", "definitions", "$defs"):
            children = node.get(key)
            if isinstance(children, dict):
                stack.extend((v, f"{at}/{key}/{k}") for k, v in children.items())
        for key in ("items", "additionalProperties", "not"):
            stack.append((node.get(key), f"{at}/{key}"))
        for key in ("anyOf", "oneOf", "allOf"):
            children = node.get(key)
            if isinstance(children, list):
                stack.extend((v, f"{at}/{key}/{i}") for i, v in enumerate(children))


def _schemas(tool: Tool) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("inputSchema", "outputSchema"):
        if key in tool.definition:
            yield from _walk(tool.definition[key], key)


@rule(
    "AGENT-10",
    Level.ERROR,
    "MCP tool schemas hold no $ref (reference types)",
    "D-MCP known issues",
    "run time: Copilot Studio filters out a tool whose schema has a reference type; the agent "
    "never sees it",
    example=_tools_example(
        {"type": "object", "properties": {"app": {"$ref": "#/definitions/App"}}}
    ),
)
def tool_references(ctx: Context) -> Iterator[Finding]:
    """A $ref anywhere in a tool's input schema makes Copilot Studio drop the tool."""
    for tool in script_tools(ctx):
        for at, node in _schemas(tool):
            if any(key in node for key in _HAZARD_KEYS):
                message = f"tool {tool.name!r}: $ref at {at}; Copilot Studio drops the tool"
                yield ctx.report(SCRIPT, f"L{tool.line}", message)


@rule(
    "AGENT-11",
    Level.ERROR,
    "MCP tool schemas give one type per schema (no type arrays)",
    "D-MCP known issues",
    "run time: Copilot Studio truncates a schema whose type is an array of types, so the agent "
    "cannot send those inputs",
    example=_tools_example({"type": "object", "properties": {"app": {"type": ["string", "null"]}}}),
)
def tool_type_arrays(ctx: Context) -> Iterator[Finding]:
    """A type given as an array (string or null) truncates the tool's input schema in Copilot
    Studio.
    """
    for tool in script_tools(ctx):
        for at, node in _schemas(tool):
            if isinstance(node.get("type"), list):
                kinds = json.dumps(node["type"])
                message = f"tool {tool.name!r}: type {kinds} at {at}; use one type"
                yield ctx.report(SCRIPT, f"L{tool.line}", message)


@rule(
    "AGENT-12",
    Level.ERROR,
    "MCP tool schemas put no exclusiveMinimum or exclusiveMaximum on integers",
    "D-MCP; Copilot Studio MCP readiness checklist",
    "run time: Copilot Studio fails on an integer with exclusiveMinimum or exclusiveMaximum "
    "(use minimum and maximum)",
    example=_tools_example(
        {"type": "object", "properties": {"n": {"type": "integer", "exclusiveMinimum": 0}}}
    ),
)
def tool_exclusive_bounds(ctx: Context) -> Iterator[Finding]:
    """An integer exclusiveMinimum or exclusiveMaximum makes Copilot Studio fail on the tool."""
    for tool in script_tools(ctx):
        for at, node in _schemas(tool):
            if node.get("type") != "integer":
                continue
            for key in ("exclusiveMinimum", "exclusiveMaximum"):
                if key in node:
                    message = f"tool {tool.name!r}: integer with {key} at {at}; use minimum/maximum"
                    yield ctx.report(SCRIPT, f"L{tool.line}", message)


@rule(
    "AGENT-13",
    Level.WARNING,
    "MCP tools have a valid, unique name, a description and an object input schema",
    "MCP-SPEC tools; D-MCP",
    example=_tools_example({"type": "string"}),
)
def tool_basics(ctx: Context) -> Iterator[Finding]:
    """Each tool needs a valid, unique name, a description an orchestrator can choose by, and an
    object input schema.
    """
    seen: set[str] = set()
    for tool in script_tools(ctx):
        where = f"L{tool.line}"
        name = tool.name
        if not isinstance(name, str) or not _TOOL_NAME.fullmatch(name):
            yield ctx.report(SCRIPT, where, f"tool name {name!r} is not 1-128 of A-Z a-z 0-9 _ - .")
        elif name in seen:
            yield ctx.report(SCRIPT, where, f"tool name {name!r} is declared twice")
        seen.add(str(name))
        description = tool.definition.get("description")
        if not isinstance(description, str) or not description.strip():
            message = f"tool {name!r} has no description for the orchestrator"
            yield ctx.report(SCRIPT, where, message)
        schema = tool.definition.get("inputSchema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            yield ctx.report(SCRIPT, where, f"tool {name!r}: inputSchema must be an object schema")


RULES: tuple[Rule, ...] = (
    agentic_shape,
    agentic_inputs,
    tool_references,
    tool_type_arrays,
    tool_exclusive_bounds,
    tool_basics,
)
