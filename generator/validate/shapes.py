"""Type-guarded access to parsed JSON: objects, lists, local $refs, operations and parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from generator.findings import pointer

JsonObject = dict[str, Any]
T = TypeVar("T")
Token = str | int
Tokens = tuple[Token, ...]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_MISSING = object()


def as_object(value: object) -> JsonObject | None:
    """The value if it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def as_list(value: object) -> list[Any] | None:
    """The value if it is a JSON array, else None."""
    return value if isinstance(value, list) else None


def text(value: object) -> str | None:
    """The value if it is a string with something besides white space, else None."""
    return value if isinstance(value, str) and value.strip() else None


def members(value: object) -> Iterator[tuple[str, Any]]:
    """Key/value pairs of a JSON object; nothing for any other value."""
    return iter(value.items()) if isinstance(value, dict) else iter(())


def elements(value: object) -> Iterator[tuple[int, Any]]:
    """Index/value pairs of a JSON array; nothing for any other value."""
    return enumerate(value) if isinstance(value, list) else iter(())


def strings(value: object) -> set[str]:
    """The string elements of a JSON array (a set, for membership tests)."""
    return {item for _, item in elements(value) if isinstance(item, str)}


@dataclass(frozen=True)
class Node:
    """A JSON object together with the reference tokens that locate it in its document."""

    value: JsonObject
    tokens: Tokens

    @property
    def pointer(self) -> str:
        """The JSON pointer of this object."""
        return pointer(*self.tokens)

    def at(self, *more: Token) -> str:
        """The JSON pointer of a place below this object."""
        return pointer(*self.tokens, *more)

    def child(self, key: str) -> Node | None:
        """The member ``key`` as a Node when it is an object."""
        value = as_object(self.value.get(key))
        return None if value is None else Node(value, (*self.tokens, key))


def parse_pointer(text_pointer: str) -> Tokens | None:
    """Reference tokens of a JSON pointer ("" or "/a/b"); None when malformed."""
    if text_pointer == "":
        return ()
    if not text_pointer.startswith("/"):
        return None
    parts = text_pointer[1:].split("/")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in parts)


def lookup(document: object, tokens: Tokens) -> object:
    """The value at ``tokens`` in ``document``; a private sentinel when absent."""
    current = document
    for token in tokens:
        if isinstance(current, dict) and str(token) in current:
            current = current[str(token)]
        elif isinstance(current, list) and str(token).isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return _MISSING
    return current


def exists(document: object, tokens: Tokens) -> bool:
    """Whether ``tokens`` locate a value in ``document``."""
    return lookup(document, tokens) is not _MISSING


def resolve(document: object, node: Node | None) -> Node | None:
    """Follow local ``$ref`` chains ("#/...") to an object; None if broken or circular.

    Where each reference leads is remembered per document, so resolving every one of n chained
    references takes linear time, not quadratic.
    """
    if node is None or "$ref" not in node.value:
        return node
    return _REF_TARGETS.of(document).target(node.value["$ref"])


class _RefTargets:
    """Where each local reference of one document leads; every chain is followed once."""

    def __init__(self, document: object) -> None:
        self.document = document
        self.targets: dict[str, Node | None] = {}

    def target(self, ref: object) -> Node | None:
        chain: dict[str, None] = {}  # ordered, with quick membership
        result: Node | None = None
        while isinstance(ref, str) and ref.startswith("#"):
            if ref in self.targets:
                result = self.targets[ref]
                break
            if ref in chain:
                break  # a loop
            chain[ref] = None
            tokens = parse_pointer(ref[1:])
            target = None if tokens is None else as_object(lookup(self.document, tokens))
            if target is None or tokens is None:
                break
            if "$ref" not in target:
                result = Node(target, tokens)
                break
            ref = target["$ref"]
        self.targets.update(dict.fromkeys(chain, result))
        return result


