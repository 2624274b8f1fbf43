"""Webhook trigger contract: notification url and content, the delete, the output (VAL-25/54/56)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.shapes import (
    JsonObject,
    Node,
    Operation,
    as_object,
    body_schema,
    is_success_code,
    operations,
    parameters,
    resolve,
    schema_properties,
    strings,
)

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


def webhooks(swagger: JsonObject | None) -> Iterator[tuple[Operation, list[list[Link]]]]:
    """Trigger operations whose body carries a notification url property."""
    for op in operations(swagger):
        urls = notification_urls(swagger, op) if op.is_trigger else []
        if urls:
            yield op, urls


@rule(
    "VAL-25",
    Level.ERROR,
    "webhook triggers: notification url; path-level notification content and a DELETE (warnings)",
    "D-VAL; D-WH",
    "run time: without a notification url property the platform cannot hand the service its "
    "callback, so the trigger never fires",
)
def webhook_pieces(ctx: Context) -> Iterator[Finding]:
    found = [op for op, _ in webhooks(ctx.swagger)]
    for op in found:
        yield from _notification_content(ctx, op)
    hooked = {(op.path, op.method) for op in found}
    for op in operations(ctx.swagger):
        has_content = NOTIFICATION_CONTENT in op.path_item.value
        if op.is_trigger and has_content and (op.path, op.method) not in hooked:
            message = f"a webhook trigger needs a body property marked '{NOTIFICATION_URL}'"
            yield ctx.report(SWAGGER, op.at(), message)
    if found and not any(op.method == "delete" for op in operations(ctx.swagger)):
        message = "webhook triggers need a DELETE operation to remove their subscription"
        yield ctx.report(SWAGGER, pointer("paths"), message, Level.WARNING)


def _notification_content(ctx: Context, op: Operation) -> Iterator[Finding]:
    content = op.path_item.value.get(NOTIFICATION_CONTENT)
    if content is None:
        # the trigger still fires; only the designer's knowledge of its output is missing
        message = f"webhook trigger '{op.operation_id}' needs path-level '{NOTIFICATION_CONTENT}'"
        yield ctx.report(SWAGGER, op.path_item.pointer, message, Level.WARNING)
    elif not isinstance((as_object(content) or {}).get("schema"), dict):
        where = op.path_item.at(NOTIFICATION_CONTENT)
        yield ctx.report(SWAGGER, where, "'schema' (an object) is required", Level.WARNING)


@rule(
    "VAL-56",
    Level.WARNING,
    "the notification url property is a string (another type: error), internal and required",
    "D-VAL; D-EXT",
    "run time: the platform writes its callback URL, a string, into the property",
)
def notification_url_property(ctx: Context) -> Iterator[Finding]:
    for op, chains in webhooks(ctx.swagger):
        yield from _body_required(ctx, op)
        for chain in chains:
            yield from _url_property(ctx, chain)


def _body_required(ctx: Context, op: Operation) -> Iterator[Finding]:
    for param in parameters(ctx.swagger, op):
        if param.value.get("in") == "body" and param.value.get("required") is not True:
            message = "the webhook body parameter should be required"
            yield ctx.report(SWAGGER, param.pointer, message, Level.WARNING)


def _url_property(ctx: Context, chain: list[Link]) -> Iterator[Finding]:
    prop = chain[-1].child
    kind = prop.value.get("type")
    if kind is None:
        # untyped accepts the URL string (a certified connector ships it so)
        message = f"the '{NOTIFICATION_URL}' property should say 'type: string'"
        yield ctx.report(SWAGGER, prop.pointer, message)
    elif kind != "string":
        message = f"the '{NOTIFICATION_URL}' property must be a string, not {kind!r}"
        yield ctx.report(SWAGGER, prop.pointer, message, Level.ERROR)
    if not any(link.child.value.get("x-ms-visibility") == "internal" for link in chain):
        message = f"the '{NOTIFICATION_URL}' property must be 'x-ms-visibility: internal'"
        yield ctx.report(SWAGGER, prop.pointer, message)
    for link in chain:
        if link.name not in strings(link.parent.value.get("required")):
            message = f"'{link.name}' must be listed in 'required' (it leads to the callback url)"
            yield ctx.report(SWAGGER, link.parent.pointer, message)


@rule(
    "VAL-54",
    Level.WARNING,
    "webhook triggers put their output in x-ms-notification-content, not a 2xx response schema",
    "D-VAL (SchemaDefinitionSetIncorrectly)",
)
def webhook_output(ctx: Context) -> Iterator[Finding]:
    for op, _ in webhooks(ctx.swagger):
        responses = op.node.child("responses")
        for code in responses.value if responses is not None else ():
            response = resolve(ctx.swagger, responses.child(code)) if responses else None
            # an empty schema describes no output: CERT-15 reports it, once
            schema = response.value.get("schema") if response is not None else None
            if is_success_code(code) and response is not None and schema not in (None, {}):
                message = f"the webhook's output belongs in '{NOTIFICATION_CONTENT}'"
                yield ctx.report(SWAGGER, response.at("schema"), message)
