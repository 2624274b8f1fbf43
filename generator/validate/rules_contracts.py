"""Contracts between operations: dynamic pairs, sources, same-named inputs, polling triggers."""

from __future__ import annotations

from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.dynamic import Extension, carriers, extensions, sibling_names
from generator.validate.reader import PROPERTIES, SWAGGER
from generator.validate.registry import rule
from generator.validate.rules_properties import policies
from generator.validate.rules_webhook import NOTIFICATION_CONTENT, notification_urls
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    elements,
    operation_index,
    operations,
    parameters,
    success_schema,
    text,
)

PAIRS = {
    "x-ms-dynamic-values": "x-ms-dynamic-list",
    "x-ms-dynamic-schema": "x-ms-dynamic-properties",
}
OPERATION_NAME = "x-ms-apimTemplate-operationName"


def _references(ext: Extension) -> Iterator[tuple[str, str]]:
    """(parameter name in the call, referenced input) for each reference of an extension."""
    params = ext.node.child("parameters")
    for name, value in params.value.items() if params is not None else ():
        if isinstance(value, dict):
            for key in ("parameter", "parameterReference"):
                reference = text(value.get(key))
                if reference is not None:
                    yield name, reference


def _in_body(ext: Extension) -> bool:
    """Whether the extension sits on a schema (a body property), not on a parameter."""
    return "schema" in ext.holder.tokens or ext.holder.tokens[:1] == ("definitions",)


@rule(
    "VAL-10",
    Level.WARNING,
    "x-ms-dynamic-values on a body property or with ambiguous references has an x-ms-dynamic-list",
    "D-VAL (DynamicListExtensionRequiredForAmbiguousReferences, ...ForNonParameterReferences)",
)
def dynamic_list_pairs(ctx: Context) -> Iterator[Finding]:
    yield from _pairs(ctx, "x-ms-dynamic-values")


@rule(
    "VAL-11",
    Level.WARNING,
    "x-ms-dynamic-schema on a body property or with ambiguous references has -properties",
    "D-VAL (DynamicPropertiesExtensionRequiredForAmbiguousReferences, ...NonParameterReferences)",
)
def dynamic_properties_pairs(ctx: Context) -> Iterator[Finding]:
    yield from _pairs(ctx, "x-ms-dynamic-schema")


def _pairs(ctx: Context, kind: str) -> Iterator[Finding]:
    partner = PAIRS[kind]
    for ext in extensions(ctx.swagger):
        if ext.kind != kind or partner in ext.holder.value:
            continue
        if any(_needs_partner(ctx.swagger, ext, ref) for _, ref in _references(ext)):
            message = f"add '{partner}': the references here need the newer form"
            yield ctx.report(SWAGGER, ext.node.pointer, message)


def _needs_partner(swagger: JsonObject | None, ext: Extension, reference: str) -> bool:
    """A reference into a body, to a body property, or to a name that is both."""
    ops = carriers(swagger, ext)
    if not ops:
        return False
    names = {text(p.value.get("name")) for op in ops for p in parameters(swagger, op)}
    bodies = {
        text(p.value.get("name"))
        for op in ops
        for p in parameters(swagger, op)
        if p.value.get("in") == "body"
    }
    if "/" in reference or reference not in names - bodies:
        return True
    return _in_body(ext) and reference in sibling_names(swagger, ext.holder)


@rule(
    "VAL-42",
    Level.WARNING,
    "dynamic-call references do not point at internal inputs (use a static value)",
    "D-VAL (SourcePropertyInternal)",
)
def internal_sources(ctx: Context) -> Iterator[Finding]:
    for ext in extensions(ctx.swagger):
        for name, reference in _references(ext):
            source = _source(ctx.swagger, ext, reference)
            if source is not None and source.value.get("x-ms-visibility") == "internal":
                message = f"'{reference}' is internal; pass a static value instead"
                yield ctx.report(SWAGGER, ext.node.at("parameters", name), message)


