"""The x-ms-* extension catalogue (VAL-44) and rules on single extensions and enums."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import SWAGGER
from generator.validate.registry import rule
from generator.validate.rules_webhook import notification_urls
from generator.validate.shapes import Node, elements, operation_index, operations, text
from generator.validate.walk import Role, of_role, role_list

Shape = Callable[[object], str | None]


def _string(value: object) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _object(value: object) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


def _array(value: object) -> str | None:
    return None if isinstance(value, list) else "must be an array"


def _any(value: object) -> str | None:
    return None


def _one_of(*allowed: object) -> Shape:
    def check(value: object) -> str | None:
        if value in allowed and type(value) in {type(a) for a in allowed}:
            return None
        return "must be one of: " + ", ".join(str(a) for a in allowed)

    return check


def _object_with(*keys: str) -> Shape:
    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return "must be an object"
        missing = [key for key in keys if key not in value]
        return f"needs {', '.join(repr(k) for k in missing)}" if missing else None

    return check


@dataclass(frozen=True)
class Extension:
    """Where an extension may appear, the shape of its value, and how bad a wrong shape is."""

    roles: frozenset[Role]
    shape: Shape
    level: Level = Level.WARNING


_P, _S, _O = Role.PARAMETER, Role.SCHEMA, Role.OPERATION
_PS = frozenset({_P, _S, Role.ITEMS})


def _at(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


# Positions and shapes from D-EXT, the PPC swagger schema and certified connectors (newer ones).
CATALOGUE: dict[str, Extension] = {
    "x-ms-summary": Extension(_at(_P, _S, _O, Role.RESPONSE, Role.HEADER, Role.ITEMS), _string),
    "x-ms-visibility": Extension(
        _at(_P, _S, _O, Role.ITEMS, Role.PATH), _one_of("important", "advanced", "internal")
    ),
    "x-ms-trigger": Extension(_at(_O), _one_of("single", "batch")),
    "x-ms-trigger-hint": Extension(_at(_O), _string),
    "x-ms-trigger-metadata": Extension(_at(_O), _object),
    "x-ms-notification-content": Extension(_at(Role.PATH), _object_with("schema")),
    "x-ms-notification-url": Extension(_at(_S, _P), _one_of(True)),
    "x-ms-notification": Extension(_at(_O), _object_with("operationId")),
    "x-ms-url-encoding": Extension(_at(_P), _one_of("single", "double")),
    "x-ms-dynamic-values": Extension(_PS, _object),
    "x-ms-dynamic-list": Extension(_PS, _object),
    "x-ms-dynamic-schema": Extension(_PS, _object_with("operationId")),
    "x-ms-dynamic-properties": Extension(_PS, _object_with("operationId")),
    "x-ms-dynamic-tree": Extension(_PS, _object),
    "x-ms-capabilities": Extension(_at(Role.ROOT, _O, _P, _S), _object),
    "x-ms-api-annotation": Extension(_at(Role.INFO, _O), _object),
    "x-ms-operation-context": Extension(_at(_O), _object),
    "x-ms-connector-metadata": Extension(_at(Role.ROOT), _array),
    "x-ms-enum-values": Extension(_PS, _array),
    "x-ms-pageable": Extension(_at(_O), _object),
    "x-ms-openai-data": Extension(_at(_O), _object),
    "x-ms-openai-manifest": Extension(_at(Role.ROOT), _object),
    "x-ms-openai-component": Extension(_at(_O, _P, _S), _any),
    "x-ms-no-generic-test": Extension(_at(_O), _boolean),
    "x-ms-safe-operation": Extension(_at(_O), _boolean),
    "x-ms-test-value": Extension(_PS, _any),
    "x-ms-localizeDefaultValue": Extension(_PS, _boolean),
    "x-ms-trigger-value": Extension(_PS, _any),
    "x-ms-media-kind": Extension(_PS, _one_of("image", "audio")),
    "x-ms-docs": Extension(_at(Role.ROOT, _O), _any),
    "x-ms-deployment-version": Extension(_at(Role.INFO), _string),
    "x-ms-keywords": Extension(_at(Role.ROOT, Role.INFO, _O), _any),
    "x-ms-editor": Extension(_PS, _string),
    "x-ms-editor-options": Extension(_PS, _object),
    "x-ms-property-name-alias": Extension(_at(_S), _string),
    "x-ms-require-user-confirmation": Extension(_at(_O), _boolean),
    "x-ms-explicit-input": Extension(_PS, _boolean),
    "x-ms-dynamic-values-ext": Extension(_PS, _object),
    "x-ms-sort": Extension(_PS, _any),
    "x-ms-permission": Extension(_PS, _any),
    "x-ms-content-hint": Extension(_PS, _any),
    "x-ms-agentic-protocol": Extension(_at(_O), _any),
    "x-ms-mcp": Extension(_at(_O, Role.ROOT), _any),
}
# A wrong x-ms-trigger value leaves the operation no trigger kind, so it is an error. A wrong
# x-ms-visibility or x-ms-url-encoding falls back to the default (certified connectors ship
# "Advanced" and ""): a warning. A webhook without a true x-ms-notification-url is VAL-25's error.
for _name in ("x-ms-trigger",):
    CATALOGUE[_name] = Extension(CATALOGUE[_name].roles, CATALOGUE[_name].shape, Level.ERROR)


@rule(
    "VAL-44",
    Level.WARNING,
    "x-ms-* extensions are known, in an allowed position, with an allowed value shape",
    "D-EXT; D-VAL (AdditionalPropertyNotAllowed); PPC schemas/apiDefinition.swagger.schema.json",
    "run time: an x-ms-trigger value other than single or batch leaves the operation no trigger "
    "kind (error; other extensions: warning)",
)
def extension_catalogue(ctx: Context) -> Iterator[Finding]:
    for role, node in role_list(ctx.swagger):
        for key, value in node.value.items():
            if isinstance(key, str) and key.startswith("x-ms-"):
                yield from _extension(ctx, role, node, key, value)


def _extension(ctx: Context, role: Role, node: Node, key: str, value: object) -> Iterator[Finding]:
    known = CATALOGUE.get(key)
    where = node.at(key)
    if known is None:
        yield ctx.report(SWAGGER, where, f"'{key}' is not a known extension")
        return
    if role not in known.roles:
        allowed = ", ".join(sorted(r.value for r in known.roles))
        message = f"'{key}' is not allowed in {role.value} (allowed in: {allowed})"
        yield ctx.report(SWAGGER, where, message)
    problem = known.shape(value)
    if problem is not None:
        yield ctx.report(SWAGGER, where, f"'{key}' {problem}", known.level)


@rule(
    "VAL-09",
    Level.WARNING,
    "x-ms-dynamic-schema/-properties sit in the body parameter's schema, not on the parameter",
    "D-VAL (DynamicExtensionDefinitionNotAllowedInParameter); PPC schema",
)
def dynamic_on_body_parameter(ctx: Context) -> Iterator[Finding]:
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("in") != "body":
            continue
        for key in ("x-ms-dynamic-schema", "x-ms-dynamic-properties"):
            if key in param.value:
                message = f"'{key}' belongs in the body parameter's 'schema'"
                yield ctx.report(SWAGGER, param.at(key), message)


NEXT_LINK_NAMES = ("nextLink", "@odata.nextLink")


@rule(
    "VAL-16",
    Level.WARNING,
    "x-ms-pageable nextLinkName is 'nextLink' or '@odata.nextLink'",
    "D-VAL (InvalidNextLinkNameValue)",
)
def next_link_name(ctx: Context) -> Iterator[Finding]:
    for op in operations(ctx.swagger):
        pageable = op.node.child("x-ms-pageable")
        name = pageable.value.get("nextLinkName") if pageable is not None else None
        if pageable is not None and name not in NEXT_LINK_NAMES:
            message = f"nextLinkName {name!r} is not one of: {', '.join(NEXT_LINK_NAMES)}"
            yield ctx.report(SWAGGER, pageable.at("nextLinkName"), message)


@rule(
    "VAL-19",
    Level.ERROR,
    "x-ms-notification only on polling triggers, naming an existing webhook trigger",
    "D-VAL (NotificationExtensionNotSupportedInWebhookOperation, ...MustBeWebhook)",
    "run time: the polling trigger hands over to an operation that is not a webhook trigger",
)
def notification_extension(ctx: Context) -> Iterator[Finding]:
    index = operation_index(ctx.swagger)
    for op in operations(ctx.swagger):
        node = op.node.child("x-ms-notification")
        if node is None:
            continue
        if not op.is_trigger or notification_urls(ctx.swagger, op):
            message = "'x-ms-notification' belongs on a polling trigger"
            yield ctx.report(SWAGGER, node.pointer, message, Level.WARNING)
        target = index.get(text(node.value.get("operationId")) or "")
        if target is None:
            message = f"no operation has the operationId {node.value.get('operationId')!r}"
            yield ctx.report(SWAGGER, node.at("operationId"), message)
        elif not (target.is_trigger and notification_urls(ctx.swagger, target)):
            message = f"'{target.operation_id}' is not a webhook trigger"
            yield ctx.report(SWAGGER, node.at("operationId"), message)


@rule(
    "VAL-40",
    Level.WARNING,
    "no x-ms-url-encoding on query parameters",
    "D-VAL (QueryParameterEncodingNotSupported)",
)
def query_encoding(ctx: Context) -> Iterator[Finding]:
    for param in of_role(ctx.swagger, Role.PARAMETER):
        if param.value.get("in") == "query" and "x-ms-url-encoding" in param.value:
            message = "'x-ms-url-encoding' is not supported on query parameters"
            yield ctx.report(SWAGGER, param.at("x-ms-url-encoding"), message)


@rule(
    "VAL-07",
    Level.WARNING,
    "x-ms-enum-values lists each value once",
    "D-VAL (DuplicateEnumValuesInExtension)",
)
def enum_values_unique(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, Role.PARAMETER, Role.SCHEMA, Role.ITEMS):
        seen: set[str] = set()
        for index, entry in elements(node.value.get("x-ms-enum-values")):
            value = entry.get("value") if isinstance(entry, dict) else None
            key = repr(value)
            if isinstance(entry, dict) and key in seen:
                message = f"value {value!r} is listed twice"
                yield ctx.report(SWAGGER, node.at("x-ms-enum-values", index), message)
            seen.add(key)


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


@rule(
    "VAL-14",
    Level.WARNING,
    "enum values fit the type; x-ms-enum-values values are in 'enum'",
    "D-VAL (InvalidEnumValue, InvalidEnumValuesExtensionValue)",
)
def enum_values(ctx: Context) -> Iterator[Finding]:
    for node in of_role(ctx.swagger, Role.PARAMETER, Role.SCHEMA, Role.ITEMS):
        kind = node.value.get("type")
        enum = node.value.get("enum")
        for index, value in elements(enum):
            if not matches_type(value, kind):
                message = f"enum value {value!r} is not of type {kind}"
                yield ctx.report(SWAGGER, node.at("enum", index), message)
        if not isinstance(enum, list):
            continue
        for index, entry in elements(node.value.get("x-ms-enum-values")):
            value = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(entry, dict) and value not in enum:
                message = f"x-ms-enum-values value {value!r} is not in 'enum'"
                yield ctx.report(SWAGGER, node.at("x-ms-enum-values", index, "value"), message)