class _RecentDocuments:
    """The reference maps of the few documents resolved last (a run looks at one or two)."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.maps: list[_RefTargets] = []

    def of(self, document: object) -> _RefTargets:
        for found in self.maps:
            if found.document is document:
                return found
        self.maps = [_RefTargets(document), *self.maps[: self.size - 1]]
        return self.maps[0]


_REF_TARGETS = _RecentDocuments()


def objects_with(document: object, keys: frozenset[str]) -> Iterator[Node]:
    """Every JSON object that has one of ``keys``, depth first; paths are built only for those."""
    Chain = tuple[Token, object] | None
    stack: list[tuple[object, Chain]] = [(document, None)]
    while stack:
        value, chain = stack.pop()
        if isinstance(value, dict):
            if not keys.isdisjoint(value):
                yield Node(value, _unchain(chain))
            stack.extend((child, (key, chain)) for key, child in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((child, (i, chain)) for i, child in reversed(list(enumerate(value))))


def _unchain(chain: object) -> Tokens:
    tokens: list[Token] = []
    while isinstance(chain, tuple):
        tokens.append(chain[0])
        chain = chain[1]
    return tuple(reversed(tokens))


def walk_objects(document: object) -> Iterator[Node]:
    """Every JSON object in a document, depth first, without recursion."""
    stack: list[tuple[object, Tokens]] = [(document, ())]
    while stack:
        value, tokens = stack.pop()
        if isinstance(value, dict):
            yield Node(value, tokens)
            stack.extend((child, (*tokens, key)) for key, child in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((child, (*tokens, i)) for i, child in reversed(list(enumerate(value))))


@dataclass(frozen=True)
class Operation:
    """One operation of the swagger with the path item that holds it."""

    path: str
    method: str
    node: Node
    path_item: Node

    def at(self, *more: Token) -> str:
        """The JSON pointer of a place in this operation."""
        return self.node.at(*more)

    @property
    def operation_id(self) -> str | None:
        """The operationId when it is a non-blank string."""
        return text(self.node.value.get("operationId"))

    @property
    def is_trigger(self) -> bool:
        """Whether the operation is marked ``x-ms-trigger``."""
        return "x-ms-trigger" in self.node.value


class _LastSwagger:
    """Results computed for the swagger seen last: the rules of one run share them."""

    def __init__(self) -> None:
        self.swagger: object = None
        self.values: dict[object, Any] = {}

    def get(self, swagger: object, key: object, compute: Callable[[], T]) -> T:
        if swagger is not self.swagger:
            self.swagger, self.values = swagger, {}
        if key not in self.values:
            self.values[key] = compute()
        result: T = self.values[key]
        return result


LAST = _LastSwagger()


def operations(swagger: JsonObject | None) -> Iterator[Operation]:
    """Every operation object under ``paths``, in document order."""
    if swagger is None:
        return iter(())
    return iter(LAST.get(swagger, "operations", lambda: list(_operations(swagger))))


def _operations(swagger: JsonObject | None) -> Iterator[Operation]:
    paths = as_object(swagger.get("paths")) if swagger is not None else None
    for path, item in members(paths):
        if not isinstance(item, dict) or path.startswith("x-"):
            continue
        path_item = Node(item, ("paths", path))
        for method in METHODS:
            node = path_item.child(method)
            if node is not None:
                yield Operation(path, method, node, path_item)


def operation_index(swagger: JsonObject | None) -> dict[str, Operation]:
    """Operations by operationId; the first one wins when an id repeats."""
    index: dict[str, Operation] = {}
    for op in operations(swagger):
        if op.operation_id is not None:
            index.setdefault(op.operation_id, op)
    return index


def parameters(swagger: JsonObject | None, op: Operation) -> list[Node]:
    """Effective parameters of an operation: path-level ones overridden by its own, resolved."""
    if swagger is None:
        return _parameters(swagger, op)
    return LAST.get(swagger, ("parameters", op.node.tokens), lambda: _parameters(swagger, op))


def _parameters(swagger: JsonObject | None, op: Operation) -> list[Node]:
    found: dict[tuple[str | None, str | None], Node] = {}
    for holder in (op.path_item, op.node):
        for index, raw in elements(holder.value.get("parameters")):
            if not isinstance(raw, dict):
                continue
            node = resolve(swagger, Node(raw, (*holder.tokens, "parameters", index)))
            if node is not None:
                found[(text(node.value.get("name")), text(node.value.get("in")))] = node
    return list(found.values())


def parameter_definitions(swagger: JsonObject | None) -> Iterator[Node]:
    """Every parameter object where it is written (global, path level, operation), not $refs."""
    if swagger is None:
        return
    for name, raw in members(swagger.get("parameters")):
        if isinstance(raw, dict):
            yield Node(raw, ("parameters", name))
    holders: dict[Tokens, Node] = {}
    for op in operations(swagger):
        holders.setdefault(op.path_item.tokens, op.path_item)
        holders[op.node.tokens] = op.node
    for holder in holders.values():
        for index, raw in elements(holder.value.get("parameters")):
            if isinstance(raw, dict) and "$ref" not in raw:
                yield Node(raw, (*holder.tokens, "parameters", index))


def body_schema(swagger: JsonObject | None, op: Operation) -> Node | None:
    """The resolved schema of the operation's body parameter, if any."""
    for param in parameters(swagger, op):
        if param.value.get("in") == "body":
            return resolve(swagger, param.child("schema"))
    return None


def schema_properties(swagger: JsonObject | None, schema: Node | None) -> dict[str, Node]:
    """The declared properties of a schema object, each resolved."""
    schema = resolve(swagger, schema)
    props = schema.child("properties") if schema is not None else None
    if props is None:
        return {}
    resolved = {name: resolve(swagger, props.child(name)) for name in props.value}
    return {name: node for name, node in resolved.items() if node is not None}


def success_schema(swagger: JsonObject | None, op: Operation) -> Node | None:
    """The resolved schema of the first 2xx response that declares one."""
    responses = op.node.child("responses")
    if responses is None:
        return None
    for code in sorted(key for key in responses.value if is_success_code(key)):
        response = resolve(swagger, responses.child(code))
        schema = resolve(swagger, response.child("schema")) if response is not None else None
        if schema is not None:
            return schema
    return None


def is_success_code(code: str) -> bool:
    """Whether a response key is a 2xx status code."""
    return len(code) == 3 and code.startswith("2") and code.isdigit()


def walk_strings(value: object, tokens: Tokens = ()) -> Iterator[tuple[str, Tokens]]:
    """Every string in a JSON value with its location, without recursion."""
    stack: list[tuple[object, Tokens]] = [(value, tokens)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, str):
            yield current, where
        elif isinstance(current, dict):
            stack.extend((child, (*where, key)) for key, child in reversed(current.items()))
        elif isinstance(current, list):
            stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(current))))
