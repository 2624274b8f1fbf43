"""cybozu.com's OAuth 2.0 endpoints: the authorization page and the token endpoint.

Authorization Code grant only, for confidential clients (cybozu.com registers no other kind):
GET /oauth2/authorization shows a sign-in form, its POST redirects to the client's redirect
endpoint with a one-time code, and POST /oauth2/token turns the code (or a refresh token) into an
access token that the kintone APIs accept as ``Authorization: Bearer``. Shapes follow RFC 6749
sections 4.1 and 6 and kintone-api.md §2.1 (endpoints, scopes, client credentials in HTTP Basic or
in the body); the token answer's fields follow RFC 6749 section 5.1.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from email.message import Message
from urllib.parse import parse_qsl, urlencode

from generator.devtools.standin.request import Response
from generator.devtools.standin.seed import SCOPES, OAuthClient, OAuthToken
from generator.devtools.standin.store import Store

PREFIX = "/oauth2/"
AUTHORIZATION = "/oauth2/authorization"
TOKEN = "/oauth2/token"
ACCESS_TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class Grant:
    """What a code or a refresh token stands for: a user's consent to a client's scopes."""

    client_id: str
    redirect_url: str
    user: str
    scopes: frozenset[str]


def handle(store: Store, method: str, target: str, headers: Message, body: bytes) -> Response:
    """Answer a request under /oauth2/."""
    path, _, query = target.partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    if method == "POST" and "x-www-form-urlencoded" in headers.get("Content-Type", ""):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    with store.lock:
        if path == AUTHORIZATION and method in ("GET", "POST"):
            return _authorize(store, method, params)
        if path == TOKEN and method == "POST":
            return _token(store, headers, params)
    return _page(404, "Not found", f"No OAuth endpoint {method} {path}.")


def _authorize(store: Store, method: str, params: dict[str, str]) -> Response:
    client = _client(store, params.get("client_id", ""))
    redirect = params.get("redirect_uri", "")
    if client is None or redirect != client.redirect_url:
        # RFC 6749 §4.1.2.1: never redirect to an endpoint the client did not register.
        return _page(400, "Invalid request", "Unknown client_id or unregistered redirect_uri.")
    state = params.get("state", "")
    if params.get("response_type") != "code":
        return _redirect(redirect, {"error": "unsupported_response_type", "state": state})
    scopes = frozenset(params.get("scope", "").split())
    if not scopes or not scopes <= SCOPES:
        return _redirect(redirect, {"error": "invalid_scope", "state": state})
    if method == "GET":
        return _sign_in_form(params)
    user = store.users.get(params.get("username", ""))
    if user is None or user.password != params.get("password"):
        return _sign_in_form(params, "The login name or password is incorrect.")
    code = f"code-{store.next_number('oauth-code')}"
    store.oauth_codes[code] = Grant(client.client_id, redirect, user.login, scopes)
    return _redirect(redirect, {"code": code, "state": state})


def _token(store: Store, headers: Message, params: dict[str, str]) -> Response:
    client_id, secret = _client_credentials(headers, params)
    client = _client(store, client_id)
    if client is None or client.client_secret != secret:
        return _error(401, "invalid_client", "The client ID or client secret is wrong.")
    kind = params.get("grant_type")
    if kind == "authorization_code":
        grant = store.oauth_codes.pop(params.get("code", ""), None)  # a code works once
        if grant is None or grant.redirect_url != params.get("redirect_uri"):
            return _error(400, "invalid_grant", "The code is unknown, used or for another URI.")
    elif kind == "refresh_token":
        grant = store.oauth_refresh.get(params.get("refresh_token", ""))
        if grant is None:
            return _error(400, "invalid_grant", "The refresh token is unknown.")
    else:
        return _error(400, "unsupported_grant_type", f"grant_type {kind!r} is not supported.")
    if grant.client_id != client.client_id:
        return _error(400, "invalid_grant", "The grant belongs to another client.")
    return _issue(store, grant, params.get("refresh_token") if kind == "refresh_token" else None)


def _issue(store: Store, grant: Grant, refresh: str | None) -> Response:
    number = store.next_number("oauth-token")
    access = f"access-{number}"
    store.oauth[access] = OAuthToken(access, grant.user, grant.scopes)
    if refresh is None:
        refresh = f"refresh-{number}"
        store.oauth_refresh[refresh] = grant
    body = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "refresh_token": refresh,
        "scope": " ".join(sorted(grant.scopes)),
    }
    return Response(200, body, headers={"Cache-Control": "no-store"})


def _client(store: Store, client_id: str) -> OAuthClient | None:
    return next((c for c in store.seed.oauth_clients if c.client_id == client_id), None)


def _client_credentials(headers: Message, params: dict[str, str]) -> tuple[str, str]:
    """HTTP Basic (RFC 6749 §2.3.1), else client_id and client_secret in the body."""
    basic = headers.get("Authorization", "")
    if basic.startswith("Basic "):
        try:
            pair = base64.b64decode(basic.removeprefix("Basic "), validate=True).decode()
        except ValueError:
            return "", ""
        client_id, _, secret = pair.partition(":")
        return client_id, secret
    return params.get("client_id", ""), params.get("client_secret", "")


def _redirect(url: str, values: dict[str, str]) -> Response:
    joiner = "&" if "?" in url else "?"
    location = url + joiner + urlencode({k: v for k, v in values.items() if v})
    return Response(302, b"", "text/plain; charset=utf-8", {"Location": location})


def _error(status: int, code: str, description: str) -> Response:
    body = json.dumps({"error": code, "error_description": description}).encode()
    return Response(status, body, "application/json; charset=utf-8", {"Cache-Control": "no-store"})


def _sign_in_form(params: dict[str, str], problem: str = "") -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
        if k not in ("username", "password")
    )
    note = f"<p>{html.escape(problem)}</p>" if problem else ""
    page = (
        "<html><body><h1>Sign in to kintone</h1>" + note
        + f'<form method="post" action="{AUTHORIZATION}">{hidden}'
        + '<input name="username"><input name="password" type="password">'
        + '<button type="submit">Allow</button></form></body></html>'
    )  # fmt: skip
    return Response(200, page.encode(), "text/html; charset=utf-8")


def _page(status: int, title: str, text: str) -> Response:
    page = f"<html><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    return Response(status, page.encode(), "text/html; charset=utf-8")
