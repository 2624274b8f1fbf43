"""Model → the values of the connector's README.md."""

from __future__ import annotations

from typing import Any

from generator.model import ConnectionParameter, Connector, Operation, Schema
from generator.render.properties import script_operations


def readme_context(connector: Connector) -> dict[str, Any]:
    """Tables and lists for the connector README; the template only lays them out."""
    info = connector.info
    connection = connector.connection
    return {
        "title": info.title,
        "description": info.description,
        "publisher": info.publisher,
        "website": info.website,
        "actions": [_operation(op) for op in connector.operations if op.visibility != "internal"],
        "triggers": [_operation(op) for op in connector.triggers],
        "helpers": [_operation(op) for op in connector.operations if op.visibility == "internal"],
        "connection_parameters": [
            {"name": _cell(p.display_name), "description": _cell(p.description)}
            for p in _unique(
                [*connection.parameters, *(p for a in connection.auth for p in a.parameters)]
            )
        ],
        "auth_methods": [_cell(a.display_name) for a in connection.auth],
        "throttling": [
            {"name": t.name, "calls": t.calls, "period": _seconds(t.renewal_period_seconds)}
            for t in connector.throttling
        ],
        "limitations": list(connector.limitations),
        "script_operations": script_operations(connector),
        "comparison": [
            {
                "summary": _cell(op.summary),
                "kind": "trigger" if op.trigger else "action",
                "certified": "yes" if op.id in connector.certified_operations else "no",
            }
            for op in connector.all_operations
            if op.visibility != "internal"
        ],
    }


def _operation(op: Operation) -> dict[str, Any]:
    return {
        "summary": op.summary,
        "id": op.id,
        "description": op.description,
        "request": f"{op.method.upper()} {op.path}",
        "inputs": [_input_row(*row) for row in _inputs(op)],
        "hint": op.trigger.hint if op.trigger else "",
        "how": "polls with" if op.polling else "registers a kintone webhook with",
    }


def _inputs(op: Operation) -> list[tuple[str, str, str, bool]]:
    """(name, type, description, required) of each user-visible input."""
    rows: list[tuple[str, str, str, bool]] = []
    for param in op.parameters:
        if param.visibility == "internal":
            continue
        if param.location == "body" and param.schema is not None:
            rows.extend(_body_rows(param.schema))
        else:
            rows.append((param.summary, param.type or "", param.description, param.required))
    return rows


def _body_rows(schema: Schema) -> list[tuple[str, str, str, bool]]:
    rows = []
    for name, prop in (schema.properties or {}).items():
        if prop.visibility == "internal":
            continue
        kind = "dynamic" if prop.dynamic_schema else (prop.type or "object")
        rows.append((prop.summary or name, kind, prop.description or "", name in schema.required))
    return rows


def _input_row(name: str, kind: str, description: str, required: bool) -> dict[str, str]:
    return {
        "name": _cell(name),
        "type": kind,
        "required": "yes" if required else "no",
        "description": _cell(description),
    }


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _seconds(seconds: int) -> str:
    return f"{seconds} seconds"


def _unique(parameters: list[ConnectionParameter]) -> list[ConnectionParameter]:
    seen: dict[str, ConnectionParameter] = {}
    for parameter in parameters:
        seen.setdefault(parameter.name, parameter)
    return list(seen.values())
