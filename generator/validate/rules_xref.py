"""Cross-references: dynamic-call wiring (VAL-12, VAL-17, VAL-24) and apiProperties to swagger."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.dynamic import (
    Extension,
    Reach,
    carriers,
    extensions,
    follow,
    is_array,
    sibling_names,
)
from generator.validate.reader import PROPERTIES, SWAGGER
from generator.validate.registry import rule
from generator.validate.rules_properties import parameter_maps, policies
from generator.validate.shapes import (
    JsonObject,
    Operation,
    body_schema,
    elements,
    operation_index,
    parameters,
    schema_properties,
    success_schema,
    text,
    walk_strings,
)

# Which path string of each extension must exist in the invoked operation's 2xx response.
RESPONSE_PATHS = {
    "x-ms-dynamic-values": ("value-collection", True),
    "x-ms-dynamic-list": ("itemsPath", True),
    "x-ms-dynamic-schema": ("value-path", False),
    "x-ms-dynamic-properties": ("itemValuePath", False),
}
# The extension current designers read in place of each legacy one.
MODERN = {
    "x-ms-dynamic-values": "x-ms-dynamic-list",
    "x-ms-dynamic-schema": "x-ms-dynamic-properties",
}
OPERATION_NAME = "x-ms-apimTemplate-operationName"
_CONNECTION_PARAMETER = re.compile(r"@connectionParameters\(\s*['\"]([^'\"]*)['\"]")


@rule(
    "VAL-17",
    Level.ERROR,
    "x-ms-dynamic-* name an existing operation (its 2xx response declaring the path: warning)",
    "D-VAL; D-EXT",
    "run time: the designer calls the named operation to fill the field; it does not exist",
)
def invoked_operations(ctx: Context) -> Iterator[Finding]:
    index = operation_index(ctx.swagger)
    for ext in extensions(ctx.swagger):
        op_id = ext.operation_id
        if op_id is None:
            if not {"builtInOperation", "capability"} & ext.node.value.keys():
                yield ctx.report(SWAGGER, ext.node.pointer, "'operationId' is required")
        elif op_id not in index:
            message = f"no operation has the operationId '{op_id}'"
            yield ctx.report(SWAGGER, ext.node.at("operationId"), message)
        else:
            yield from _response_path(ctx, ext, index[op_id])


def _response_path(ctx: Context, ext: Extension, invoked: Operation) -> Iterator[Finding]:
    field, wants_array = RESPONSE_PATHS[ext.kind]
    path = text(ext.node.value.get(field))
    if path is None:
        return
    where, op_id = ext.node.at(field), invoked.operation_id
    # The path is read from the actual response at run time, so a path the declared schema
    # lacks is a documentation gap, not a failure (16 certified connectors ship one).
    schema = success_schema(ctx.swagger, invoked)
    if schema is None:
        message = f"'{op_id}' declares no 2xx response schema, so '{path}' cannot be checked"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)
        return
    reach, target = follow(ctx.swagger, schema, path)
    if reach is Reach.MISSING:
        message = f"'{path}' is not declared in the 2xx response of '{op_id}'"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)
    elif wants_array and target is not None and not is_array(target):
        message = f"'{path}' in the response of '{op_id}' is not an array"
        yield ctx.report(SWAGGER, where, message, Level.WARNING)


# The legacy designer reads value-path, the current one itemValuePath; each works on its own.
@rule(
    "VAL-12",
    Level.WARNING,
    "dynamic-properties itemValuePath equals dynamic-schema value-path without a last 'properties'",
    "D-VAL",
)
def item_value_path(ctx: Context) -> Iterator[Finding]:
    for ext in extensions(ctx.swagger):
        if ext.kind != "x-ms-dynamic-properties":
            continue
        schema = ext.holder.child("x-ms-dynamic-schema")
        value_path = schema.value.get("value-path") if schema is not None else None
        item_path = ext.node.value.get("itemValuePath")
        if isinstance(value_path, str) and isinstance(item_path, str):
            expected = _without_properties(value_path)
            if item_path.strip("/") != expected:
                message = f"itemValuePath '{item_path}' should be '{expected}' to match value-path"
                yield ctx.report(SWAGGER, ext.node.at("itemValuePath"), message)


def _without_properties(path: str) -> str:
    segments = [part for part in path.split("/") if part]
    return "/".join(segments[:-1] if segments[-1:] == ["properties"] else segments)


@rule(
    "VAL-24",
    Level.ERROR,
    "dynamic-call references name real inputs; parameters are inputs of the invoked operation",
    "D-VAL; D-EXT",
    "run time: a reference to no input gives the dynamic call no value (error; an unknown "
    "parameter name of the invoked operation is not sent: warning)",
)
def dynamic_parameters(ctx: Context) -> Iterator[Finding]:
    index = operation_index(ctx.swagger)
    for ext in extensions(ctx.swagger):
        invoked = index.get(ext.operation_id or "")
        params = ext.node.child("parameters")
        for name, value in params.value.items() if params is not None else ():
            where = ext.node.at("parameters", name)
            if invoked is not None and not _is_input(ctx.swagger, invoked, name):
                message = f"'{name}' is not a parameter of '{invoked.operation_id}'"
                yield ctx.report(SWAGGER, where, message, Level.WARNING)
            yield from _reference(ctx, ext, name, value)


def _is_input(swagger: JsonObject | None, op: Operation, wanted: str) -> bool:
    """Whether a dynamic-call parameter name is an input of ``op``: a parameter, a top-level body
    property, or a "body/x/y" path into the body (as x-ms-dynamic-properties writes them)."""
    names = {name for p in parameters(swagger, op) if (name := text(p.value.get("name")))}
    if wanted in names | set(schema_properties(swagger, body_schema(swagger, op))):
        return True
    segments = [part for part in wanted.split("/") if part]
    return len(segments) > 1 and _resolves_in(swagger, op, segments)


def _reference(ctx: Context, ext: Extension, name: str, value: object) -> Iterator[Finding]:
    if not isinstance(value, dict):
        return
    for key in ("parameter", "parameterReference"):
        reference = text(value.get(key))
        ops = carriers(ctx.swagger, ext)
        if reference is None or not ops or _resolves(ctx, ext, ops, reference):
            continue
        where = ext.node.at("parameters", name, key)
        ids = ", ".join(f"'{op.operation_id}'" for op in ops)
        message = f"'{reference}' is not a parameter or body property of {ids}"
        modern = MODERN.get(ext.kind)
        dotted = reference.replace(".", "/")
        if modern in ext.holder.value and _resolves(ctx, ext, ops, dotted):
            # A legacy extension cannot name a body property; certified connectors write
            # 'a.b' there and let the modern sibling carry the real reference.
            message += f" (as '{dotted}' it is; {modern} next to it is what designers use)"
            yield ctx.report(SWAGGER, where, message, Level.WARNING)
        else:
            yield ctx.report(SWAGGER, where, message)


def _resolves(ctx: Context, ext: Extension, ops: list[Operation], reference: str) -> bool:
    """Whether "x" or "body/x/y" names an input of one of the carrying operations."""
    segments = [part for part in reference.split("/") if part]
    if len(segments) == 1 and segments[0] in sibling_names(ctx.swagger, ext.holder):
        return True
    return any(_resolves_in(ctx.swagger, op, segments) for op in ops)


def _resolves_in(swagger: JsonObject | None, op: Operation, segments: list[str]) -> bool:
    rest = "/".join(segments[1:])
    for param in parameters(swagger, op):
        if segments and param.value.get("name") == segments[0]:
            if not rest:
                return True
            if param.value.get("in") == "body":
                return follow(swagger, param.child("schema"), rest)[0] is not Reach.MISSING
    body = body_schema(swagger, op)
    return body is not None and follow(swagger, body, "/".join(segments))[0] is Reach.FOUND


# A policy or script entry naming no operation applies to nothing; the platform accepts it
# (certified connectors keep names of removed or renamed operations).
@rule(
    "AP-08",
    Level.WARNING,
    "policy operationName entries and scriptOperations are swagger operationIds",
    "PPC schema (cross-file check: our inference)",
)
def known_operations(ctx: Context) -> Iterator[Finding]:
    if ctx.swagger is None:
        return
    index = operation_index(ctx.swagger)
    for value, tokens in _operation_references(ctx):
        if value in index:
            continue
        message = f"no swagger operation has the operationId '{value}'; it is unused"
        yield ctx.report(PROPERTIES, pointer(*tokens), message)


def _operation_references(ctx: Context) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    for policy in policies(ctx):
        params = policy.child("parameters")
        names = params.value.get(OPERATION_NAME) if params is not None else None
        if params is not None and isinstance(names, str):
            yield names, (*params.tokens, OPERATION_NAME)
        for index, name in elements(names):
            if params is not None and isinstance(name, str):
                yield name, (*params.tokens, OPERATION_NAME, index)
    props = ctx.properties
    for index, name in elements(props.get("scriptOperations") if props is not None else None):
        if isinstance(name, str):
            yield name, ("properties", "scriptOperations", index)


@rule(
    "AP-09",
    Level.ERROR,
    "@connectionParameters('x') in policy parameters names a defined connection parameter",
    "D-DHU (cross-file check: our inference)",
    "run time: the policy expression has no value to insert, so every call it applies to fails",
)
def policy_connection_parameters(ctx: Context) -> Iterator[Finding]:
    defined = {name for params in parameter_maps(ctx.properties) for name in params.value}
    folded = {name.lower(): name for name in defined}
    for policy in policies(ctx):
        params = policy.child("parameters")
        if params is None:
            continue
        for value, tokens in walk_strings(params.value, params.tokens):
            for name in _CONNECTION_PARAMETER.findall(value):
                if name in defined:
                    continue
                message = f"connection parameter '{name}' is not defined"
                if name.lower() in folded:
                    # certified connectors differ in case only; the policy resolves the name
                    message += f"; '{folded[name.lower()]}' differs only in case"
                    yield ctx.report(PROPERTIES, pointer(*tokens), message, Level.WARNING)
                else:
                    yield ctx.report(PROPERTIES, pointer(*tokens), message)
