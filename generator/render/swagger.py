"""Model → the values of apiDefinition.swagger.json (Swagger 2.0 with x-ms extensions)."""

from __future__ import annotations

from typing import Any

from generator.model import (
    Connector,
    DynamicArgument,
    DynamicSchema,
    DynamicValues,
    Operation,
    Parameter,
    Response,
    Schema,
)

JSON = "application/json"
MULTIPART = "multipart/form-data"
SECURITY_NAME = "api_key"


def swagger_context(connector: Connector) -> dict[str, Any]:
    """Every top-level value of the Swagger document, in the order the template writes them."""
    info = connector.info
    return {
        "info": _info(connector),
        "host": info.host,
        "base_path": info.base_path,
        "paths": paths(connector),
        "definitions": {name: schema_json(s) for name, s in connector.definitions.items()},
        "security_definitions": _security_definitions(connector),
        "security": [{SECURITY_NAME: []}] if _single_api_key(connector) else [],
        "connector_metadata": _connector_metadata(connector),
    }


def _info(connector: Connector) -> dict[str, Any]:
    info = connector.info
    contact = {"name": info.contact.name, "url": info.contact.url, "email": info.contact.email}
    return {
        "title": info.title,
        "description": info.description,
        "version": info.version,
        "contact": contact,
        "x-ms-api-annotation": {"status": info.status},
    }


def _connector_metadata(connector: Connector) -> list[dict[str, str]]:
    info = connector.info
    return [
        {"propertyName": "Website", "propertyValue": info.website},
        {"propertyName": "Privacy policy", "propertyValue": info.privacy_policy},
        {"propertyName": "Categories", "propertyValue": ";".join(info.categories)},
    ]


def _single_api_key(connector: Connector) -> bool:
    auth = connector.connection.auth
    return len(auth) == 1 and auth[0].kind == "api_key"


def _security_definitions(connector: Connector) -> dict[str, Any]:
    """One API-key method is Swagger security; several methods are sent by policies instead."""
    if not _single_api_key(connector):
        return {}
    header = connector.connection.auth[0].header
    return {SECURITY_NAME: {"type": "apiKey", "in": "header", "name": header}}


def paths(connector: Connector) -> dict[str, Any]:
    """Path items in description order; triggers add their notification content."""
    result: dict[str, dict[str, Any]] = {}
    for op in connector.all_operations:
        item = result.setdefault(op.path, {})
        notification = op.trigger.notification if op.trigger is not None else None
        if notification is not None:
            item["x-ms-notification-content"] = {
                "description": notification.description,
                # A dynamic payload schema reads its inputs from the subscription's body.
                "schema": schema_json(notification.schema, _body_parameter(op)),
            }
        item[op.method] = operation_json(op)
    return result


def operation_json(op: Operation) -> dict[str, Any]:
    """One operation object."""
    body = _body_parameter(op)
    result: dict[str, Any] = {
        "operationId": op.id,
        "summary": op.summary,
        "description": op.description,
        "x-ms-visibility": op.visibility,
    }
    if op.agentic_protocol is not None:
        result["x-ms-agentic-protocol"] = op.agentic_protocol
    if op.trigger is not None:
        result["x-ms-trigger"] = op.trigger.kind
        result["x-ms-trigger-hint"] = op.trigger.hint
    if body is not None:
        result["consumes"] = [JSON]
    elif any(p.location == "formData" for p in op.parameters):
        result["consumes"] = [MULTIPART]
    result["produces"] = list(op.produces)
    result["parameters"] = [parameter_json(p, body) for p in op.parameters]
    result["responses"] = {r.status: _response_json(r) for r in op.responses}
    return result


def _body_parameter(op: Operation) -> Parameter | None:
    return next((p for p in op.parameters if p.location == "body"), None)


def parameter_json(param: Parameter, body: Parameter | None) -> dict[str, Any]:
    """One parameter object; path parameters get single URL encoding."""
    result: dict[str, Any] = {"name": param.name, "in": param.location, "required": param.required}
    if param.location == "body":
        result.update(_labels(param.summary, param.description, param.visibility))
        result["schema"] = schema_json(param.schema or Schema(type="object"), body)
        return result
    _put(result, "type", param.type)
    _put(result, "format", param.format)
    _put(result, "enum", list(param.enum) if param.enum else None)
    _put(result, "default", param.default)
    if param.items is not None:
        result["items"] = schema_json(param.items)
    _put(result, "collectionFormat", param.collection_format)
    result.update(_labels(param.summary, param.description, param.visibility))
    if param.location == "path":
        result["x-ms-url-encoding"] = "single"
    if param.dynamic_values is not None:
        result.update(_dynamic_values_json(param.dynamic_values, None))
    return result


