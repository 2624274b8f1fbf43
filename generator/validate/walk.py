"""Every object of a swagger with its role: operation, parameter, schema, response and so on."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from generator.validate.shapes import LAST, METHODS, JsonObject, Node, members

MAX_DEPTH = 64  # deeper schemas are left to SWAGGER-01; keeps the walk bounded


class Role(StrEnum):
    """Where an object sits in a swagger."""

    ROOT = "root"
    INFO = "info"
    PATH = "path item"
    OPERATION = "operation"
    PARAMETER = "parameter"
    SCHEMA = "schema"
    ITEMS = "parameter items"
    RESPONSE = "response"
    HEADER = "header"
    NOTIFICATION = "notification content"
    SECURITY = "security definition"


_SCHEMA_CHILDREN = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def roles(swagger: JsonObject | None) -> Iterator[tuple[Role, Node]]:
    """Every object whose role is known, in document order."""
    if swagger is None:
        return
    root = Node(swagger, ())
    yield Role.ROOT, root
    info = root.child("info")
    if info is not None:
        yield Role.INFO, info
    for name, _ in members(swagger.get("securityDefinitions")):
        node = root.child("securityDefinitions")
        found = node.child(name) if node is not None else None
        if found is not None:
            yield Role.SECURITY, found
    yield from _globals(root)
    paths = root.child("paths")
    for path, _ in members(paths.value if paths is not None else None):
        item = paths.child(path) if paths is not None else None
        if item is not None and not path.startswith("x-"):
            yield from _path_item(item)


def _globals(root: Node) -> Iterator[tuple[Role, Node]]:
    for section, role in (("parameters", Role.PARAMETER), ("responses", Role.RESPONSE)):
        holder = root.child(section)
        for name in holder.value if holder is not None else ():
            node = holder.child(name) if holder is not None else None
            if node is not None:
                yield from (_parameter(node) if role is Role.PARAMETER else _response(node))
    definitions = root.child("definitions")
    for name in definitions.value if definitions is not None else ():
        yield from schema_tree(definitions.child(name) if definitions is not None else None)


def _path_item(item: Node) -> Iterator[tuple[Role, Node]]:
    yield Role.PATH, item
    yield from _parameters(item)
    content = item.child("x-ms-notification-content")
    if content is not None:
        yield Role.NOTIFICATION, content
        yield from schema_tree(content.child("schema"))
    for method in METHODS:
        op = item.child(method)
        if op is None:
            continue
        yield Role.OPERATION, op
        yield from _parameters(op)
        responses = op.child("responses")
        for code in responses.value if responses is not None else ():
            response = responses.child(code) if responses is not None else None
            if response is not None:
                yield from _response(response)


def _parameters(holder: Node) -> Iterator[tuple[Role, Node]]:
    params = holder.value.get("parameters")
    for index, raw in enumerate(params) if isinstance(params, list) else ():
        if isinstance(raw, dict):
            yield from _parameter(Node(raw, (*holder.tokens, "parameters", index)))


def _parameter(param: Node) -> Iterator[tuple[Role, Node]]:
    yield Role.PARAMETER, param
    yield from schema_tree(param.child("schema"))
    items = param.child("items")
    depth = 0
    while items is not None and depth < MAX_DEPTH:
        yield Role.ITEMS, items
        items, depth = items.child("items"), depth + 1


def _response(response: Node) -> Iterator[tuple[Role, Node]]:
    yield Role.RESPONSE, response
    yield from schema_tree(response.child("schema"))
    headers = response.child("headers")
    for name in headers.value if headers is not None else ():
        header = headers.child(name) if headers is not None else None
        if header is not None:
            yield Role.HEADER, header


def schema_tree(schema: Node | None) -> Iterator[tuple[Role, Node]]:
    """A schema and the schemas inside it (properties, items, allOf ...), as written."""
    stack: list[Node] = [schema] if schema is not None else []
    while stack:
        node = stack.pop()
        yield Role.SCHEMA, node
        if len(node.tokens) > MAX_DEPTH:
            continue
        stack.extend(reversed(list(_subschemas(node))))


def _subschemas(node: Node) -> Iterator[Node]:
    props = node.child("properties")
    for name in props.value if props is not None else ():
        child = props.child(name) if props is not None else None
        if child is not None:
            yield child
    for key in _SCHEMA_CHILDREN:
        child = node.child(key)
        if child is not None:
            yield child
    for key in _SCHEMA_LISTS:
        values = node.value.get(key)
        for index, raw in enumerate(values) if isinstance(values, list) else ():
            if isinstance(raw, dict):
                yield Node(raw, (*node.tokens, key, index))


def of_role(swagger: JsonObject | None, *wanted: Role) -> Iterator[Node]:
    """The objects of the given roles."""
    for role, node in role_list(swagger):
        if role in wanted:
            yield node


def role_list(swagger: JsonObject | None) -> list[tuple[Role, Node]]:
    """``roles`` as a list, shared by the rules of one run."""
    if swagger is None:
        return []
    return LAST.get(swagger, "roles", lambda: list(roles(swagger)))
