"""One kintone API call as the handlers see it, and the parameter checks they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.auth import Need, Principal, authorize
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.store import App, Store

# kintone API paths: /k/v1/<api>.json, /k/guest/<space>/v1/<api>.json, /k/v1/integration/...
_PATH = re.compile(
    r"^/k(?:/guest/(?P<space>[0-9]+))?/(?P<family>v1|integration/v1)/(?P<api>[A-Za-z0-9_/]+)\.json$"
)
# ASCII digits only: str.isdigit() also accepts characters such as "²" that int() refuses.
INTEGER = re.compile(r"-?[0-9]+")
# kintone's IDs and revisions are 64-bit ("format: long" in Cybozu's OpenAPI); checking the
# length first also keeps int() away from texts past Python's 4,300-digit conversion limit.
LONG_MAX = 2**63 - 1


def long_value(text: str, key: str) -> int:
    """An INTEGER text as a number within kintone's long; CB_VA01 beyond it."""
    if len(text) > 40 or not -LONG_MAX - 1 <= int(text) <= LONG_MAX:
        raise errors.invalid(key, f"must be less than or equal to {LONG_MAX}")
    return int(text)


@dataclass
class Request:
    """A parsed call: `api` is the path between `v1/` and `.json`, e.g. `records/cursor`."""

    method: str
    path: str
    api: str
    guest_space: str | None
    params: dict[str, Any]
    headers: Message
    body: bytes
    principal: Principal
    base_url: str


@dataclass
class Response:
    status: int = 200
    body: JsonObj | bytes = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Store, Request], "JsonObj | Response"]


def parse_path(path: str) -> tuple[str, str | None] | None:
    """The API name (e.g. `records/cursor`) and guest space ID of a path; None if not an API."""
    match = _PATH.match(path)
    if match is None:
        return None
    api = match["api"] if match["family"] == "v1" else f"integration/{match['api']}"
    return api, match["space"]


def param(req: Request, name: str) -> Any:
    """A required parameter (query string or JSON body); CB_VA01 when missing."""
    value = req.params.get(name)
    if value is None or value == "":
        raise errors.required(name)
    return value


def id_param(req: Request, name: str, value: Any = None) -> str:
    """A positive integer ID (sent as number or string) as text."""
    raw = param(req, name) if value is None else value
    return id_text(raw, name)


def id_text(raw: Any, key: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise errors.invalid(key, "must be an integer")
    text = str(raw).strip()
    if not INTEGER.fullmatch(text):
        raise errors.invalid(key, "must be an integer")
    value = long_value(text, key)
    if value < 1:
        raise errors.invalid(key, "must be greater than or equal to 1")
    return str(value)


def int_param(req: Request, name: str, default: int, low: int, high: int) -> int:
    """An optional bounded integer parameter."""
    raw = req.params.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool) or not INTEGER.fullmatch(str(raw).strip()):
        raise errors.invalid(name, "must be an integer")
    value = long_value(str(raw).strip(), name)
    if value < low:
        raise errors.invalid(name, f"must be greater than or equal to {low}")
    if value > high:
        raise errors.invalid(name, f"must be less than or equal to {high}")
    return value


def list_param(req: Request, name: str, *, required: bool = False) -> list[Any]:
    """An array parameter (`ids[0]=1&ids[1]=2`, repeated keys, or a JSON array)."""
    value = req.params.get(name)
    if value is None or value == "" or value == []:
        if required:
            raise errors.required(name)
        return []
    return value if isinstance(value, list) else [value]


def revision_param(raw: Any, key: str = "revision") -> int | None:
    """An expected revision; None (not checked) when absent or -1."""
    if raw is None or raw == "" or str(raw).strip() == "-1":
        return None
    if isinstance(raw, bool) or not INTEGER.fullmatch(str(raw).strip().lstrip("-")):
        raise errors.invalid(key, "must be an integer")
    return long_value(str(raw).strip(), key)


def bool_param(req: Request, name: str) -> bool:
    value = req.params.get(name)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def check_space(req: Request, app: App) -> None:
    """Guest-space apps need the guest path, and guest paths only reach their own apps."""
    if req.guest_space is None and app.space_id is not None:
        raise errors.guest_app_via_normal_path()
    if req.guest_space is not None and req.guest_space != app.space_id:
        raise errors.no_privilege()


def open_app(
    store: Store,
    req: Request,
    need: Need,
    name: str = "app",
    value: Any = None,
    *,
    settle: bool = True,
) -> App:
    """The app named by a parameter, after the path and permission checks kintone makes."""
    app = store.app(id_param(req, name, value))
    check_space(req, app)
    authorize(store, req.principal, app, need)
    if settle:
        app.settle()
    return app
