"""cybozu.com's OAuth endpoints in the stand-in: Authorization Code grant, refresh, refusals.

Expectations follow RFC 6749 (sections 4.1, 5.2, 6) and kintone-api.md section 2.1: a sign-in
at /oauth2/authorization redirects to the client's registered endpoint with a one-time code,
/oauth2/token exchanges it (client credentials by HTTP Basic or in the body) for a Bearer token
that kintone's APIs accept within the granted scopes.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from generator.devtools.messages import HttpRequest
from generator.devtools.runtime.transport import http_transport
from generator.devtools.standin import StandIn

CLIENT, SECRET = "standin-client", "standin-secret"  # the default seed's oauthClients
REDIRECT = "https://global.consent.azure-apim.net/redirect"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


def request(
    url: str,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> Reply:
    """One request; a redirect is an answer, never followed (it names the platform's host)."""
    all_headers = dict(headers or {})
    data = raw if raw is not None else b""
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    answer = http_transport(HttpRequest(method, url, tuple(all_headers.items()), data))
    kind = answer.header("Content-Type") or ""
    value: Any = answer.json() if kind.startswith("application/json") else answer.body
    return Reply(answer.status, value, {k: v for k, v in answer.headers})


def _authorize(kintone: StandIn, **fields: str) -> Reply:
    values = {
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "k:app_record:read k:app_settings:read",
        "state": "s1",
        "username": "sato",
        "password": "sato-pass",
        **fields,
    }
    data = urllib.parse.urlencode(values).encode()
    return request(kintone.url + "/oauth2/authorization", "POST", headers=FORM, raw=data)


def _redirected(reply: Reply) -> dict[str, str]:
    assert reply.status == 302, reply.body
    location = reply.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def _token(kintone: StandIn, basic: bool = True, **fields: str) -> Reply:
    headers = dict(FORM)
    if basic:
        pair = base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
        headers["Authorization"] = f"Basic {pair}"
    data = urllib.parse.urlencode(fields).encode()
    return request(kintone.url + "/oauth2/token", "POST", headers=headers, raw=data)


def test_the_sign_in_page_is_a_form(kintone: StandIn) -> None:
    query = urllib.parse.urlencode(
        {"client_id": CLIENT, "redirect_uri": REDIRECT, "response_type": "code",
         "scope": "k:app_record:read", "state": "s"}
    )  # fmt: skip
    page = request(f"{kintone.url}/oauth2/authorization?{query}")
    assert page.status == 200 and b'<form method="post"' in page.body


def test_a_code_becomes_a_token_once_and_the_token_calls_kintone(kintone: StandIn) -> None:
    answer = _redirected(_authorize(kintone))
    assert answer["state"] == "s1"
    token = _token(
        kintone, grant_type="authorization_code", code=answer["code"], redirect_uri=REDIRECT
    )
    assert token.status == 200
    assert token.body["token_type"] == "Bearer" and token.body["expires_in"] == 3600
    assert token.body["scope"] == "k:app_record:read k:app_settings:read"
    bearer = {"Authorization": "Bearer " + token.body["access_token"]}
    assert request(kintone.url + "/k/v1/apps.json", headers=bearer).status == 200
    # The scopes granted limit the token: no record writes.
    refused = request(
        kintone.url + "/k/v1/record.json", "POST", {"app": "3", "record": {}}, headers=bearer
    )
    assert refused.status == 403
    again = _token(
        kintone, grant_type="authorization_code", code=answer["code"], redirect_uri=REDIRECT
    )
    assert again.status == 400 and again.body["error"] == "invalid_grant"


def test_a_refresh_token_gives_a_new_access_token(kintone: StandIn) -> None:
    code = _redirected(_authorize(kintone))["code"]
    first = _token(kintone, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    renewed = _token(
        kintone,
        basic=False,
        grant_type="refresh_token",
        refresh_token=first.body["refresh_token"],
        client_id=CLIENT,
        client_secret=SECRET,
    )
    assert renewed.status == 200
    assert renewed.body["access_token"] != first.body["access_token"]
    unknown = _token(kintone, grant_type="refresh_token", refresh_token="nope")
    assert unknown.status == 400 and unknown.body["error"] == "invalid_grant"


def test_refusals(kintone: StandIn) -> None:
    # An unregistered redirect endpoint is never redirected to (RFC 6749 section 4.1.2.1).
    wrong_uri = _authorize(kintone, redirect_uri="https://evil.example/cb")
    assert wrong_uri.status == 400 and "Location" not in wrong_uri.headers
    assert _redirected(_authorize(kintone, scope="k:everything"))["error"] == "invalid_scope"
    wrong_password = _authorize(kintone, password="nope")
    assert wrong_password.status == 200 and b"incorrect" in wrong_password.body
    code = _redirected(_authorize(kintone))["code"]
    other_uri = _token(kintone, grant_type="authorization_code", code=code, redirect_uri="x")
    assert other_uri.status == 400 and other_uri.body["error"] == "invalid_grant"
    bad_client = _token(kintone, basic=False, grant_type="client_credentials", client_id="c")
    assert bad_client.status == 401 and bad_client.body["error"] == "invalid_client"
    grant = _token(kintone, grant_type="password")
    assert grant.status == 400 and grant.body["error"] == "unsupported_grant_type"
