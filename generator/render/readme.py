"""Model → the values of the connector's README.md."""

from __future__ import annotations

import re
from typing import Any

from generator.model import (
    AuthMethod,
    ConnectionParameter,
    Connector,
    OAuthSettings,
    Operation,
    Schema,
)
from generator.render.properties import script_operations

PLACEHOLDER_CLIENT_ID = "your-client-id"
# With redirectMode GlobalPerConnector the platform shows a redirect URL of this connector on its
# Security page once it is saved; older connectors use the global one.
GLOBAL_REDIRECT = "https://global.consent.azure-apim.net/redirect"


def readme_context(connector: Connector) -> dict[str, Any]:
    """Tables and lists for the connector README; the template only lays them out."""
    info = connector.info
    connection = connector.connection
    return {
        "title": info.title,
        "description": info.description,
        "publisher": info.publisher,
        "contact": {
            "name": info.contact.name,
            "url": info.contact.url,
            "email": info.contact.email,
        },
        "website": info.website,
        "version": info.version,
        "actions": [
            _operation(connector, op) for op in connector.operations if op.visibility != "internal"
        ],
        "triggers": [_operation(connector, op) for op in connector.triggers],
        "helpers": [
            _operation(connector, op) for op in connector.operations if op.visibility == "internal"
        ],
        "connections": [_connection(connector, method) for method in connection.auth],
        "oauth": _oauth_context(connector),
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


def _operation(connector: Connector, op: Operation) -> dict[str, Any]:
    return {
        "summary": op.summary,
        "id": op.id,
        "description": op.description,
        "request": f"{op.method.upper()} {op.path}",
        "inputs": [_input_row(*row) for row in _inputs(op)],
        "outputs": _outputs(connector, op),
        "hint": op.trigger.hint if op.trigger else "",
        "how": "polls with" if op.script.polls else "registers a kintone webhook with",
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
        kind = "the app's fields" if prop.dynamic_schema else (prop.type or "object")
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


def _outputs(connector: Connector, op: Operation) -> list[dict[str, str]]:
    """The main properties of what an action returns or a trigger hands to the flow."""
    if op.trigger is not None and op.trigger.notification is not None:
        schema: Schema | None = op.trigger.notification.schema
    else:
        schema = next(
            (r.schema for r in op.responses if r.status.startswith("2") and r.schema), None
        )
    schema = _resolve(connector, schema)
    if schema is None:
        return []
    if schema.dynamic_schema is not None:
        return [_output_row("Record", "the app's fields", schema.description or "")]
    if schema.type == "array" and schema.items is not None:
        return _property_rows(connector, _resolve(connector, schema.items), "Each item: ")
    return _property_rows(connector, schema, "")


def _resolve(connector: Connector, schema: Schema | None) -> Schema | None:
    seen = 0
    while schema is not None and schema.ref is not None and seen < 10:
        schema, seen = connector.definitions.get(schema.ref), seen + 1
    return schema


def _property_rows(connector: Connector, schema: Schema | None, lead: str) -> list[dict[str, str]]:
    rows = []
    for name, prop in ((schema.properties if schema else None) or {}).items():
        prop = _resolve(connector, prop) or prop
        if prop.visibility == "internal":
            continue
        rows.append(_output_row(prop.summary or prop.title or _words(name), _kind(connector, prop),
                                lead + (prop.description or "")))  # fmt: skip
    return rows


def _words(name: str) -> str:
    """A property name as words: deletedBy → Deleted by."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced[:1].upper() + spaced[1:].lower()


def _kind(connector: Connector, schema: Schema) -> str:
    if schema.dynamic_schema is not None:
        return "the app's fields"
    items = _resolve(connector, schema.items)
    if schema.type == "array" and items is not None and items.dynamic_schema is not None:
        return "array of the app's fields"
    if schema.type == "array" and items is not None and items.type:
        return f"array of {items.type}"
    return schema.type or "object"


def _output_row(name: str, kind: str, description: str) -> dict[str, str]:
    return {"name": _cell(name), "type": kind, "description": _cell(description)}


def _connection(connector: Connector, method: AuthMethod) -> dict[str, Any]:
    """What a maker enters for one authentication type, in the order the dialog shows it."""
    return {
        "name": _cell(method.display_name),
        "kind": method.kind,
        "description": method.description,
        "parameters": [
            {
                "name": _cell(p.display_name),
                "required": "yes" if p.required else "no",
                "enter": _cell(_what_to_enter(p)),
            }
            for p in connector.connection.parameters_of(method)
        ],
    }


def _what_to_enter(parameter: ConnectionParameter) -> str:
    if parameter.type == "oauthSetting":
        return "Select Sign in, sign in to kintone and allow the access the connector asks for."
    text = parameter.description
    if parameter.tooltip:
        text = f"{text} {parameter.tooltip}"
    return text


def _oauth_context(connector: Connector) -> dict[str, Any]:
    settings = _oauth_settings(connector)
    if settings is None:
        return {"present": False}
    custom = settings.custom_parameters
    return {
        "present": True,
        "client_id": settings.client_id,
        "placeholder": settings.client_id == PLACEHOLDER_CLIENT_ID,
        "authorization_url": custom.get("authorizationUrlTemplate", ""),
        "token_url": custom.get("tokenUrlTemplate", ""),
        "scopes": ", ".join(f"`{s}`" for s in settings.scopes),
        "redirect_url": settings.redirect_url or GLOBAL_REDIRECT,
    }


def _oauth_settings(connector: Connector) -> OAuthSettings | None:
    for method in connector.connection.auth:
        for parameter in method.parameters:
            if parameter.oauth is not None:
                return parameter.oauth
    return None
