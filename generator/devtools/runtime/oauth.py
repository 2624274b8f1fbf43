"""The platform's OAuth 2.0 sign-in for a connection: templates filled from its values.

For ``identityProvider: oauth2generic`` the platform fills the ``{name}`` placeholders of the
``*UrlTemplate`` (and query or body templates) from the connection's ``token:name`` parameters
and from values it holds itself (clientId, clientSecret, redirectUrl, scopes, state, code,
refreshToken), in any case (certified ServiceDeskPlus Cloud, 3E Events, Zoho Mail). ``oauth2``
has fixed URLs. Without query or body templates the requests are RFC 6749's (sections 4.1, 6).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.devtools.messages import HttpRequest
from generator.devtools.runtime.transport import Transport
from generator.errors import ConnectorError

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FORM = "application/x-www-form-urlencoded"
# A browser: given the authorization URL, the user signs in; returns the URL redirected to.
Browser = Callable[[str], str]


@dataclass(frozen=True)
class OAuthSetting:
    """The oauthSetting parameter of a package: its client and its custom parameters."""

    client_id: str
    scopes: tuple[str, ...]
    redirect_url: str
    custom: Mapping[str, str]
    generic: bool

    @classmethod
    def of(cls, properties: Mapping[str, Any]) -> OAuthSetting:
        """The first oauthSetting of apiProperties ``properties``; ConnectorError if none."""
        for parameters in _parameter_maps(properties):
            for value in parameters.values():
                settings = value.get("oAuthSettings") if isinstance(value, Mapping) else None
                if isinstance(settings, Mapping):
                    return cls._from(settings)
        raise ConnectorError("the connector has no oauthSetting connection parameter")

    @classmethod
    def _from(cls, settings: Mapping[str, Any]) -> OAuthSetting:
        custom = settings.get("customParameters") or {}
        values = {
            str(k).lower(): str(v.get("value"))
            for k, v in custom.items()
            if isinstance(v, Mapping) and v.get("value") is not None
        }
        return cls(
            client_id=str(settings.get("clientId", "")),
            scopes=tuple(str(s) for s in settings.get("scopes") or ()),
            redirect_url=str(settings.get("redirectUrl", "")),
            custom=values,
            generic=str(settings.get("identityProvider", "")).lower() == "oauth2generic",
        )

    def url(self, kind: str, connection: Mapping[str, str], values: Mapping[str, str]) -> str:
        """The authorization, token or refresh URL for this connection (kind without suffix)."""
        if not self.generic:
            return self.custom.get(f"{kind}url", "")
        template = self.custom.get(f"{kind}urltemplate")
        if template is None:
            raise ConnectorError(f"oauth2generic without {kind}UrlTemplate")
        return fill(template, connection, values)

    def builtins(self, client_secret: str, state: str = "") -> dict[str, str]:
        """The values the platform fills itself."""
        delimiter = self.custom.get("scopelistdelimiter", " ")
        return {
            "clientid": self.client_id,
            "clientsecret": client_secret,
            "redirecturl": self.redirect_url,
            "scopes": delimiter.join(self.scopes),
            "state": state,
        }


@dataclass(frozen=True)
class Tokens:
    """The token endpoint's answer."""

    access_token: str
    refresh_token: str


def fill(template: str, connection: Mapping[str, str], values: Mapping[str, str]) -> str:
    """Replace each {name}: a platform value, else the connection's token:name (any case)."""
    tokens = {k.removeprefix("token:").lower(): v for k, v in connection.items() if ":" in k}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name in values:
            return values[name]
        if name in tokens:
            return tokens[name]
        raise ConnectorError(f"the OAuth template {template!r} needs token:{match.group(1)}")

    return _PLACEHOLDER.sub(replace, template)


def authorization_url(
    setting: OAuthSetting, connection: Mapping[str, str], client_secret: str, state: str
) -> str:
    """Where the platform sends the maker's browser to sign in."""
    values = setting.builtins(client_secret, state)
    base = setting.url("authorization", connection, values)
    template = setting.custom.get("authorizationurlquerystringtemplate")
    if template is not None:
        return base + fill(template, connection, values)
    query = {
        "response_type": "code",
        "client_id": setting.client_id,
        "redirect_uri": setting.redirect_url,
        "scope": values["scopes"],
        "state": state,
    }
    return base + "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)


