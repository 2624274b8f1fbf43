"""Checks across the typed description: ids, references and contracts the package needs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.model import AuthMethod, Connector, DynamicArgument, Operation, Schema

Problem = tuple[str, str]  # (JSON pointer into the description, message)

_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_CONNECTION_REF = re.compile(r"@connectionParameters\('([^']+)'")


def check_connector(connector: Connector) -> Iterator[Problem]:
    """Every cross-reference problem of the description, in document order."""
    yield from _check_ids(connector)
    for at, op in _located_operations(connector):
        yield from _check_operation(connector, op, at)
    for name, schema in connector.definitions.items():
        yield from _check_schema_refs(connector, schema, f"/definitions/{name}")
    yield from _check_policies(connector)
    yield from _check_oauth_templates(connector)
    yield from _check_custom_code(connector)
    ids = {op.id for op in connector.all_operations}
    for i, name in enumerate(connector.certified_operations):
        if name not in ids:
            yield f"/certified_operations/{i}", f"unknown operation {name!r}"
    if not connector.throttling:
        yield "/throttling", "at least one throttling limit must be described"


def _located_operations(connector: Connector) -> Iterator[tuple[str, Operation]]:
    for i, op in enumerate(connector.operations):
        yield f"/operations/{i}", op
    for i, op in enumerate(connector.triggers):
        yield f"/triggers/{i}", op


def _check_ids(connector: Connector) -> Iterator[Problem]:
    seen: set[str] = set()
    for at, op in _located_operations(connector):
        if op.id in seen:
            yield f"{at}/id", f"duplicate operation id {op.id!r}"
        seen.add(op.id)
    for i, op in enumerate(connector.operations):
        if op.trigger is not None:
            yield f"/operations/{i}/trigger", f"{op.id}: triggers belong under 'triggers'"
    for i, op in enumerate(connector.triggers):
        if op.trigger is None:
            yield f"/triggers/{i}", f"trigger {op.id!r} has no 'trigger' section (payload schema)"


def _check_operation(connector: Connector, op: Operation, at: str) -> Iterator[Problem]:
    yield from _check_path_parameters(op, at)
    query = {p.name for p in op.parameters if p.location == "query"}
    for name in op.script.indexed_arrays:
        if name not in query:
            yield f"{at}/indexed_arrays", f"{op.id}: indexed array {name!r} is no query parameter"
    for i, param in enumerate(op.parameters):
        where = f"{at}/parameters/{i}"
        if param.dynamic_values:
            yield from _check_dynamic(
                connector,
                op,
                param.dynamic_values.operation,
                param.dynamic_values.parameters,
                f"{where}/dynamic_values",
            )
        for schema, path in _walk(param.schema, f"{where}/schema"):
            yield from _check_schema_node(connector, op, schema, path)
    for i, response in enumerate(op.responses):
        for schema, path in _walk(response.schema, f"{at}/responses/{i}/schema"):
            yield from _check_schema_node(connector, None, schema, path)
    if op.trigger:
        yield from _check_trigger(connector, op, at)


def _check_trigger(connector: Connector, op: Operation, at: str) -> Iterator[Problem]:
    notification = op.trigger.notification if op.trigger else None
    if op.script.polls:
        if not any(r.status == "200" and r.schema for r in op.responses):
            yield f"{at}/responses", f"polling trigger {op.id!r} needs a 200 response schema"
        return
    if notification is None:
        yield f"{at}/trigger", f"webhook trigger {op.id!r} has no notification payload schema"
        return
    for schema, path in _walk(notification.schema, f"{at}/trigger/notification/schema"):
        yield from _check_schema_node(connector, None, schema, path)
    if not any(s.notification_url for s, _ in _walk(_body_schema(op), "")):
        yield f"{at}/parameters", f"trigger {op.id!r} has no notification_url body property"


def _check_path_parameters(op: Operation, at: str) -> Iterator[Problem]:
    in_template = set(_PATH_PARAM.findall(op.path))
    declared = {p.name for p in op.parameters if p.location == "path"}
    for name in sorted(in_template - declared):
        yield f"{at}/path", f"{op.id}: path parameter {{{name}}} is not declared"
    for name in sorted(declared - in_template):
        yield f"{at}/parameters", f"{op.id}: path parameter {name!r} is not in the path"
    for i, param in enumerate(op.parameters):
        if param.location == "path" and not param.required:
            yield f"{at}/parameters/{i}/required", f"{op.id}: path parameter must be required"


def _check_schema_node(
    connector: Connector, op: Operation | None, schema: Schema, at: str
) -> Iterator[Problem]:
    if schema.ref is not None and schema.ref not in connector.definitions:
        yield f"{at}/ref", f"unknown definition {schema.ref!r}"
    if schema.dynamic_values:
        dyn = schema.dynamic_values
        yield from _check_dynamic(
            connector, op, dyn.operation, dyn.parameters, f"{at}/dynamic_values"
        )
    if schema.dynamic_schema:
        dyn_schema = schema.dynamic_schema
        yield from _check_dynamic(
            connector, op, dyn_schema.operation, dyn_schema.parameters, f"{at}/dynamic_schema"
        )


def _check_schema_refs(connector: Connector, schema: Schema, at: str) -> Iterator[Problem]:
    for node, path in _walk(schema, at):
        yield from _check_schema_node(connector, None, node, path)


def _check_dynamic(
    connector: Connector,
    op: Operation | None,
    target_id: str,
    arguments: dict[str, DynamicArgument],
    at: str,
) -> Iterator[Problem]:
    target = next((o for o in connector.all_operations if o.id == target_id), None)
    if target is None:
        yield f"{at}/operation", f"dynamic reference to missing operation {target_id!r}"
        return
    target_params = {p.name for p in target.parameters}
    for name, arg in arguments.items():
        if name not in target_params:
            yield f"{at}/parameters/{name}", f"{target_id} has no parameter {name!r}"
        if (arg.parameter is None) == (arg.value is None):
            yield f"{at}/parameters/{name}", "give exactly one of 'parameter' or 'value'"
        elif arg.parameter is not None and op is not None and not _has_input(op, arg.parameter):
            yield f"{at}/parameters/{name}", f"{op.id} has no input {arg.parameter!r}"


def _has_input(op: Operation, name: str) -> bool:
    body = _body_schema(op)
    in_body = body is not None and name in (body.properties or {})
    return in_body or any(p.name == name and p.location != "body" for p in op.parameters)


def _body_schema(op: Operation) -> Schema | None:
    return next((p.schema for p in op.parameters if p.location == "body"), None)


def _check_policies(connector: Connector) -> Iterator[Problem]:
    ids = {op.id for op in connector.all_operations}
    names = {p.name for p in connector.connection.parameters}
    names |= {p.name for a in connector.connection.auth for p in a.parameters}
    for i, policy in enumerate(connector.policies):
        for name in policy.operations:
            if name not in ids:
                yield f"/policies/{i}/operations", f"policy names missing operation {name!r}"
        for key, value in policy.parameters.items():
            for ref in _CONNECTION_REF.findall(value):
                if ref not in names:
                    yield f"/policies/{i}/parameters/{key}", f"unknown connection parameter {ref!r}"


# Filled by the platform itself in oauth2generic templates (certified 3E Events, Zoho Mail).
_OAUTH_BUILTINS = frozenset(
    {"clientid", "clientsecret", "code", "redirecturl", "refreshtoken", "scopes", "state"}
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _check_oauth_templates(connector: Connector) -> Iterator[Problem]:
    """Template placeholders name the method's token: parameters; the host one drives calls.

    A sign-in host the dynamichosturl policy does not read would let a connection sign in to
    one domain and call another, so the description is refused.
    """
    hosts = {
        ref
        for policy in connector.policies
        if policy.template == "dynamichosturl"
        for value in policy.parameters.values()
        for ref in _CONNECTION_REF.findall(value)
    }
    for a, auth in enumerate(connector.connection.auth):
        for i, parameter in enumerate(auth.parameters):
            if parameter.oauth is None:
                continue
            at = f"/connection/auth/{a}/parameters/{i}/oauth/custom_parameters"
            for key, value in parameter.oauth.custom_parameters.items():
                for name in _PLACEHOLDER.findall(value):
                    problem = _placeholder_problem(auth, key, name, hosts)
                    if problem:
                        yield f"{at}/{key}", problem


def _placeholder_problem(auth: AuthMethod, key: str, name: str, hosts: set[str]) -> str:
    if name.lower() in _OAUTH_BUILTINS:
        return ""
    full = f"token:{name}"
    if all(p.name != full for p in auth.parameters):
        return f"{{{name}}} needs a parameter {full!r}"
    if key.endswith("UrlTemplate") and full not in hosts:
        return (
            f"the sign-in host comes from {full!r} but the dynamichosturl policy does not read "
            "it: a connection would sign in to one domain and call another"
        )
    return ""


def _walk(schema: Schema | None, at: str) -> Iterator[tuple[Schema, str]]:
    """Every schema node below ``schema`` with its description pointer."""
    if schema is None:
        return
    yield schema, at
    yield from _walk(schema.items, f"{at}/items")
    yield from _walk(schema.additional_properties, f"{at}/additional_properties")
    for name, child in (schema.properties or {}).items():
        yield from _walk(child, f"{at}/properties/{name}")


def _check_custom_code(connector: Connector) -> Iterator[Problem]:
    code = connector.custom_code
    by_id = {op.id: op for op in connector.all_operations}
    schema_op = by_id.get(code.record_schema_operation)
    if schema_op is None or schema_op.script.kind != "record_schema":
        yield (
            "/custom_code/record_schema_operation",
            (f"{code.record_schema_operation!r} must be an operation with custom_code: true"),
        )
    picker = by_id.get(code.app_picker_operation)
    if code.app_picker_operation and (picker is None or picker.script.kind != "app_picker"):
        yield (
            "/custom_code/app_picker_operation",
            (f"{code.app_picker_operation!r} must be an operation with custom_code: true"),
        )
    remove_op = by_id.get(code.remove_webhook_operation)
    if remove_op is None or remove_op.method != "delete":
        yield (
            "/custom_code/remove_webhook_operation",
            (f"{code.remove_webhook_operation!r} must be a delete operation"),
        )
    for auth_index, auth in enumerate(connector.connection.auth):
        names = [p.name for p in auth.parameters]
        if auth.kind == "api_key" and ("api_key" not in names or not auth.header):
            yield (
                f"/connection/auth/{auth_index}",
                ("an api_key method needs a header and a parameter named 'api_key'"),
            )
        if auth.kind == "oauth2" and not any(p.type == "oauthSetting" for p in auth.parameters):
            yield (
                f"/connection/auth/{auth_index}/parameters",
                ("an oauth2 method needs an oauthSetting parameter"),
            )
