"""The MCP server's data for script.csx: the tools/list answer and each tool's kintone call."""

from __future__ import annotations

import json
from typing import Any

from generator.model import Connector, Mcp, McpArgument, McpTool

AUTH_SENTENCES = {
    "any": (
        "Authentication: any of the connection's (API token with the needed permission on the"
        " app, user name and password, or OAuth)."
    ),
    "user": (
        "Authentication: a user (user name and password, or OAuth); kintone refuses API tokens"
        " for this API."
    ),
}
GUEST_DESCRIPTION = (
    "Only for apps or spaces inside a guest space: the guest space's ID. Leave it out otherwise."
)


def mcp_context(connector: Connector) -> dict[str, Any]:
    """The script's MCP values; empty strings when the connector has no MCP server."""
    mcp = connector.mcp
    if mcp is None:
        return {"mcp_server": "{}", "mcp_tools": "[]", "mcp_routes": "{}"}
    guest = connector.custom_code.guest_space_parameter
    return {
        "mcp_server": json.dumps(server_info(connector, mcp), separators=(",", ":")),
        "mcp_tools": json.dumps(tools_list(mcp, guest), ensure_ascii=False, separators=(",", ":")),
        "mcp_routes": json.dumps(routes(mcp, guest), ensure_ascii=False, separators=(",", ":")),
    }


def server_info(connector: Connector, mcp: Mcp) -> dict[str, Any]:
    """serverInfo and instructions of the initialize answer."""
    return {
        "name": mcp.server_name,
        "title": connector.info.title,
        "version": connector.info.version,
        "instructions": mcp.instructions,
    }


def tools_list(mcp: Mcp, guest: str) -> list[dict[str, Any]]:
    """The tools of tools/list, each with a flat input schema."""
    return [tool_json(tool, guest) for tool in mcp.tools]


def tool_json(tool: McpTool, guest: str) -> dict[str, Any]:
    """One tool: name, title, description with its authentication, schema and hints."""
    properties = {a.name: argument_schema(a) for a in tool.arguments}
    properties[guest] = {"type": "string", "description": GUEST_DESCRIPTION}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [a.name for a in tool.arguments if a.required]
    if required:
        schema["required"] = required
    return {
        "name": tool.name,
        "title": tool.title,
        "description": f"{tool.description.strip()} {AUTH_SENTENCES[tool.auth]}",
        "inputSchema": schema,
        "annotations": {
            "title": tool.title,
            "readOnlyHint": tool.read_only,
            "destructiveHint": tool.destructive,
            "openWorldHint": False,
        },
    }


def argument_schema(argument: McpArgument) -> dict[str, Any]:
    """One property: a single type, no $ref; limits the script checks itself."""
    result: dict[str, Any] = {"type": argument.type, "description": argument.description.strip()}
    if argument.items is not None:
        result["items"] = {"type": argument.items}
    if argument.enum:
        result["enum"] = list(argument.enum)
    if argument.minimum is not None:
        result["minimum"] = argument.minimum
    if argument.maximum is not None:
        result["maximum"] = argument.maximum
    if argument.max_items is not None:
        result["maxItems"] = argument.max_items
    return result


def routes(mcp: Mcp, guest: str) -> dict[str, Any]:
    """What the script needs per tool: the call, the handler and how to check each argument."""
    return {tool.name: route(tool, guest) for tool in mcp.tools}


def route(tool: McpTool, guest: str) -> dict[str, Any]:
    """One tool's kintone call."""
    default = "query" if tool.method in ("get", "delete") else "body"
    arguments = [
        {
            "name": a.name,
            "type": a.type,
            "items": a.items or "",
            "required": a.required,
            "enum": list(a.enum),
            "minimum": a.minimum,
            "maximum": a.maximum,
            "maxItems": a.max_items,
            "send": a.send or default,
            "nest": a.nest or "",
        }
        for a in tool.arguments
    ]
    arguments.append(
        {
            "name": guest,
            "type": "string",
            "items": "",
            "required": False,
            "enum": [],
            "minimum": None,
            "maximum": None,
            "maxItems": None,
            "send": "guest",
            "nest": "",
        }
    )
    return {
        "method": tool.method.upper(),
        "path": tool.path,
        "handler": tool.handler,
        "select": tool.select or "",
        "arguments": arguments,
    }
