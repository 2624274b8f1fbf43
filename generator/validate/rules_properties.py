"""Rules on apiProperties.json alone (AP-01 to AP-04, AP-07, CERT-19, CERT-20)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import PROPERTIES
from generator.validate.registry import rule
from generator.validate.shapes import JsonObject, Node, as_object, elements, text

ROOT_KEYS = frozenset({"properties", "$schema"})
PROPERTY_KEYS = frozenset(
    {
        "iconBrandColor",
        "publisher",
        "stackOwner",
        "capabilities",
        "connectionParameters",
        "connectionParameterSets",
        "policyTemplateInstances",
        "scriptOperations",
    }
)
# Keys whose misplacement at the root loses configuration (AP-01 error, not warning).
BEHAVIOUR_KEYS = PROPERTY_KEYS - {"iconBrandColor", "publisher", "stackOwner"}
FORBIDDEN_COLORS = frozenset({"#ffffff", "#007ee5"})
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _properties(ctx: Context) -> Node | None:
    value = ctx.properties
    return Node(value, ("properties",)) if value is not None else None


@rule(
    "AP-01",
    Level.ERROR,
    "the root holds only 'properties' (and '$schema'); stray descriptive keys are warnings",
    "PPC schema; MIRROR-STATS",
    "run time: auth, policies and script operations are read from 'properties' only",
)
def root_shape(ctx: Context) -> Iterator[Finding]:
    if PROPERTIES not in ctx.documents:
        return
    root = as_object(ctx.documents[PROPERTIES])
    if root is None:
        yield ctx.report(PROPERTIES, "", "the root must be an object")
        return
    if "properties" not in root:
        yield ctx.report(PROPERTIES, "", "'properties' is required")
    elif not isinstance(root["properties"], dict):
        yield ctx.report(PROPERTIES, "/properties", "'properties' must be an object")
    for key in sorted(root.keys() - ROOT_KEYS):
        message = f"'{key}' is not allowed here"
        if key in BEHAVIOUR_KEYS:
            # auth, policies or script operations placed here are not read: the connector breaks
            yield ctx.report(PROPERTIES, pointer(key), message)
        else:
            # Certified connectors ship stray descriptive keys (publisher, stackOwner,
            # iconBrandColor) next to 'properties'; the platform ignores them.
            yield ctx.report(PROPERTIES, pointer(key), f"{message} and is ignored", Level.WARNING)


@rule(
    "AP-02",
    Level.ERROR,
    "properties.iconBrandColor is present",
    "PPC schema",
    "import: the apiProperties schema requires it, and pac and paconn send it",
)
def brand_color_present(ctx: Context) -> Iterator[Finding]:
    props = _properties(ctx)
    if props is not None and not isinstance(props.value.get("iconBrandColor"), str):
        yield ctx.report(PROPERTIES, props.pointer, "'iconBrandColor' (a string) is required")


@rule("AP-03", Level.WARNING, "no unknown keys under properties", "PPC download.py")
def known_keys(ctx: Context) -> Iterator[Finding]:
    props = _properties(ctx)
    for key in sorted(props.value.keys() - PROPERTY_KEYS) if props is not None else ():
        where = pointer("properties", key)
        yield ctx.report(PROPERTIES, where, f"'{key}' is not a known apiProperties key")


@rule(
    "CERT-19",
    Level.WARNING,
    "publisher and stackOwner are present",
    "D-CERT; PR#918; PR#523",
)
def publisher(ctx: Context) -> Iterator[Finding]:
    props = _properties(ctx)
    if props is None:
        return
    for key in ("publisher", "stackOwner"):
        if text(props.value.get(key)) is None:
            yield ctx.report(PROPERTIES, props.pointer, f"'{key}' is required for certification")


@rule(
    "CERT-20",
    Level.ERROR,
    "iconBrandColor is #RRGGBB (error) and not #ffffff or #007ee5 (warning)",
    "PPC pull_request_template; PPC README",
    "import: the apiProperties schema requires a #RRGGBB colour",
)
def brand_color(ctx: Context) -> Iterator[Finding]:
    props = _properties(ctx)
    color = props.value.get("iconBrandColor") if props is not None else None
    if props is None or not isinstance(color, str):
        return
    if not _COLOR.match(color):
        yield ctx.report(PROPERTIES, props.at("iconBrandColor"), f"'{color}' is not #RRGGBB")
    elif color.lower() in FORBIDDEN_COLORS:
        message = f"'{color}' is reserved; certified connectors use their own brand colour"
        yield ctx.report(PROPERTIES, props.at("iconBrandColor"), message, Level.WARNING)


TEMPLATE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "dynamichosturl": ("urlTemplate",),
    "setheader": ("name", "value"),
    "setqueryparameter": ("name", "value"),
    "routerequesttoendpoint": ("newPath",),
    "setproperty": (
        "newPropertyParentPathTemplate",
        "newPropertySubPathTemplate",
        "propertyValuePathTemplate",
    ),
    "setvaluefromurl": ("parameterTemplate", "parameterValueUrl", "parameterValuePathTemplate"),
    "pollingtrigger": ("triggerConfig", "triggerDataPath"),
    "updatenextlink": ("nextLinkPropertyName",),
    "convertarraytoobject": ("propertyParentPath", "keyWithinCollectionPath", "newPropertyPath"),
    "convertobjecttoarray": ("propertyParentPath", "newPropertyPath"),
    "encodepropertyvalue": ("propertyParentPath", "newPropertyPath"),
    "stringreplace": (
        "propertyParentPath",
        "sourceString",
        "replacementString",
        "newPropertyPath",
    ),
    "stringtoarray": (
        "propertyParentPath",
        "delimiterList",
        "childPropertyName",
        "newPropertyPath",
    ),
}
TEMPLATE_PARAMETER_PREFIX = "x-ms-apimTemplateParameter."


def policies(ctx: Context) -> Iterator[Node]:
    """Each policyTemplateInstances item that is an object."""
    props = ctx.properties
    for index, item in elements(props.get("policyTemplateInstances") if props else None):
        if isinstance(item, dict):
            yield Node(item, ("properties", "policyTemplateInstances", index))


@rule(
    "AP-07",
    Level.ERROR,
    "policy template instances have a templateId and that template's required parameters",
    "PPC schema",
    "run time: a policy without its template or the template's parameters cannot be applied",
)
def policy_templates(ctx: Context) -> Iterator[Finding]:
    props = _properties(ctx)
    instances = props.value.get("policyTemplateInstances") if props is not None else None
    if props is not None and instances is not None and not isinstance(instances, list):
        yield ctx.report(PROPERTIES, props.at("policyTemplateInstances"), "must be an array")
    for index, item in elements(instances):
        if not isinstance(item, dict):
            where = pointer("properties", "policyTemplateInstances", index)
            yield ctx.report(PROPERTIES, where, "must be an object")
    for policy in policies(ctx):
        yield from _template_parameters(ctx, policy)


def _template_parameters(ctx: Context, policy: Node) -> Iterator[Finding]:
    template = text(policy.value.get("templateId"))
    if template is None:
        yield ctx.report(PROPERTIES, policy.pointer, "'templateId' is required")
        return
    params = policy.child("parameters")
    where = params.pointer if params is not None else policy.pointer
    for name in TEMPLATE_PARAMETERS.get(template.lower(), ()):
        if params is None or TEMPLATE_PARAMETER_PREFIX + name not in params.value:
            message = f"template '{template}' needs '{TEMPLATE_PARAMETER_PREFIX}{name}'"
            yield ctx.report(PROPERTIES, where, message)


PARAMETER_TYPES = frozenset(
    {"string", "securestring", "int", "bool", "gatewaySetting", "oauthSetting"}
)
PARAMETER_KEY_PATTERNS = (
    re.compile(r"^[0-9a-zA-Z_]+$"),
    re.compile(r"^[0-9a-zA-Z_]+:(?!TenantId$)[0-9a-zA-Z_]+$"),
    re.compile(r"^token:TenantId$"),
)
# Names the schema does not allow but certified connectors use (hyphens): a warning, not an error.
_LENIENT_KEY = re.compile(r"^[0-9a-zA-Z_-]+(?::[0-9a-zA-Z_-]+)?$")
UI_KEYS = frozenset({"displayName", "description", "tooltip", "tabIndex", "constraints"})
CONSTRAINT_KEYS = frozenset(
    {"required", "clearText", "tabIndex", "hidden", "capability", "allowedValues", "dependencies"}
)


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


@rule(
    "AP-04",
    Level.ERROR,
    "connection parameters: key pattern, type, uiDefinition keys and constraint types",
    "PPC schema; MIRROR-STATS; PR#1421",
    "import: the service's apiProperties validator checks these shapes and types (PR#1421)",
)
def connection_parameters(ctx: Context) -> Iterator[Finding]:
    yield from _parameter_containers(ctx)
    for params in parameter_maps(ctx.properties):
        for name in params.value:
            yield from _connection_parameter(ctx, params, name)


def _parameter_containers(ctx: Context) -> Iterator[Finding]:
    """Shape problems of the containers that hold connection parameters."""
    props = _properties(ctx)
    if props is None:
        return
    for key in ("connectionParameters", "connectionParameterSets"):
        if key in props.value and not isinstance(props.value[key], dict):
            yield ctx.report(PROPERTIES, props.at(key), f"'{key}' must be an object")
    sets = props.child("connectionParameterSets")
    values = sets.value.get("values") if sets is not None else None
    if sets is not None and not isinstance(values, list):
        yield ctx.report(PROPERTIES, sets.pointer, "'values' (an array) is required")
    for index, value in elements(values):
        params = (as_object(value) or {}).get("parameters")
        if sets is not None and not isinstance(params, dict):
            where = sets.at("values", index)
            yield ctx.report(PROPERTIES, where, "'parameters' (an object) is required")


def _connection_parameter(ctx: Context, params: Node, name: str) -> Iterator[Finding]:
    where = params.at(name)
    if not any(pattern.match(name) for pattern in PARAMETER_KEY_PATTERNS):
        message = f"'{name}' is not a valid connection parameter name"
        if _LENIENT_KEY.match(name):
            message += " (letters, digits and '_'); certified connectors use '-' too"
            yield ctx.report(PROPERTIES, where, message, Level.WARNING)
        else:
            yield ctx.report(PROPERTIES, where, message)
    node = params.child(name)
    if node is None:
        yield ctx.report(PROPERTIES, where, "a connection parameter must be an object")
        return
    yield from _parameter_type(ctx, node)
    if "uiDefinition" in node.value:
        yield from _ui_definition(ctx, node, node.child("uiDefinition"))


def _parameter_type(ctx: Context, node: Node) -> Iterator[Finding]:
    kind = node.value.get("type")
    if isinstance(kind, str) and kind in PARAMETER_TYPES:
        return
    allowed = ", ".join(sorted(PARAMETER_TYPES))
    folded = {name.lower(): name for name in PARAMETER_TYPES}
    if isinstance(kind, str) and kind.lower() in folded:
        # the service reads the type case-insensitively (a certified connector writes
        # 'oAuthSetting')
        message = f"'type' is spelled '{kind}'; write '{folded[kind.lower()]}'"
        yield ctx.report(PROPERTIES, node.at("type"), message, Level.WARNING)
    else:
        yield ctx.report(PROPERTIES, node.at("type"), f"'type' must be one of: {allowed}")


def _ui_definition(ctx: Context, parameter: Node, ui: Node | None) -> Iterator[Finding]:
    if ui is None and parameter.value.get("uiDefinition") is None:
        # null means no uiDefinition; OAuth parameters need none (certified connectors)
        message = "uiDefinition is null; leave it out or give an object"
        yield ctx.report(PROPERTIES, parameter.at("uiDefinition"), message, Level.WARNING)
        return
    if ui is None:
        yield ctx.report(PROPERTIES, parameter.at("uiDefinition"), "must be an object")
        return
    for key in sorted(ui.value.keys() - UI_KEYS):
        # Unknown keys are ignored by the platform (certified connectors carry e.g. 'default').
        message = f"'{key}' is not allowed in uiDefinition and is ignored"
        yield ctx.report(PROPERTIES, ui.at(key), message, Level.WARNING)
    for key in ("displayName", "description", "tooltip"):
        if key in ui.value and not isinstance(ui.value[key], str):
            yield ctx.report(PROPERTIES, ui.at(key), f"'{key}' must be a string")
    if "tabIndex" in ui.value and not _is_int(ui.value["tabIndex"]):
        yield ctx.report(PROPERTIES, ui.at("tabIndex"), "'tabIndex' must be an integer")
    if "constraints" in ui.value:
        yield from _constraints(ctx, ui, ui.child("constraints"))


def _constraints(ctx: Context, ui: Node, constraints: Node | None) -> Iterator[Finding]:
    if constraints is None:
        yield ctx.report(PROPERTIES, ui.at("constraints"), "must be an object")
        return
    values = constraints.value
    for key in sorted(values.keys() - CONSTRAINT_KEYS):
        message = f"'{key}' is not allowed in constraints and is ignored"
        yield ctx.report(PROPERTIES, constraints.at(key), message, Level.WARNING)
    if "required" in values and values["required"] not in ("true", "false"):
        message = '\'required\' must be the string "true" or "false"'
        if isinstance(values["required"], bool):
            # Certified connectors write the JSON boolean and the platform accepts it.
            message += f", not the boolean {str(values['required']).lower()}"
            yield ctx.report(PROPERTIES, constraints.at("required"), message, Level.WARNING)
        else:
            yield ctx.report(PROPERTIES, constraints.at("required"), message)
    if "clearText" in values and not isinstance(values["clearText"], bool):
        yield ctx.report(PROPERTIES, constraints.at("clearText"), "'clearText' must be a boolean")
    if "tabIndex" in values and not _is_int(values["tabIndex"]):
        yield ctx.report(PROPERTIES, constraints.at("tabIndex"), "'tabIndex' must be an integer")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
