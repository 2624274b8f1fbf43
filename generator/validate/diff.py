"""Breaking changes between two versions of a connector: operations, inputs, outputs, triggers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from generator.errors import ConnectorReadError
from generator.validate.context import Context
from generator.validate.reader import PROPERTIES, SWAGGER, decode
from generator.validate.rules.common import notification_urls, parameter_maps
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    operations,
    parameters,
    resolve,
    strings,
    success_schema,
    text,
)

MAX_DEPTH = 8
HIDDEN = "internal"


class Impact(StrEnum):
    """Whether existing flows and connections keep working after the change."""

    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"


@dataclass(frozen=True, order=True)
class Change:
    """One difference: the operation it concerns, where it is, and what it means."""

    operation: str
    file: str
    pointer: str
    side: str  # "old" when the pointer is into the old file (something removed), else "new"
    impact: Impact
    kind: str
    message: str

    def render(self) -> str:
        """One readable line."""
        where = f"{self.side}:{self.file}#{self.pointer}"
        op = f" {self.operation}" if self.operation else ""
        return f"{self.impact.value} {self.kind}{op} {where}: {self.message}"


@dataclass(frozen=True)
class Field:
    """An input or output value of an operation, flattened to a path."""

    name: str
    node: Node
    required: bool

    @property
    def kind(self) -> str:
        return type_name(self.node.value)

    @property
    def visibility(self) -> str:
        value = self.node.value.get("x-ms-visibility")
        return value if isinstance(value, str) else "none"


@dataclass(frozen=True)
class Side:
    """One version of the connector."""

    swagger: JsonObject | None
    properties: JsonObject | None


def diff_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[Change]:
    """Every change from ``old`` to ``new`` with its impact, breaking changes first."""
    before, after = _side(old), _side(new)
    changes = [*_operation_changes(before, after), *_connection_changes(before, after)]
    return sorted(set(changes), key=lambda c: (c.impact is not Impact.BREAKING, c))


def comparable(files: Mapping[str, bytes], where: str) -> Mapping[str, bytes]:
    """The files when they can be compared; raises ConnectorReadError for a connector without a
    readable swagger (or with an unreadable apiProperties.json), which would otherwise look like
    one whose every operation was removed."""
    for name in (SWAGGER, PROPERTIES):
        if name not in files:
            if name == SWAGGER:
                raise ConnectorReadError(f"{where}: cannot compare: {SWAGGER} is missing")
            continue
        decoded = decode(files[name])
        problem = decoded.problem
        if problem is None and not isinstance(decoded.value, dict):
            problem = "its root is not a JSON object"
        if problem is not None:
            raise ConnectorReadError(f"{where}: cannot compare: {name}: {problem}")
    return files


def _side(files: Mapping[str, bytes]) -> Side:
    ctx = Context.from_files(files)
    return Side(ctx.swagger, ctx.properties)


def _ids(swagger: JsonObject | None) -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    for op in operations(swagger):
        found.setdefault(op.operation_id or f"{op.method.upper()} {op.path}", op)
    return found


def _operation_changes(before: Side, after: Side) -> Iterator[Change]:
    old_ops, new_ops = _ids(before.swagger), _ids(after.swagger)
    by_place = {(op.path, op.method): op_id for op_id, op in new_ops.items()}
    for op_id, op in old_ops.items():
        if op_id in new_ops:
            yield from _operation_change(before, after, op_id, op, new_ops[op_id])
        elif (op.path, op.method) in by_place:
            renamed = by_place[(op.path, op.method)]
            message = f"operationId '{op_id}' became '{renamed}'; flows using it break"
            yield _broke(op_id, op.at("operationId"), "old", "operation-renamed", message)
        else:
            message = f"operation '{op_id}' ({op.method.upper()} {op.path}) was removed"
            yield _broke(op_id, op.at(), "old", "operation-removed", message)
    renamed_to = {by_place.get((op.path, op.method)) for op in old_ops.values()}
    for op_id, op in new_ops.items():
        if op_id not in old_ops and op_id not in renamed_to:
            message = f"operation '{op_id}' ({op.method.upper()} {op.path}) was added"
            yield _fine(op_id, op.at(), "new", "operation-added", message)


def _broke(op: str, where: str, side: str, kind: str, message: str) -> Change:
    return Change(op, SWAGGER, where, side, Impact.BREAKING, kind, message)


def _fine(op: str, where: str, side: str, kind: str, message: str) -> Change:
    return Change(op, SWAGGER, where, side, Impact.NON_BREAKING, kind, message)


def _operation_change(
    before: Side, after: Side, op_id: str, old: Operation, new: Operation
) -> Iterator[Change]:
    if (old.path, old.method) != (new.path, new.method):
        message = f"moved from {old.method.upper()} {old.path} to {new.method.upper()} {new.path}"
        yield _fine(op_id, new.at(), "new", "operation-moved", message)
    yield from _visibility(op_id, old.node, new.node, "operation")
    yield from _trigger_changes(before, after, op_id, old, new)
    old_inputs, new_inputs = _inputs(before.swagger, old), _inputs(after.swagger, new)
    yield from _input_changes(op_id, old_inputs, new_inputs)
    old_out = _outputs(before.swagger, success_schema(before.swagger, old))
    new_out = _outputs(after.swagger, success_schema(after.swagger, new))
    yield from _output_changes(op_id, old_out, new_out, "response")


def _visibility(op_id: str, old: Node, new: Node, what: str) -> Iterator[Change]:
    was, now = old.value.get("x-ms-visibility"), new.value.get("x-ms-visibility")
    if was == now:
        return
    message = f"{what} visibility changed from {was or 'none'} to {now or 'none'}"
    if now == HIDDEN:
        yield _broke(op_id, new.pointer, "new", "visibility-changed", message)
    else:
        yield _fine(op_id, new.pointer, "new", "visibility-changed", message)


def trigger_kind(swagger: JsonObject | None, op: Operation) -> str:
    """'action', 'webhook' (notification url in the body) or 'polling'."""
    if not op.is_trigger:
        return "action"
    return "webhook" if notification_urls(swagger, op) else "polling"


def _trigger_changes(
    before: Side, after: Side, op_id: str, old: Operation, new: Operation
) -> Iterator[Change]:
    was, now = trigger_kind(before.swagger, old), trigger_kind(after.swagger, new)
    if was != now:
        yield _broke(op_id, new.at(), "new", "trigger-changed", f"{was} became {now}")
    old_mode, new_mode = old.node.value.get("x-ms-trigger"), new.node.value.get("x-ms-trigger")
    if was == now != "action" and old_mode != new_mode:
        message = f"x-ms-trigger changed from {old_mode} to {new_mode}"
        yield _broke(op_id, new.at("x-ms-trigger"), "new", "trigger-changed", message)
    if was == now == "webhook":
        old_out = _outputs(before.swagger, _notification_schema(before.swagger, old))
        new_out = _outputs(after.swagger, _notification_schema(after.swagger, new))
        yield from _output_changes(op_id, old_out, new_out, "notification")


def _notification_schema(swagger: JsonObject | None, op: Operation) -> Node | None:
    content = op.path_item.child("x-ms-notification-content")
    return resolve(swagger, content.child("schema")) if content is not None else None


def _inputs(swagger: JsonObject | None, op: Operation) -> dict[str, Field]:
    """Parameters by name; a body's top-level properties as ``body/<name>``."""
    found: dict[str, Field] = {}
    for param in parameters(swagger, op):
        name, where = text(param.value.get("name")), param.value.get("in")
        required = param.value.get("required") is True
        if name is None:
            continue
        if where != "body":
            found[f"{where}/{name}"] = Field(name, param, required)
            continue
        schema = resolve(swagger, param.child("schema"))
        found["body"] = Field(name, schema or param, required)
        for prop, field in _properties(swagger, schema).items():
            found[f"body/{prop}"] = field
    return found


