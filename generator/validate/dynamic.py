"""Dynamic-call extensions (x-ms-dynamic-*): where they are and what they point at."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from generator.validate.shapes import (
    LAST,
    METHODS,
    JsonObject,
    Node,
    Operation,
    lookup,
    objects_with,
    operations,
    resolve,
    text,
)

DYNAMIC_KEYS = (
    "x-ms-dynamic-values",
    "x-ms-dynamic-list",
    "x-ms-dynamic-schema",
    "x-ms-dynamic-properties",
)


@dataclass(frozen=True)
class Extension:
    """One x-ms-dynamic-* object and the parameter or schema that carries it."""

    kind: str
    holder: Node
    node: Node

    @property
    def operation_id(self) -> str | None:
        """The invoked operationId, when it is a string."""
        return text(self.node.value.get("operationId"))


def extensions(swagger: JsonObject | None) -> Iterator[Extension]:
    """Every dynamic-call extension anywhere in the swagger, in document order."""
    if swagger is None:
        return iter(())
    return iter(LAST.get(swagger, "extensions", lambda: list(_extensions(swagger))))


def _extensions(swagger: JsonObject) -> Iterator[Extension]:
    for holder in objects_with(swagger, frozenset(DYNAMIC_KEYS)):
        for kind in DYNAMIC_KEYS:
            node = holder.child(kind)
            if node is not None:
                yield Extension(kind, holder, node)


def carriers(swagger: JsonObject | None, extension: Extension) -> list[Operation]:
    """The operations whose inputs an extension can refer to (none outside ``paths``)."""
    tokens = extension.holder.tokens
    if len(tokens) < 3 or tokens[0] != "paths":
        return []
    path, where = tokens[1], tokens[2]
    if where in METHODS:
        return [op for op in operations(swagger) if (op.path, op.method) == (path, where)]
    if where == "x-ms-notification-content":
        return [op for op in operations(swagger) if op.path == path]
    return []


def sibling_names(swagger: JsonObject | None, holder: Node) -> set[str]:
    """Names of the properties next to a schema property (its parent's properties)."""
    if len(holder.tokens) < 2 or holder.tokens[-2] != "properties":
        return set()
    parent = lookup(swagger, holder.tokens[:-1])
    return set(parent) if isinstance(parent, dict) else set()


class Reach(Enum):
    """How far a path string got into a schema."""

    FOUND = "found"
    UNKNOWN = "unknown"  # went into a free-form object: cannot tell
    MISSING = "missing"


def follow(swagger: JsonObject | None, schema: Node | None, path: str) -> tuple[Reach, Node | None]:
    """Walk a "a/b/c" path string through declared properties of a schema."""
    current = resolve(swagger, schema)
    for segment in (part for part in path.split("/") if part):
        if current is None:
            return Reach.UNKNOWN, None
        props = current.child("properties")
        if props is None or segment not in props.value:
            return (Reach.UNKNOWN if _is_open(current.value) else Reach.MISSING), None
        current = resolve(swagger, props.child(segment))
    return (Reach.FOUND, current) if current is not None else (Reach.UNKNOWN, None)


def _is_open(schema: JsonObject) -> bool:
    """A schema that may hold undeclared properties: free-form or with additionalProperties."""
    if schema.get("additionalProperties") not in (None, False):
        return True
    return "properties" not in schema and schema.get("type", "object") == "object"


def is_array(schema: Node) -> bool:
    """False only when the schema states a type other than array."""
    kind = schema.value.get("type")
    return not isinstance(kind, str) or kind == "array"
