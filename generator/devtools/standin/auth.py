"""Who is calling: API tokens, password auth, OAuth bearer tokens, and what each may do."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

from generator.devtools.standin import errors
from generator.devtools.standin.errors import BasicAuthRequired
from generator.devtools.standin.seed import PERMISSIONS, User
from generator.devtools.standin.store import ADMINISTRATOR, App, Store

MAX_TOKENS = 9


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. API tokens act as kintone's built-in Administrator."""

    kind: str  # "token", "password" or "oauth"
    tokens: tuple[str, ...] = ()
    user: User | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def login(self) -> str:
        return self.user.login if self.user else ADMINISTRATOR


@dataclass(frozen=True)
class Need:
    """What an operation needs: any of these token permissions, this OAuth scope, an admin?"""

    permissions: frozenset[str]
    scope: str
    admin: bool = False


VIEW = Need(frozenset({"view"}), "k:app_record:read")
ADD = Need(frozenset({"add"}), "k:app_record:write")
EDIT = Need(frozenset({"edit"}), "k:app_record:write")
DELETE = Need(frozenset({"delete"}), "k:app_record:write")
COMMENT = Need(frozenset({"view"}), "k:app_record:write")
APP_READ = Need(PERMISSIONS, "k:app_settings:read")
# Live process management needs record view or add permission (kintone-api.md §2.2).
STATUS_READ = Need(frozenset({"view", "add"}), "k:app_settings:read")
MANAGE_READ = Need(frozenset({"manage"}), "k:app_settings:read", admin=True)
MANAGE_WRITE = Need(frozenset({"manage"}), "k:app_settings:write", admin=True)
FILE_READ = Need(frozenset({"view"}), "k:file:read")
FILE_WRITE = Need(frozenset({"add", "edit"}), "k:file:write")


def authenticate(store: Store, headers: Message) -> Principal:
    """Read the credentials of a request; password auth wins over API tokens, as in kintone."""
    _check_basic(store, headers)
    password = headers.get("X-Cybozu-Authorization")
    if password:
        return Principal("password", user=_password_user(store, password))
    bearer = headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        return _oauth(store, bearer.removeprefix("Bearer ").strip())
    tokens = tuple(
        token.strip()
        for header in headers.get_all("X-Cybozu-API-Token") or []
        for token in header.split(",")
        if token.strip()
    )
    if len(tokens) > MAX_TOKENS:
        raise errors.too_many_tokens()
    if tokens:
        return Principal("token", tokens=tokens)
    raise errors.not_logged_in()


def _check_basic(store: Store, headers: Message) -> None:
    if store.seed.basic_auth is None:
        return
    user, password = store.seed.basic_auth
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    if headers.get("Authorization", "") != expected:
        raise BasicAuthRequired()


def _password_user(store: Store, header: str) -> User:
    try:
        login, _, password = base64.b64decode(header, validate=True).decode().partition(":")
    except ValueError:  # binascii.Error, UnicodeDecodeError, or non-ASCII header text
        raise errors.wrong_password() from None
    user = store.users.get(login)
    if user is None or user.password != password:
        raise errors.wrong_password()
    return user


def _oauth(store: Store, token: str) -> Principal:
    grant = store.oauth.get(token)
    if grant is None:
        # Code assumed: an unknown or expired access token is an authentication failure.
        raise errors.wrong_password()
    return Principal("oauth", user=store.users[grant.user], scopes=grant.scopes)


def authorize(store: Store, principal: Principal, app: App, need: Need) -> None:
    """Raise kintone's error when the caller may not do `need` on `app`."""
    _CHECKS[principal.kind](store, principal, app, need)


def _check_token(store: Store, principal: Principal, app: App, need: Need) -> None:
    # Tokens of other apps may ride along (lookups, bulkRequest); a token no app issued may not.
    if any(token not in store.token_owner for token in principal.tokens):
        raise errors.token_mismatch()
    mine = [token for token in principal.tokens if store.token_owner.get(token) == app.id]
    if len(mine) > 1:
        raise errors.token_duplicated()
    if not mine:
        raise errors.token_mismatch()
    if not app.tokens[mine[0]] & need.permissions:
        raise errors.token_not_allowed()


def _check_user(store: Store, principal: Principal, app: App, need: Need) -> None:
    if principal.kind == "oauth" and need.scope not in principal.scopes:
        # Code assumed: kintone refuses an OAuth call outside the granted scopes.
        raise errors.no_privilege()
    if need.admin and not (principal.user and principal.user.admin):
        raise errors.no_privilege()


_CHECKS: dict[str, Callable[[Store, Principal, App, Need], None]] = {
    "token": _check_token,
    "password": _check_user,
    "oauth": _check_user,
}


def may(store: Store, principal: Principal, app: App, need: Need) -> bool:
    """Whether `authorize` would pass (for lookups and listings that skip forbidden apps)."""
    try:
        authorize(store, principal, app, need)
    except errors.KintoneError:
        return False
    return True