def _properties(swagger: JsonObject | None, schema: Node | None) -> dict[str, Field]:
    props = schema.child("properties") if schema is not None else None
    if schema is None or props is None:
        return {}
    required = strings(schema.value.get("required"))
    found = {}
    for name in props.value:
        node = resolve(swagger, props.child(name))
        if node is not None:
            found[name] = Field(name, node, name in required)
    return found


def _outputs(swagger: JsonObject | None, schema: Node | None) -> dict[str, Field]:
    """Every declared property below a schema, as 'a/b' (arrays as 'a[]/b'), bounded."""
    found: dict[str, Field] = {}
    stack: list[tuple[str, Node | None, int]] = [("", schema, 0)]
    while stack:
        prefix, node, depth = stack.pop()
        if node is None or depth > MAX_DEPTH:
            continue
        items = resolve(swagger, node.child("items")) if node.value.get("type") == "array" else None
        if items is not None:
            stack.append((f"{prefix}[]", items, depth + 1))
        for name, field in _properties(swagger, node).items():
            path = f"{prefix}/{name}" if prefix else name
            found[path] = field
            stack.append((path, field.node, depth + 1))
    return found


def type_name(schema: JsonObject) -> str:
    """'string', 'string/date-time', 'array<integer>' ...; 'any' when no type is given."""
    kind = schema.get("type")
    name = kind if isinstance(kind, str) else "any"
    if isinstance(schema.get("format"), str):
        name += f"/{schema['format']}"
    items = as_object(schema.get("items"))
    if name == "array" and items is not None and "$ref" not in items:
        name += f"<{type_name(items)}>"
    return name


