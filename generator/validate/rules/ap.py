"""AP-xx: apiProperties.json: keys, connection parameters, auth, policies and their references."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level, pointer
from generator.validate.context import Context
from generator.validate.reader import (
    PROPERTIES,
)
from generator.validate.rule import REMOVE, Change, Rule, rule
from generator.validate.rules.common import _properties, parameter_maps, policies
from generator.validate.shapes import (
    Node,
    as_object,
    elements,
    operation_index,
    text,
    walk_strings,
)

OPERATION_NAME = "x-ms-apimTemplate-operationName"


_CONNECTION_PARAMETER = re.compile(r"@connectionParameters\(\s*['\"]([^'\"]*)['\"]")


# A policy or script entry naming no operation applies to nothing; the platform accepts it
# (certified connectors keep names of removed or renamed operations).
@rule(
    "AP-08",
    Level.WARNING,
    "policy operationName entries and scriptOperations are swagger operationIds",
    "PPC schema (cross-file check: our inference)",
    example=(Change("apiProperties.json", "/properties/scriptOperations/0", "GetSchema"),),
)
def known_operations(ctx: Context) -> Iterator[Finding]:
    """A policy or scriptOperations entry that names no operation applies to nothing, usually
    after an operation was renamed.
    """
    if ctx.swagger is None:
        return
    index = operation_index(ctx.swagger)
    for value, tokens in _operation_references(ctx):
        if value in index:
            continue
        message = f"no swagger operation has the operationId '{value}'; it is unused"
        yield ctx.report(PROPERTIES, pointer(*tokens), message)


def _operation_references(ctx: Context) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    for policy in policies(ctx):
        params = policy.child("parameters")
        names = params.value.get(OPERATION_NAME) if params is not None else None
        if params is not None and isinstance(names, str):
            yield names, (*params.tokens, OPERATION_NAME)
        for index, name in elements(names):
            if params is not None and isinstance(name, str):
                yield name, (*params.tokens, OPERATION_NAME, index)
    props = ctx.properties
    for index, name in elements(props.get("scriptOperations") if props is not None else None):
        if isinstance(name, str):
            yield name, ("properties", "scriptOperations", index)


@rule(
    "AP-09",
    Level.ERROR,
    "@connectionParameters('x') in policy parameters names a defined connection parameter",
    "D-DHU (cross-file check: our inference)",
    "run time: the policy expression has no value to insert, so every call it applies to fails",
    example=(
        Change(
            "apiProperties.json",
            "/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplateParameter.urlTemplate",
            "https://@connectionParameters('Domain')",
        ),
    ),
)
def policy_connection_parameters(ctx: Context) -> Iterator[Finding]:
    """@connectionParameters('name') is replaced by that connection parameter's value when a
    call is made.
    """
    defined = {name for params in parameter_maps(ctx.properties) for name in params.value}
    folded = {name.lower(): name for name in defined}
    for policy in policies(ctx):
        params = policy.child("parameters")
        if params is None:
            continue
        for value, tokens in walk_strings(params.value, params.tokens):
            for name in _CONNECTION_PARAMETER.findall(value):
                if name in defined:
                    continue
                message = f"connection parameter '{name}' is not defined"
                if name.lower() in folded:
                    # certified connectors differ in case only; the policy resolves the name
                    message += f"; '{folded[name.lower()]}' differs only in case"
                    yield ctx.report(PROPERTIES, pointer(*tokens), message, Level.WARNING)
                else:
                    yield ctx.report(PROPERTIES, pointer(*tokens), message)


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


@rule(
    "AP-01",
    Level.ERROR,
    "the root holds only 'properties' (and '$schema'); stray descriptive keys are warnings",
    "PPC schema; MIRROR-STATS",
    "run time: auth, policies and script operations are read from 'properties' only",
    example=(Change("apiProperties.json", "", []),),
)
def root_shape(ctx: Context) -> Iterator[Finding]:
    """The platform reads auth, policies and script operations from 'properties' only; anything
    else at the root is ignored.
    """
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
    example=(Change("apiProperties.json", "/properties/iconBrandColor", REMOVE),),
)
def brand_color_present(ctx: Context) -> Iterator[Finding]:
    """The apiProperties schema requires iconBrandColor."""
    props = _properties(ctx)
    if props is not None and not isinstance(props.value.get("iconBrandColor"), str):
        yield ctx.report(PROPERTIES, props.pointer, "'iconBrandColor' (a string) is required")


@rule(
    "AP-03",
    Level.WARNING,
    "no unknown keys under properties",
    "PPC download.py",
    example=(Change("apiProperties.json", "/properties/displayName", "kintone"),),
)
def known_keys(ctx: Context) -> Iterator[Finding]:
    """paconn and the portal ignore keys under 'properties' that they do not know; they are
    usually misspelt.
    """
    props = _properties(ctx)
    for key in sorted(props.value.keys() - PROPERTY_KEYS) if props is not None else ():
        where = pointer("properties", key)
        yield ctx.report(PROPERTIES, where, f"'{key}' is not a known apiProperties key")


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


@rule(
    "AP-07",
    Level.ERROR,
    "policy template instances have a templateId and that template's required parameters",
    "PPC schema",
    "run time: a policy without its template or the template's parameters cannot be applied",
    example=(
        Change("apiProperties.json", "/properties/policyTemplateInstances/0/templateId", REMOVE),
    ),
)
def policy_templates(ctx: Context) -> Iterator[Finding]:
    """A policy is applied from its template, with the parameters that template requires."""
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


@rule(
    "AP-04",
    Level.ERROR,
    "connection parameters: key pattern, type, uiDefinition keys and constraint types",
    "PPC schema; MIRROR-STATS; PR#1421",
    "import: the service's apiProperties validator checks these shapes and types (PR#1421)",
    example=(
        Change("apiProperties.json", "/properties/connectionParameters/api_key/type", "password"),
    ),
)
def connection_parameters(ctx: Context) -> Iterator[Finding]:
    """The service validates each connection parameter's key, type, uiDefinition keys and
    constraint types.
    """
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


TENANT = "token:TenantId"


REDIRECT_MODES = frozenset({"global", "globalperconnector", "direct"})


PROVIDERS: dict[str, frozenset[str] | None] = {
    "oauth2": frozenset({"authorizationUrl", "tokenUrl", "refreshUrl"}),
    "oauth2generic": None,  # *Template keys and scopeListDelimiter, checked by suffix
    "aad": frozenset(
        {"resourceUri", "loginUri", "tenantId", "loginUriAAD", "enableOnbehalfOfLogin"}
    ),
    "aadcertificate": frozenset({"resourceUri", "loginUri", "loginUriAAD", "tenantId"}),
    "facebook": frozenset(),
}


_PERSONAL = re.compile(r"@|https?://|www\.", re.IGNORECASE)


def _parameters(ctx: Context) -> Iterator[tuple[str, Node]]:
    for params in parameter_maps(ctx.properties):
        for name in params.value:
            node = params.child(name)
            if node is not None:
                yield name, node


def _constraints_of(node: Node) -> Node | None:
    ui = node.child("uiDefinition")
    return ui.child("constraints") if ui is not None else None


@rule(
    "AP-05",
    Level.ERROR,
    "token:TenantId: a string with sourceType AzureActiveDirectoryTenant (hidden, optional: warn)",
    "PPC schemas/paconn-apiProperties.schema.json; PR#1421",
    "import: the service's apiProperties validator refuses another shape of token:TenantId",
    example=(
        Change(
            "apiProperties.json",
            "/properties/connectionParameters/token:TenantId",
            {
                "type": "string",
                "uiDefinition": {"constraints": {"hidden": "false", "required": "false"}},
            },
        ),
    ),
)
def tenant_claim(ctx: Context) -> Iterator[Finding]:
    """token:TenantId is the Azure AD tenant claim; the service accepts it only in this shape."""
    for name, node in _parameters(ctx):
        if name != TENANT:
            continue
        if node.value.get("type") != "string":
            yield ctx.report(PROPERTIES, node.at("type"), "token:TenantId must be a 'string'")
        metadata = as_object(node.value.get("metadata")) or {}
        if metadata.get("sourceType") != "AzureActiveDirectoryTenant":
            message = "token:TenantId needs metadata.sourceType 'AzureActiveDirectoryTenant'"
            yield ctx.report(PROPERTIES, node.pointer, message)
        constraints = _constraints_of(node)
        values = constraints.value if constraints is not None else {}
        if str(values.get("hidden")).lower() != "true":
            message = "token:TenantId is usually hidden"
            yield ctx.report(PROPERTIES, node.pointer, message, Level.WARNING)
        if str(values.get("required")).lower() != "false":
            message = "token:TenantId is usually not required"
            yield ctx.report(PROPERTIES, node.pointer, message, Level.WARNING)


@rule(
    "AP-06",
    Level.WARNING,
    "oAuthSettings: a known identityProvider, its customParameters, a known redirectMode",
    "PPC schemas/paconn-apiProperties.schema.json; MIRROR-STATS",
    "run time: an oauthSetting without oAuthSettings or identityProvider cannot sign in (error)",
    example=(
        Change(
            "apiProperties.json",
            "/properties/connectionParameters/token",
            {
                "type": "oauthSetting",
                "oAuthSettings": {
                    "identityProvider": "oauth2",
                    "clientId": "client",
                    "redirectMode": "Local",
                    "customParameters": {"loginUri": {"value": "https://login.example.com"}},
                },
            },
        ),
    ),
)
def oauth_settings(ctx: Context) -> Iterator[Finding]:
    """The identity provider decides which custom parameters OAuth needs; a wrong or missing one
    makes sign-in fail.
    """
    for _, node in _parameters(ctx):
        if node.value.get("type") != "oauthSetting":
            continue
        settings = node.child("oAuthSettings") or node.child("oauthSettings")
        if settings is None:
            message = "an oauthSetting parameter needs 'oAuthSettings'"
            yield ctx.report(PROPERTIES, node.pointer, message, Level.ERROR)
            continue
        yield from _provider(ctx, settings)
        mode = settings.value.get("redirectMode")
        if mode is not None and str(mode).lower() not in REDIRECT_MODES:
            message = f"redirectMode {mode!r} is not Global, GlobalPerConnector or Direct"
            yield ctx.report(PROPERTIES, settings.at("redirectMode"), message)


def _provider(ctx: Context, settings: Node) -> Iterator[Finding]:
    provider = text(settings.value.get("identityProvider"))
    if provider is None:
        message = "'identityProvider' is required"
        yield ctx.report(PROPERTIES, settings.pointer, message, Level.ERROR)
        return
    if provider.lower() not in PROVIDERS:
        where = settings.at("identityProvider")
        yield ctx.report(PROPERTIES, where, f"identityProvider '{provider}' is not a known one")
        return
    allowed = PROVIDERS[provider.lower()]
    known = {name.lower() for name in allowed} if allowed is not None else None
    custom = settings.child("customParameters")
    for key in custom.value if custom is not None else ():
        ok = key.lower().endswith("template") or key.lower() == "scopelistdelimiter"
        if (known is None and not ok) or (known is not None and key.lower() not in known):
            message = f"customParameters '{key}' is not one of the {provider} parameters"
            yield ctx.report(PROPERTIES, settings.at("customParameters", key), message)
    names = {key.lower() for key in custom.value} if custom is not None else set()
    if provider.lower().startswith("aad") and "resourceuri" not in names:
        message = f"{provider} needs customParameters.resourceUri"
        yield ctx.report(PROPERTIES, settings.pointer, message)


@rule(
    "AP-10",
    Level.WARNING,
    "publisher and stackOwner are company names, without e-mail addresses or URLs",
    "D-CERT; PR#523",
    example=(Change("apiProperties.json", "/properties/publisher", "jane@example.com"),),
)
def publisher_names(ctx: Context) -> Iterator[Finding]:
    """Certification asks for company names, not contact addresses, as publisher and stack
    owner.
    """
    props = ctx.properties
    for key in ("publisher", "stackOwner"):
        value = props.get(key) if props is not None else None
        if isinstance(value, str) and _PERSONAL.search(value):
            message = f"'{key}' should be a company name, not an address"
            yield ctx.report(PROPERTIES, f"/properties/{key}", message)


@rule(
    "AP-11",
    Level.WARNING,
    "constraints.hidden on token:* parameters is a boolean",
    "PR#1421 (service validator: Expected Boolean but got String)",
    example=(
        Change(
            "apiProperties.json",
            "/properties/connectionParameters/token:TenantId",
            {
                "type": "string",
                "metadata": {"sourceType": "AzureActiveDirectoryTenant"},
                "uiDefinition": {
                    "displayName": "Tenant",
                    "description": "The tenant ID of for the Azure Active Directory application",
                    "constraints": {"hidden": "true", "required": "false"},
                },
            },
        ),
    ),
)
def hidden_boolean(ctx: Context) -> Iterator[Finding]:
    """The service's validator expects a boolean for 'hidden' on token:* parameters and reports
    a string.
    """
    for name, node in _parameters(ctx):
        constraints = _constraints_of(node)
        hidden = constraints.value.get("hidden") if constraints is not None else None
        if name.startswith("token:") and isinstance(hidden, str) and constraints is not None:
            message = "'hidden' should be a boolean here (the service rejects a string)"
            yield ctx.report(PROPERTIES, constraints.at("hidden"), message)


# Placeholders the platform fills itself in oauth2generic templates (certified 3E Events, AzureAD,
# Zoho Mail: {clientId}, {redirectUrl}, {State} ...); the platform matches them in any case.
OAUTH_BUILTINS = frozenset(
    {"clientid", "clientsecret", "code", "redirecturl", "refreshtoken", "scopes", "state"}
)
OAUTH_URL_TEMPLATES = ("authorizationUrlTemplate", "tokenUrlTemplate", "refreshUrlTemplate")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@rule(
    "AP-12",
    Level.ERROR,
    "oauth2generic: every {placeholder} of a *Template is filled (token: parameter, built-in)",
    "certified ServiceDeskPlus Cloud, 3E Events, Zoho Mail, NetDocuments apiProperties.json",
    "run time: a placeholder nothing fills leaves the sign-in URL unusable, so no connection "
    "can be created",
    example=(
        Change(
            "apiProperties.json",
            "/properties/connectionParameters/token",
            {
                "type": "oauthSetting",
                "oAuthSettings": {
                    "identityProvider": "oauth2generic",
                    "clientId": "client",
                    "scopes": [],
                    "redirectUrl": "https://global.consent.azure-apim.net/redirect",
                    "customParameters": {
                        "authorizationUrlTemplate": {"value": "https://{host}/oauth2/authorization"},
                        "tokenUrlTemplate": {"value": "https://{host}/oauth2/token"},
                        "refreshUrlTemplate": {"value": "https://{host}/oauth2/token"},
                    },
                },
            },
        ),
    ),
)
def oauth_templates(ctx: Context) -> Iterator[Finding]:
    """An oauth2generic set's URL templates may use only the platform's own placeholders and
    the set's token: parameters; anything else stays in the URL as typed.
    """
    for params in parameter_maps(ctx.properties):
        names = [n for n in params.value if n.startswith("token:")]
        tokens = {n.removeprefix("token:").lower() for n in names}
        for name in params.value:
            node = params.child(name)
            settings = None if node is None else node.child("oAuthSettings")
            provider = None if settings is None else text(settings.value.get("identityProvider"))
            if settings is not None and (provider or "").lower() == "oauth2generic":
                yield from _templates(ctx, settings, tokens)


def _templates(ctx: Context, settings: Node, tokens: set[str]) -> Iterator[Finding]:
    custom = settings.child("customParameters")
    values = custom.value if custom is not None else {}
    extra = settings.child("additionalParameters")
    known = OAUTH_BUILTINS | tokens | {k.lower() for k in (extra.value if extra else {})}
    for key in values:
        entry = as_object(values[key])
        template = text(entry.get("value")) if entry is not None else None
        if not key.lower().endswith("template") or template is None:
            continue
        where = settings.at("customParameters", key, "value")
        for placeholder in _PLACEHOLDER.findall(template):
            if placeholder.lower() not in known:
                message = f"{{{placeholder}}} names no token: parameter of this set"
                yield ctx.report(PROPERTIES, where, message)
    present = {k.lower() for k in values}
    missing = [k for k in OAUTH_URL_TEMPLATES if k.lower() not in present]
    if missing:
        message = f"oauth2generic without {', '.join(missing)}: the platform has no URL for it"
        yield ctx.report(PROPERTIES, settings.pointer, message, Level.WARNING)


RULES: tuple[Rule, ...] = (
    root_shape,
    brand_color_present,
    known_keys,
    connection_parameters,
    tenant_claim,
    oauth_settings,
    policy_templates,
    known_operations,
    policy_connection_parameters,
    publisher_names,
    hidden_boolean,
    oauth_templates,
)