def sign_in(
    properties: Mapping[str, Any],
    connection: Mapping[str, str],
    *,
    client_secret: str,
    browser: Browser,
    transport: Transport,
    state: str = "kintone-connector",
) -> Tokens:
    """The Authorization Code grant as the platform runs it when a maker creates a connection."""
    setting = OAuthSetting.of(properties)
    redirected = browser(authorization_url(setting, connection, client_secret, state))
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirected).query))
    if "code" not in answer:
        raise ConnectorError(f"sign-in refused: {answer.get('error', redirected)}")
    if answer.get("state") != state:
        raise ConnectorError("sign-in answered with another state")
    values = {**setting.builtins(client_secret, state), "code": answer["code"]}
    body = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": setting.redirect_url,
        "client_id": setting.client_id,
        "client_secret": client_secret,
    }
    return _token_request(setting, "token", connection, values, body, transport)


def refresh(
    properties: Mapping[str, Any],
    connection: Mapping[str, str],
    refresh_token: str,
    *,
    client_secret: str,
    transport: Transport,
) -> Tokens:
    """A new access token from the refresh token, at the refresh URL."""
    setting = OAuthSetting.of(properties)
    values = {**setting.builtins(client_secret), "refreshtoken": refresh_token}
    body = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": setting.client_id,
        "client_secret": client_secret,
    }
    return _token_request(setting, "refresh", connection, values, body, transport)


def _token_request(
    setting: OAuthSetting,
    kind: str,
    connection: Mapping[str, str],
    values: Mapping[str, str],
    default_body: Mapping[str, str],
    transport: Transport,
) -> Tokens:
    url = setting.url(kind, connection, values)
    template = setting.custom.get(f"{kind}bodytemplate")
    if template is not None:
        data = fill(template, connection, values)
    else:
        data = urllib.parse.urlencode(default_body)
    request = HttpRequest("POST", url, (("Content-Type", FORM),), data.encode())
    response = transport(request)
    body = response.json()
    if response.status != 200 or not isinstance(body, Mapping) or "access_token" not in body:
        raise ConnectorError(f"{url} refused the token request: HTTP {response.status}")
    return Tokens(str(body["access_token"]), str(body.get("refresh_token", "")))


def bind_connection(properties: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, str]:
    """The values under the names of the parameter set they belong to.

    A connection holds its set's names: an OAuth connection's domain is ``token:domain`` when
    the set says so. A value named ``x`` moves to ``token:x`` when its set has only the latter.
    """
    for parameters in _parameter_maps(properties):
        names = set(parameters)
        if not any(k in names for k in values if k != "domain"):
            continue
        return {
            (f"token:{k}" if k not in names and f"token:{k}" in names else k): v
            for k, v in values.items()
        }
    return dict(values)


def _parameter_maps(properties: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    direct = properties.get("connectionParameters")
    if isinstance(direct, Mapping):
        found.append(direct)
    sets = properties.get("connectionParameterSets")
    for item in sets.get("values") or [] if isinstance(sets, Mapping) else []:
        if isinstance(item, Mapping) and isinstance(item.get("parameters"), Mapping):
            found.append(item["parameters"])
    return found


def form_browser(transport: Transport, login: str, password: str) -> Browser:
    """A browser at a sign-in form that posts ``username`` and ``password`` (the stand-in's)."""

    def browse(url: str) -> str:
        page = transport(HttpRequest("GET", url))
        if page.status != 200:
            raise ConnectorError(f"the sign-in page answered HTTP {page.status}")
        query = urllib.parse.urlsplit(url).query
        fields = [*urllib.parse.parse_qsl(query), ("username", login), ("password", password)]
        base = url.split("?", 1)[0]
        data = urllib.parse.urlencode(fields).encode()
        answer = transport(HttpRequest("POST", base, (("Content-Type", FORM),), data))
        location = answer.header("Location")
        if answer.status != 302 or location is None:
            raise ConnectorError(f"sign-in as {login!r} failed: HTTP {answer.status}")
        return location

    return browse
