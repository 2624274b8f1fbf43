"""The MCP-only connector: the same connection and custom code with just the agent server."""

from __future__ import annotations

from dataclasses import replace

from generator.errors import ConnectorError
from generator.model import Connector

TITLE_SUFFIX = " MCP"


def agent_only(connector: Connector) -> Connector:
    """The connector reduced to its MCP operation (plus the internal helpers its script names).

    The connection, policies, throttling and script stay as they are, so an agent-only
    connection authenticates and is limited like the full one; flows' actions and triggers
    go. Its title gains " MCP" so that both connectors can live in one environment.
    Raises ConnectorError when the description has no MCP server.
    """
    if connector.mcp is None:
        raise ConnectorError("the description has no mcp section: there is no agent server")
    code = connector.custom_code
    keep = {connector.mcp.operation, code.record_schema_operation, code.remove_webhook_operation}
    operations = tuple(op for op in connector.operations if op.id in keep)
    info = replace(connector.info, title=connector.info.title + TITLE_SUFFIX)
    certified = tuple(op for op in connector.certified_operations if op in keep)
    return replace(
        connector, info=info, operations=operations, triggers=(), certified_operations=certified
    )