def _response_json(response: Response) -> dict[str, Any]:
    result: dict[str, Any] = {"description": response.description}
    if response.schema is not None:
        result["schema"] = schema_json(response.schema)
    return result


def schema_json(schema: Schema, body: Parameter | None = None) -> dict[str, Any]:
    """A schema object; ``body`` is the body parameter that dynamic references resolve in."""
    if schema.ref is not None:
        return {"$ref": f"#/definitions/{schema.ref}"}
    result: dict[str, Any] = {}
    _put(result, "type", schema.type)
    _put(result, "format", schema.format)
    _put(result, "title", schema.title)
    result.update(_labels(schema.summary, schema.description, schema.visibility))
    _put(result, "enum", list(schema.enum) if schema.enum else None)
    _put(result, "default", schema.default)
    if schema.nullable:
        result["x-nullable"] = True
    if schema.notification_url:
        result["x-ms-notification-url"] = True
    if schema.items is not None:
        result["items"] = schema_json(schema.items, body)
    if schema.properties is not None:
        result["properties"] = {k: schema_json(v, body) for k, v in schema.properties.items()}
    _put(result, "required", list(schema.required) if schema.required else None)
    if schema.additional_properties is not None:
        result["additionalProperties"] = schema_json(schema.additional_properties, body)
    if schema.dynamic_values is not None:
        result.update(_dynamic_values_json(schema.dynamic_values, body))
    if schema.dynamic_schema is not None:
        result.update(_dynamic_schema_json(schema.dynamic_schema, body))
    return result


def _labels(summary: str | None, description: str | None, visibility: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    _put(result, "x-ms-summary", summary)
    _put(result, "description", description)
    _put(result, "x-ms-visibility", visibility)
    return result


def _dynamic_values_json(dyn: DynamicValues, body: Parameter | None) -> dict[str, Any]:
    return {
        "x-ms-dynamic-values": {
            "operationId": dyn.operation,
            "parameters": _call_arguments(dyn.parameters),
            "value-collection": dyn.collection,
            "value-path": dyn.value,
            "value-title": dyn.title,
        },
        "x-ms-dynamic-list": {
            "operationId": dyn.operation,
            "parameters": _reference_arguments(dyn.parameters, body),
            "itemsPath": dyn.collection,
            "itemValuePath": dyn.value,
            "itemTitlePath": dyn.title,
        },
    }


def _dynamic_schema_json(dyn: DynamicSchema, body: Parameter | None) -> dict[str, Any]:
    # itemValuePath is value-path without a trailing "properties" segment (VAL-12).
    item_path = dyn.value_path.removesuffix("/properties").removesuffix("properties")
    return {
        "x-ms-dynamic-schema": {
            "operationId": dyn.operation,
            "parameters": _call_arguments(dyn.parameters),
            "value-path": dyn.value_path,
        },
        "x-ms-dynamic-properties": {
            "operationId": dyn.operation,
            "parameters": _reference_arguments(dyn.parameters, body),
            "itemValuePath": item_path or dyn.value_path,
        },
    }


def _call_arguments(arguments: dict[str, DynamicArgument]) -> dict[str, Any]:
    """Arguments in the x-ms-dynamic-values / -schema form: {"parameter": name} or a literal."""
    return {
        name: {"parameter": arg.parameter} if arg.parameter is not None else arg.value
        for name, arg in arguments.items()
    }


def _reference_arguments(
    arguments: dict[str, DynamicArgument], body: Parameter | None
) -> dict[str, Any]:
    """Arguments in the x-ms-dynamic-list / -properties form, with body-relative references."""
    result: dict[str, Any] = {}
    for name, arg in arguments.items():
        if arg.parameter is None:
            result[name] = {"value": arg.value}
        else:
            result[name] = {"parameterReference": _reference(arg.parameter, body)}
    return result


def _reference(name: str, body: Parameter | None) -> str:
    in_body = (
        body is not None and body.schema is not None and name in (body.schema.properties or {})
    )
    return f"{body.name}/{name}" if in_body and body is not None else name


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value
