"""OAuth 2.0 for the domain the maker types: sign in at that domain, then call it.

The connector's oauth2generic URL templates are filled from the connection's ``token:domain``
as the platform fills them (certified ServiceDeskPlus Cloud, 3E Events); the same value drives
the dynamichosturl policy. The stand-in on 127.0.0.1 stands in for the kintone domain.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest

from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.oauth import (
    OAuthSetting,
    authorization_url,
    bind_connection,
    form_browser,
    refresh,
    sign_in,
)
from generator.devtools.runtime.requests import build_request
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.transport import Transport, trusting_transport
from generator.devtools.standin import StandIn
from generator.errors import ConnectorError
from tests.conftest import GOLDEN
from tests.support.calls import ok
from tests.support.toolchain import toolchain_or_skip as require_toolchain

SECRET = "standin-secret"  # the default seed's client (oauthClients)


@pytest.fixture
def engine(kintone: StandIn) -> Iterator[CompiledScriptEngine]:
    require_toolchain()
    with CompiledScriptEngine.open(GOLDEN, ca_file=kintone.ca_file) as compiled:
        yield compiled


def _properties(package: ConnectorPackage, client_id: str) -> dict[str, object]:
    """apiProperties as built with --settings (oauth.client_id = the stand-in's client)."""
    sets = package.properties["connectionParameterSets"]
    values = []
    for item in sets["values"]:
        params = dict(item["parameters"])
        if "token" in params:
            token = dict(params["token"])
            token["oAuthSettings"] = {**token["oAuthSettings"], "clientId": client_id}
            params["token"] = token
        values.append({**item, "parameters": params})
    return {**package.properties, "connectionParameterSets": {**sets, "values": values}}


def _package(package: ConnectorPackage) -> ConnectorPackage:
    properties = _properties(package, "standin-client")
    return ConnectorPackage(package.swagger, properties, package.operations)


@pytest.mark.parametrize(
    "domain", ["contoso.cybozu.com", "contoso.kintone.com", "contoso.cybozu.cn"]
)
def test_sign_in_urls_and_calls_go_to_the_domain_typed(
    package: ConnectorPackage, domain: str
) -> None:
    connection = {"token:domain": domain, "token": "t"}
    setting = OAuthSetting.of(package.properties)
    url = authorization_url(setting, connection, SECRET, "s")
    assert url.startswith(f"https://{domain}/oauth2/authorization?")
    assert setting.url("token", connection, {}) == f"https://{domain}/oauth2/token"
    assert setting.url("refresh", connection, {}) == f"https://{domain}/oauth2/token"
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["scope"] == " ".join(setting.scopes)  # kintone's scopes, space-separated
    call = build_request(package, package.operation("GetApps"), connection, {})
    assert urllib.parse.urlsplit(call.url).netloc == domain


def test_an_oauth_connection_holds_its_domain_as_token_domain(package: ConnectorPackage) -> None:
    bound = bind_connection(package.properties, {"domain": "a.cybozu.com", "token": "t"})
    assert bound == {"token:domain": "a.cybozu.com", "token": "t"}
    api = bind_connection(package.properties, {"domain": "a.cybozu.com", "api_key": "k"})
    assert api == {"domain": "a.cybozu.com", "api_key": "k"}


def test_sign_in_then_call_through_the_compiled_script(
    package: ConnectorPackage, kintone: StandIn, engine: CompiledScriptEngine
) -> None:
    sent: list[HttpRequest] = []
    base = trusting_transport(kintone.ca_file)

    def transport(request: HttpRequest) -> HttpResponse:
        sent.append(request)
        return base(request)

    built = _package(package)
    connection = {"token:domain": kintone.domain}
    tokens = sign_in(
        built.properties,
        connection,
        client_secret=SECRET,
        browser=form_browser(transport, "sato", "sato-pass"),
        transport=transport,
    )
    assert [urllib.parse.urlsplit(r.url).path for r in sent] == [
        "/oauth2/authorization",
        "/oauth2/authorization",
        "/oauth2/token",
    ]
    assert all(urllib.parse.urlsplit(r.url).netloc == kintone.domain for r in sent)
    runtime = ConnectorRuntime(
        built, {**connection, "token": tokens.access_token}, script=engine, transport=transport
    )
    apps = ok(runtime.call("GetApps"))["apps"]  # kintone refuses API tokens here, not OAuth
    assert {"1", "2", "3"} <= {a["appId"] for a in apps}
    record = ok(runtime.call("GetRecord", {"app": "2", "id": "1"}))["record"]
    assert record["$id"]["value"] == "1"
    deal = {"Title": {"value": "Signed in"}, "Amount": {"value": 5}, "Priority": {"value": "Low"}}
    added = ok(runtime.call("AddRecord", body={"app": "2", "record": deal}))
    read = ok(runtime.call("GetRecord", {"app": "2", "id": added["id"]}))["record"]
    assert read["Created_by"]["value"]["code"] == "sato"  # the user who signed in

    renewed = refresh(
        built.properties, connection, tokens.refresh_token, client_secret=SECRET, transport=base
    )
    assert renewed.access_token != tokens.access_token
    again = ConnectorRuntime(
        built, {**connection, "token": renewed.access_token}, script=engine, transport=base
    )
    assert ok(again.call("GetApp", {"id": "2"}))["appId"] == "2"


def _sign_in(
    package: ConnectorPackage, kintone: StandIn, transport: Transport, **overrides: str
) -> None:
    options = {"client_secret": SECRET, "login": "sato", "password": "sato-pass", **overrides}
    sign_in(
        _package(package).properties,
        {"token:domain": kintone.domain},
        client_secret=options["client_secret"],
        browser=form_browser(transport, options["login"], options["password"]),
        transport=transport,
    )


def test_a_wrong_secret_or_password_signs_nobody_in(
    package: ConnectorPackage, kintone: StandIn
) -> None:
    transport = trusting_transport(kintone.ca_file)
    with pytest.raises(ConnectorError, match="refused the token request: HTTP 401"):
        _sign_in(package, kintone, transport, client_secret="wrong")
    with pytest.raises(ConnectorError, match="sign-in as 'sato' failed: HTTP 200"):
        _sign_in(package, kintone, transport, password="wrong")


def test_the_placeholder_client_is_unknown_to_kintone(
    package: ConnectorPackage, kintone: StandIn
) -> None:
    # The golden build keeps the description's placeholder client ID: no domain knows it.
    transport = trusting_transport(kintone.ca_file)
    with pytest.raises(ConnectorError, match="the sign-in page answered HTTP 400"):
        sign_in(
            package.properties,
            {"token:domain": kintone.domain},
            client_secret=SECRET,
            browser=form_browser(transport, "sato", "sato-pass"),
            transport=transport,
        )