def _input_changes(op_id: str, old: dict[str, Field], new: dict[str, Field]) -> Iterator[Change]:
    for name, was in old.items():
        now = new.get(name)
        if now is None:
            yield _broke(op_id, was.node.pointer, "old", "input-removed", f"'{name}' was removed")
            continue
        if now.required and not was.required:
            message = f"'{name}' became required"
            yield _broke(op_id, now.node.pointer, "new", "input-now-required", message)
        elif was.required and not now.required:
            message = f"'{name}' became optional"
            yield _fine(op_id, now.node.pointer, "new", "input-now-optional", message)
        yield from _type_change(op_id, name, was, now, "input")
        yield from _visibility(op_id, was.node, now.node, f"input '{name}'")
    for name, now in new.items():
        if name not in old and now.required and "default" not in now.node.value:
            message = f"new required input '{name}' without a default"
            yield _broke(op_id, now.node.pointer, "new", "input-added-required", message)
        elif name not in old:
            yield _fine(op_id, now.node.pointer, "new", "input-added", f"'{name}' was added")


def _type_change(op_id: str, name: str, was: Field, now: Field, what: str) -> Iterator[Change]:
    if was.kind != now.kind:
        message = f"{what} '{name}' changed type from {was.kind} to {now.kind}"
        kind = f"{what.split()[0]}-type-changed"
        yield _broke(op_id, now.node.pointer, "new", kind, message)


def _output_changes(
    op_id: str, old: dict[str, Field], new: dict[str, Field], what: str
) -> Iterator[Change]:
    for name, was in old.items():
        now = new.get(name)
        if now is None:
            message = f"{what} property '{name}' was removed"
            yield _broke(op_id, was.node.pointer, "old", f"{what}-property-removed", message)
        else:
            yield from _type_change(op_id, name, was, now, f"{what} property")
    for name, now in new.items():
        if name not in old:
            message = f"{what} property '{name}' was added"
            yield _fine(op_id, now.node.pointer, "new", f"{what}-property-added", message)


def _connection_parameters(props: JsonObject | None) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for params in parameter_maps(props):
        for name in params.value:
            node = params.child(name)
            if node is not None:
                found.setdefault(name, node)
    return found


def _connection_changes(before: Side, after: Side) -> Iterator[Change]:
    old, new = _connection_parameters(before.properties), _connection_parameters(after.properties)
    for name, node in new.items():
        if name in old:
            yield from _connection_type(name, old[name], node)
        elif _is_required_connection_parameter(node.value):
            message = f"new required connection parameter '{name}'; existing connections lack it"
            yield Change(
                "", PROPERTIES, node.pointer, "new", Impact.BREAKING, "connection-added", message
            )
    for name, node in old.items():
        if name not in new:
            message = f"connection parameter '{name}' was removed"
            yield Change(
                "",
                PROPERTIES,
                node.pointer,
                "old",
                Impact.NON_BREAKING,
                "connection-removed",
                message,
            )


def _connection_type(name: str, old: Node, new: Node) -> Iterator[Change]:
    if old.value.get("type") != new.value.get("type"):
        message = f"connection parameter '{name}' changed type"
        yield Change(
            "", PROPERTIES, new.at("type"), "new", Impact.BREAKING, "connection-changed", message
        )


def _is_required_connection_parameter(parameter: JsonObject) -> bool:
    ui = as_object(parameter.get("uiDefinition")) or {}
    constraints = as_object(ui.get("constraints")) or {}
    return str(constraints.get("required", "")).lower() == "true"


def render_text(changes: list[Change]) -> str:
    """One line per change and a closing count."""
    lines = [change.render() for change in changes]
    breaking = sum(1 for c in changes if c.impact is Impact.BREAKING)
    lines.append(f"{breaking} breaking, {len(changes) - breaking} non-breaking changes")
    return "".join(line + "\n" for line in lines)


def render_json(changes: list[Change]) -> str:
    """The changes as a JSON document."""
    breaking = sum(1 for c in changes if c.impact is Impact.BREAKING)
    document = {
        "summary": {"breaking": breaking, "non-breaking": len(changes) - breaking},
        "changes": [
            {
                "impact": c.impact.value,
                "kind": c.kind,
                "operation": c.operation,
                "file": c.file,
                "side": c.side,
                "pointer": c.pointer,
                "message": c.message,
            }
            for c in changes
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
