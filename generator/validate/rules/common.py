"""Helpers that more than one rule family (or diff.py) uses; no rules here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.validate.context import Context
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    body_schema,
    elements,
    schema_properties,
)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def matches_type(value: object, kind: object) -> bool:
    """Whether a JSON value fits a schema type (unknown types match anything)."""
    if not isinstance(kind, str) or kind not in _TYPES:
        return True
    if isinstance(value, bool) and kind != "boolean":
        return False
    return isinstance(value, _TYPES[kind])


NOTIFICATION_URL = "x-ms-notification-url"


NOTIFICATION_CONTENT = "x-ms-notification-content"


@dataclass(frozen=True)
class Link:
    """One step from an object schema to one of its properties."""

    parent: Node
    name: str
    child: Node


def notification_urls(swagger: JsonObject | None, op: Operation) -> list[list[Link]]:
    """Chains of links from the body schema down to each x-ms-notification-url property."""
    body = body_schema(swagger, op)
    found: list[list[Link]] = []
    stack: list[tuple[Node, list[Link]]] = [(body, [])] if body is not None else []
    seen: set[tuple[str | int, ...]] = set()
    while stack:
        schema, chain = stack.pop()
        if schema.tokens in seen:
            continue
        seen.add(schema.tokens)
        for name, prop in schema_properties(swagger, schema).items():
            link = [*chain, Link(schema, name, prop)]
            if prop.value.get(NOTIFICATION_URL) is True:
                found.append(link)
            else:
                stack.append((prop, link))
    return found


def _properties(ctx: Context) -> Node | None:
    value = ctx.properties
    return Node(value, ("properties",)) if value is not None else None


def policies(ctx: Context) -> Iterator[Node]:
    """Each policyTemplateInstances item that is an object."""
    props = ctx.properties
    for index, item in elements(props.get("policyTemplateInstances") if props else None):
        if isinstance(item, dict):
            yield Node(item, ("properties", "policyTemplateInstances", index))


def parameter_maps(props: JsonObject | None) -> Iterator[Node]:
    """connectionParameters and each connectionParameterSets value's parameters, as objects."""
    if props is None:
        return
    node = Node(props, ("properties",))
    direct = node.child("connectionParameters")
    if direct is not None:
        yield direct
    sets = node.child("connectionParameterSets")
    values = sets.value.get("values") if sets is not None else None
    for index, value in elements(values):
        params = as_object(value.get("parameters")) if isinstance(value, dict) else None
        if sets is not None and params is not None:
            yield Node(params, (*sets.tokens, "values", index, "parameters"))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# Bit depths PNG allows for each colour type (PNG specification, 11.2.2 IHDR).
PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk of a PNG, or None when it is not a PNG."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
