"""Connection parameters in depth: tenant claim, OAuth settings, publisher names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.findings import Finding, Level
from generator.validate.context import Context
from generator.validate.reader import PROPERTIES
from generator.validate.registry import rule
from generator.validate.rules_properties import parameter_maps
from generator.validate.shapes import Node, as_object, text

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


def _constraints(node: Node) -> Node | None:
    ui = node.child("uiDefinition")
    return ui.child("constraints") if ui is not None else None


@rule(
    "AP-05",
    Level.ERROR,
    "token:TenantId: a string with sourceType AzureActiveDirectoryTenant (hidden, optional: warn)",
    "PPC schemas/paconn-apiProperties.schema.json; PR#1421",
    "import: the service's apiProperties validator refuses another shape of token:TenantId",
)
def tenant_claim(ctx: Context) -> Iterator[Finding]:
    for name, node in _parameters(ctx):
        if name != TENANT:
            continue
        if node.value.get("type") != "string":
            yield ctx.report(PROPERTIES, node.at("type"), "token:TenantId must be a 'string'")
        metadata = as_object(node.value.get("metadata")) or {}
        if metadata.get("sourceType") != "AzureActiveDirectoryTenant":
            message = "token:TenantId needs metadata.sourceType 'AzureActiveDirectoryTenant'"
            yield ctx.report(PROPERTIES, node.pointer, message)
        constraints = _constraints(node)
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
)
def oauth_settings(ctx: Context) -> Iterator[Finding]:
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
)
def publisher_names(ctx: Context) -> Iterator[Finding]:
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
)
def hidden_boolean(ctx: Context) -> Iterator[Finding]:
    for name, node in _parameters(ctx):
        constraints = _constraints(node)
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
)
def oauth_templates(ctx: Context) -> Iterator[Finding]:
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
