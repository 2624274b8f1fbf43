"""Schema and parameter value sanity: arrays, required, defaults, ranges (VAL-35/48/50/51/57)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeGuard

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.rules_extensions import matches_type
from generator.validate.shapes import Node, elements, is_success_code, strings, text
from generator.validate.walk import Role, of_role, role_list

MAX_SUMMARY = 80
_VALUED = (Role.PARAMETER, Role.SCHEMA, Role.ITEMS, Role.HEADER)
_RANGES = (("minLength", "maxLength"), ("minimum", "maximum"), ("minItems", "maxItems"))
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


@rule(
    "VAL-35",
    Level.WARNING,
    "arrays declare 'items'; 'required' lists are not empty; 'schemes' is not empty",
    "D-VAL (ArrayHasNoItems, RequiredPropertyArrayEmpty, SchemesArrayEmpty)",
)
def arrays(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, *_VALUED):
        if node.value.get("type") == "array" and not isinstance(node.value.get("items"), dict):
            yield ctx.report(SWAGGER, node.pointer, "an array needs 'items'")
        if node.value.get("required") == []:
            yield ctx.report(SWAGGER, node.at("required"), "'required' is empty; drop it")
    if (ctx.swagger or {}).get("schemes") == []:
        yield ctx.report(SWAGGER, "/schemes", "'schemes' is empty")


@rule(
    "VAL-48",
    Level.WARNING,
    "defaults fit their type and enum; enums are not empty; multipleOf is above zero",
    "D-VAL (DefaultValueMustMatchType, JsonValueNotInEnum, EnumMustContainAtLeastOneElement)",
)
def values(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, *_VALUED):
        kind, enum = node.value.get("type"), node.value.get("enum")
        if "default" in node.value:
            yield from _default(ctx, node, kind, enum)
        if enum == []:
            yield ctx.report(SWAGGER, node.at("enum"), "'enum' must list at least one value")
        step = node.value.get("multipleOf")
        if _is_number(step) and step <= 0:
            yield ctx.report(SWAGGER, node.at("multipleOf"), "'multipleOf' must be above zero")


def _default(ctx: Context, node: Node, kind: object, enum: object) -> Iterator[Finding]:
    default = node.value["default"]
    if not matches_type(default, kind):
        message = f"default {default!r} is not of type {kind}"
        yield ctx.report(SWAGGER, node.at("default"), message)
    elif isinstance(enum, list) and enum and default not in enum:
        message = f"default {default!r} is not one of the enum values"
        yield ctx.report(SWAGGER, node.at("default"), message)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


@rule(
    "VAL-50",
    Level.WARNING,
    "internal inputs are required and have a default (or are the notification url)",
    "D-EXT (x-ms-visibility); D-VAL (InternalPropertyWithDefaultOptional, PropertyMustBeRequired)",
)
def internal_inputs(ctx: Context) -> Iterator[Finding]:
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("x-ms-visibility") != "internal" or param.value.get("in") == "body":
            continue
        required = param.value.get("required") is True
        yield from _internal(ctx, param, required)
    for schema, name, prop in _input_properties(ctx):
        if prop.value.get("x-ms-visibility") == "internal":
            required = name in strings(schema.value.get("required"))
            yield from _internal(ctx, prop, required)


def _internal(ctx: Context, node: Node, required: bool) -> Iterator[Finding]:
    if node.value.get("x-ms-notification-url") is True:
        return
    has_default = "default" in node.value
    if required and not has_default:
        yield ctx.report(SWAGGER, node.pointer, "internal and required, but no 'default'")
    elif has_default and not required:
        message = "internal with a default but optional: the platform drops it; make it required"
        yield ctx.report(SWAGGER, node.pointer, message)


def _input_properties(ctx: Context) -> Iterator[tuple[Node, str, Node]]:
    """(object schema, property name, property) inside body parameter schemas, as written."""
    for node in of_role(ctx.swagger, Role.SCHEMA):
        if "parameters" not in node.tokens or "responses" in node.tokens:
            continue
        props = node.child("properties")
        for name in props.value if props is not None else ():
            prop = props.child(name) if props is not None else None
            if prop is not None:
                yield node, name, prop


@rule(
    "VAL-51",
    Level.WARNING,
    "'required' names declared properties of an object schema",
    "D-VAL (RequiredPropertyMissing, RequiredPropertyNotOnObject)",
)
def required_properties(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, Role.SCHEMA):
        required = node.value.get("required")
        props = node.value.get("properties")
        if not isinstance(required, list) or not isinstance(props, dict):
            continue
        if _is_open(node):
            continue
        for index, name in elements(required):
            if isinstance(name, str) and name not in props:
                message = f"required property '{name}' is not declared in 'properties'"
                yield ctx.report(SWAGGER, node.at("required", index), message)


def _is_open(node: Node) -> bool:
    """Schemas that take properties from elsewhere (allOf, dynamic schema, free-form)."""
    keys = ("allOf", "x-ms-dynamic-schema", "x-ms-dynamic-properties", "additionalProperties")
    return any(node.value.get(key) not in (None, False) for key in keys)


@rule(
    "VAL-57",
    Level.WARNING,
    "keyword sanity: min <= max, counts >= 0, patterns compile, allowEmptyValue on query/formData",
    "D-VAL (MinimumMustBeLessThanMaximum, PatternShouldBeValidRegularExpression, ...)",
)
def keywords(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, *_VALUED):
        yield from _ranges(ctx, node)
        pattern = node.value.get("pattern")
        if isinstance(pattern, str) and not _compiles(pattern):
            yield ctx.report(SWAGGER, node.at("pattern"), f"pattern {pattern!r} does not compile")
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if "allowEmptyValue" in param.value and param.value.get("in") not in ("query", "formData"):
            message = "'allowEmptyValue' is only for query and formData parameters"
            yield ctx.report(SWAGGER, param.at("allowEmptyValue"), message)


def _ranges(ctx: Context, node: Node) -> Iterator[Finding]:
    for low, high in _RANGES:
        a, b = node.value.get(low), node.value.get(high)
        if _is_number(a) and _is_number(b) and a > b:
            yield ctx.report(SWAGGER, node.at(low), f"'{low}' {a} is above '{high}' {b}")
    for key in _COUNTS:
        count = node.value.get(key)
        if _is_number(count) and count < 0:
            yield ctx.report(SWAGGER, node.at(key), f"'{key}' must not be negative")


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


@rule(
    "CERT-15",
    Level.WARNING,
    "2xx response schemas are not empty ({}) unless dynamic",
    "D-CERT; PR#1316; PR#1610",
)
def empty_schemas(ctx: Context) -> Iterator[Finding]:
    for response in of_role(ctx.swagger, Role.RESPONSE):
        code = response.tokens[-1] if response.tokens else ""
        schema = response.value.get("schema")
        if isinstance(code, str) and is_success_code(code) and schema == {}:
            message = "empty response schema; describe the response or drop the schema"
            yield ctx.report(SWAGGER, response.at("schema"), message)


@rule(
    "VAL-31",
    Level.WARNING,
    "x-ms-summary of inputs and outputs: at most 80 characters",
    "D-VAL (OperationSummaryTooLong); D-CERT; D-STR",
)
def field_summaries(ctx: Context) -> Iterator[Finding]:
    for role, node in role_list(ctx.swagger):
        summary = text(node.value.get("x-ms-summary")) if role in _VALUED else None
        if summary is None:
            continue
        where = node.at("x-ms-summary")
        if len(summary) > MAX_SUMMARY:
            message = f"x-ms-summary has {len(summary)} characters; at most {MAX_SUMMARY}"
            yield ctx.report(SWAGGER, where, message)
