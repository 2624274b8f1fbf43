"""Finds the operation a request to the connection's address is for, as the gateway routes it."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from generator.devtools.messages import HttpRequest
from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec


def match_operation(
    package: ConnectorPackage, operations_url: str, request: HttpRequest
) -> tuple[OperationSpec, dict[str, str]] | None:
    """The operation with the request's method whose path template matches, with path values.

    Literal paths win over templated ones, as a router prefers the most specific route.
    """
    path = _path_below(request.url, operations_url)
    if path is None:
        return None
    method = request.method.lower()
    candidates = [spec for spec in package.operations.values() if spec.method == method]
    candidates.sort(key=lambda spec: spec.path.count("{"))
    for spec in candidates:
        values = match_path(spec.path, path)
        if values is not None:
            return spec, values
    return None


def _path_below(url: str, operations_url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlsplit(operations_url)
    if (parts.scheme, parts.netloc.lower()) != (base.scheme, base.netloc.lower()):
        return None
    prefix = base.path.rstrip("/")
    if prefix and not (parts.path == prefix or parts.path.startswith(prefix + "/")):
        return None
    return parts.path[len(prefix) :] or "/"


def match_path(template: str, path: str) -> dict[str, str] | None:
    """The values of the template's {variables} in ``path``, or None if it does not match."""
    names: list[str] = []

    def group(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return "([^/]+)"

    pattern = re.sub(r"\\\{([^{}]+)\\\}", group, re.escape(template))
    found = re.fullmatch(pattern, path)
    if found is None:
        return None
    return {n: urllib.parse.unquote(v) for n, v in zip(names, found.groups(), strict=True)}


def request_inputs(request: HttpRequest, path_values: dict[str, str]) -> tuple[dict[str, Any], Any]:
    """The inputs a request carries (query and path values; the body as JSON), for schema checks."""
    query = urllib.parse.urlsplit(request.url).query
    params: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    params.update(path_values)
    try:
        body = json.loads(request.body.decode("utf-8")) if request.body else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    return params, body