def _source(swagger: JsonObject | None, ext: Extension, reference: str) -> Node | None:
    first = reference.split("/")[0]
    for op in carriers(swagger, ext):
        for param in parameters(swagger, op):
            if param.value.get("name") == first and param.value.get("in") != "body":
                return param
    return None


@rule(
    "VAL-43",
    Level.WARNING,
    "same-named parameters of the operations of one path agree in type and visibility",
    "D-VAL (ParamtersWithSameNameMustHaveSameTypeAndVisibility)",
)
def same_named(ctx: Context) -> Iterator[Finding]:
    first: dict[tuple[str, str], Node] = {}
    for op in operations(ctx.swagger):
        for param in parameters(ctx.swagger, op):
            name = text(param.value.get("name"))
            if name is None or param.value.get("in") == "body":
                continue
            key = (op.path, name)
            other = first.setdefault(key, param)
            if other is not param:
                yield from _agree(ctx, name, other, param)


def _agree(ctx: Context, name: str, first: Node, second: Node) -> Iterator[Finding]:
    for key in ("type", "x-ms-visibility"):
        if first.value.get(key) != second.value.get(key):
            message = f"'{name}' has {key} {second.value.get(key)!r} here but "
            message += f"{first.value.get(key)!r} at {first.pointer}"
            yield ctx.report(SWAGGER, second.pointer, message)


def is_polling(swagger: JsonObject | None, op: Operation) -> bool:
    """A trigger that is not a webhook (no notification url, no notification content)."""
    if not op.is_trigger or NOTIFICATION_CONTENT in op.path_item.value:
        return False
    return not notification_urls(swagger, op)


@rule(
    "TRIG-01",
    Level.WARNING,
    "polling triggers declare their output: a 2xx response schema, trigger metadata or a policy",
    "D-EXT (x-ms-trigger, x-ms-trigger-metadata); PPC schema (pollingtrigger)",
)
def polling_triggers(ctx: Context) -> Iterator[Finding]:
    covered, all_covered = _polling_policy_operations(ctx)
    for op in operations(ctx.swagger):
        if not is_polling(ctx.swagger, op):
            continue
        has_output = success_schema(ctx.swagger, op) is not None
        described = "x-ms-trigger-metadata" in op.node.value
        if not (has_output or described or all_covered or op.operation_id in covered):
            message = "a polling trigger needs a 2xx response schema (its output)"
            yield ctx.report(SWAGGER, op.at("responses"), message)
    index = operation_index(ctx.swagger)
    for name, where in _policy_targets(ctx):
        target = index.get(name)
        if target is not None and not target.is_trigger:
            # nothing shows that this breaks the action (our inference only): a warning
            message = f"the pollingtrigger policy names '{name}', which is not a trigger"
            yield ctx.report(PROPERTIES, where, message)


def _polling_policy_operations(ctx: Context) -> tuple[set[str], bool]:
    names, everything = set(), False
    for policy in _polling_policies(ctx):
        params = policy.child("parameters")
        listed = params.value.get(OPERATION_NAME) if params is not None else None
        everything = everything or listed is None
        names |= {listed} if isinstance(listed, str) else {n for _, n in elements(listed)}
    return {n for n in names if isinstance(n, str)}, everything


def _polling_policies(ctx: Context) -> Iterator[Node]:
    for policy in policies(ctx):
        template = text(policy.value.get("templateId"))
        if template is not None and template.lower() == "pollingtrigger":
            yield policy


def _policy_targets(ctx: Context) -> Iterator[tuple[str, str]]:
    for policy in _polling_policies(ctx):
        params = policy.child("parameters")
        listed = params.value.get(OPERATION_NAME) if params is not None else None
        for index, name in elements(listed):
            if isinstance(name, str) and params is not None:
                yield name, params.at(OPERATION_NAME, index)
