"""Model → the values of apiProperties.json, settings.json and the script.csx context."""

from __future__ import annotations

from typing import Any

from generator.model import (
    Connection,
    ConnectionParameter,
    Connector,
    OAuthSettings,
    Operation,
    Policy,
    ScriptKind,
)
from generator.render.mcp import mcp_context

# paconn's settings.json defaults (PowerPlatformConnectors paconn-settings schema).
POWER_APPS_URL = "https://api.powerapps.com"
FLOW_URL = "https://api.flow.microsoft.com"
API_VERSION = "2016-11-01"

_POLICY_PARAMETER = "x-ms-apimTemplateParameter."
_POLICY_OPERATIONS = "x-ms-apimTemplate-operationName"


def properties_context(connector: Connector) -> dict[str, Any]:
    """Every value under ``properties`` in apiProperties.json."""
    info = connector.info
    connection = connector.connection
    context: dict[str, Any] = {
        "icon_brand_color": info.brand_color,
        "publisher": info.publisher,
        "stack_owner": info.stack_owner,
        "capabilities": [],
        "policy_template_instances": [_policy(p) for p in connector.policies],
        "script_operations": script_operations(connector),
    }
    if len(connection.auth) > 1:
        context["connection_parameter_sets"] = _parameter_sets(connection)
    else:
        context["connection_parameters"] = _parameters(_all_parameters(connection, 0))
    return context


def script_operations(connector: Connector) -> list[str]:
    """Operation ids routed through script.csx: every one of them.

    The policies put the connection's credentials into private headers that only the script
    turns into kintone's (it can compute base64, policies cannot). An operation left out would
    send those raw headers and no kintone authentication, and kintone would answer 401.
    """
    return [op.id for op in connector.all_operations]


def _all_parameters(connection: Connection, auth_index: int) -> list[ConnectionParameter]:
    method = connection.auth[auth_index] if connection.auth else None
    return list(connection.parameters_of(method))


def _parameters(parameters: list[ConnectionParameter]) -> dict[str, Any]:
    return {p.name: _parameter(p, i + 1) for i, p in enumerate(parameters)}


def _parameter(parameter: ConnectionParameter, tab_index: int) -> dict[str, Any]:
    ui: dict[str, Any] = {
        "displayName": parameter.display_name,
        "description": parameter.description,
    }
    if parameter.tooltip:
        ui["tooltip"] = parameter.tooltip
    constraints: dict[str, Any] = {
        "tabIndex": tab_index,
        "required": "true" if parameter.required else "false",
    }
    if parameter.type != "oauthSetting":
        constraints["clearText"] = parameter.type != "securestring"
    ui["constraints"] = constraints
    result: dict[str, Any] = {"type": parameter.type}
    if parameter.oauth is not None:
        result["oAuthSettings"] = _oauth(parameter.oauth)
    result["uiDefinition"] = ui
    return result


def _oauth(settings: OAuthSettings) -> dict[str, Any]:
    return {
        "identityProvider": settings.identity_provider,
        "clientId": settings.client_id,
        "scopes": list(settings.scopes),
        "redirectMode": "GlobalPerConnector",
        "redirectUrl": settings.redirect_url,
        "properties": {"IsFirstParty": "False"},
        "customParameters": {k: {"value": v} for k, v in settings.custom_parameters.items()},
    }


def _parameter_sets(connection: Connection) -> dict[str, Any]:
    values = [
        {
            "name": auth.name,
            "uiDefinition": {"displayName": auth.display_name, "description": auth.description},
            "parameters": _parameters(_all_parameters(connection, i)),
        }
        for i, auth in enumerate(connection.auth)
    ]
    ui = {"displayName": "Authentication type", "description": "How to sign in to kintone."}
    return {"uiDefinition": ui, "values": values}


def _policy(policy: Policy) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        _POLICY_PARAMETER + name: value for name, value in policy.parameters.items()
    }
    if policy.operations:
        parameters[_POLICY_OPERATIONS] = list(policy.operations)
    return {"templateId": policy.template, "title": policy.title, "parameters": parameters}


def settings_context(connector: Connector) -> dict[str, Any]:
    """The paconn settings.json values: file names and API endpoints, no environment."""
    return {
        "api_definition": "apiDefinition.swagger.json",
        "api_properties": "apiProperties.json",
        "icon": "icon.png",
        "script": "script.csx",
        "power_apps_url": POWER_APPS_URL,
        "power_apps_api_version": API_VERSION,
        "flow_url": FLOW_URL,
        "flow_api_version": API_VERSION,
    }


# The C# method (templates/script/*.cs) that ExecuteAsync calls for each script kind, with its
# fixed arguments; "forward" is the switch's default branch. An indexed operation's array names
# follow its fixed arguments.
SCRIPT_CALLS: dict[ScriptKind, tuple[str, tuple[str, ...]]] = {
    "record_schema": ("GetRecordSchemaAsync", ()),
    "app_picker": ("AppPickerAsync", ()),
    "mcp": ("McpAsync", ()),
    "subscribe": ("SubscribeAsync", ()),
    "indexed": ("ForwardIndexedAsync", ()),
    "bulk_request": ("BulkRequestAsync", ()),
    "bulk_add": ("BulkRecordsAsync", ("add",)),
    "bulk_update": ("BulkRecordsAsync", ("update",)),
    "bulk_delete": ("BulkRecordsAsync", ("delete",)),
    "poll_added": ("PollAddedAsync", ()),
    "poll_updated": ("PollUpdatedAsync", ()),
    "poll_status": ("PollStatusAsync", ()),
}


def script_context(connector: Connector) -> dict[str, Any]:
    """The values Script.cs.j2 inserts: constants, and one dispatch case per scripted role."""
    code = connector.custom_code
    remove = next(op for op in connector.all_operations if op.id == code.remove_webhook_operation)
    return {
        "fields_path": code.fields_path,
        "remove_webhook_path": remove.path,
        "guest_space_parameter": code.guest_space_parameter,
        "auth_headers": dict(code.auth_headers),
        "cases": [_case(op) for op in connector.all_operations if op.script.kind != "forward"],
        **mcp_context(connector),
    }


def _case(op: Operation) -> dict[str, Any]:
    method, arguments = SCRIPT_CALLS[op.script.kind]
    return {
        "operation": op.id,
        "method": method,
        "arguments": [*arguments, *op.script.indexed_arrays],
    }
