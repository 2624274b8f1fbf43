"""From an HTTP request to a handler: kintone paths, method override, query arrays, JSON bodies."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from generator.devtools.standin import (
    acl,
    appforms,
    apps,
    appsettings,
    appviews,
    bulk,
    comments,
    cursors,
    errors,
    files,
    process,
    records,
    search,
    spacemgmt,
    spaces,
    webhooks,
)
from generator.devtools.standin.request import Handler, parse_path

ROUTES: dict[tuple[str, str], Handler] = {
    **records.ROUTES,
    **cursors.ROUTES,
    **comments.ROUTES,
    **process.ROUTES,
    **files.ROUTES,
    **apps.ROUTES,
    **webhooks.ROUTES,
    **appviews.ROUTES,
    **spaces.ROUTES,
    **bulk.ROUTES,
    **appforms.ROUTES,
    **appsettings.ROUTES,
    **spacemgmt.ROUTES,
    **acl.ROUTES,
    **search.ROUTES,
}
APIS = frozenset(api for _, api in ROUTES)
OVERRIDABLE = frozenset({"GET", "POST", "PUT", "DELETE"})

# Up to six digits: kintone arrays hold at most a few hundred items; longer indexes stay plain keys.
_INDEXED = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>[0-9]{0,6})\]$")


def effective_method(method: str, override: str | None) -> str:
    """kintone runs POST + X-HTTP-Method-Override as the named method (case-sensitive)."""
    if method == "POST" and override in OVERRIDABLE:
        return str(override)
    return method


def resolve(method: str, path: str) -> tuple[Handler, str, str | None]:
    """The handler, the API name and the guest space ID of a path; 404 or 405 otherwise."""
    parsed = parse_path(path)
    if parsed is None:
        raise errors.unknown_api(path)
    api, space = parsed
    handler = ROUTES.get((method, api))
    if handler is None:
        raise errors.method_not_allowed(method, path) if api in APIS else errors.unknown_api(path)
    return handler, api, space


def parse_query(query: str) -> dict[str, Any]:
    """Query parameters; `ids[0]=1&ids[1]=2` (and repeated keys) become lists."""
    params: dict[str, Any] = {}
    indexed: dict[str, dict[int, str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        match = _INDEXED.match(key)
        if match:
            slots = indexed.setdefault(match["name"], {})
            slots[int(match["index"]) if match["index"] else len(slots)] = value
        elif key in params:
            previous = params[key]
            params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[key] = value
    for name, slots in indexed.items():
        params[name] = [slots[i] for i in sorted(slots)]
    return params


def read_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Query parameters, overlaid by a JSON object body (kintone also reads GET bodies)."""
    params = parse_query(query)
    if not body.strip() or content_type.lower().startswith("multipart/"):
        return params
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: deep nesting
        raise errors.bad_json() from None
    if not isinstance(document, dict):
        raise errors.bad_json()
    params.update(document)
    return params
