"""Builds the backend request of an operation from user inputs, as the platform does."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec
from generator.devtools.runtime.messages import HttpRequest
from generator.devtools.runtime.policies import (
    Policy,
    PolicyInput,
    base_url,
    evaluate,
    policies_of,
)
from generator.errors import ConnectorError

JSON_TYPE = "application/json"
# Where a connection is reached when no gateway server runs (call, tests): a name under
# RFC 2606's .invalid can never be resolved, so a Location on it only works through the runtime.
DEFAULT_BASE_URL = "https://gateway.invalid/apim/kintone/connection"


class InputError(ConnectorError):
    """Raised when the inputs of a call do not fit the operation's parameters."""


@dataclass
class _Draft:
    """The request while it is being assembled."""

    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    form: list[tuple[str, Any]] = field(default_factory=list)
    raw_query: str = ""  # the incoming query, kept as it was encoded


def build_request(
    package: ConnectorPackage,
    spec: OperationSpec,
    connection: Mapping[str, str],
    params: Mapping[str, Any],
    body: Any = None,
) -> HttpRequest:
    """The HTTP request the platform sends for ``spec`` with these inputs."""
    base = DEFAULT_BASE_URL
    incoming = client_request(package, spec, params, body, base)
    return gateway_request(package, spec, connection, incoming, base)


def client_request(
    package: ConnectorPackage,
    spec: OperationSpec,
    params: Mapping[str, Any],
    body: Any = None,
    base: str = DEFAULT_BASE_URL,
) -> HttpRequest:
    """What a client of the connection sends for ``spec``: its path under ``base``, no policies.

    This is the request a flow (or curl) makes to the connection's endpoint: inputs in the
    path, query, headers and body the operation declares; internal defaults filled, as the
    designer fills them.
    """
    declared = package.parameters(spec)
    _reject_unknown(spec, declared, params)
    draft = _Draft(spec.path)
    for param in declared:
        _place(package, draft, param, params, body)
    return _finish(spec.method.upper(), operations_base(package, base), draft)


def operations_base(package: ConnectorPackage, base: str) -> str:
    """The connection's base URL followed by the swagger basePath: where operation paths start."""
    base_path = str(package.swagger.get("basePath") or "/").rstrip("/")
    return base.rstrip("/") + base_path


def gateway_request(
    package: ConnectorPackage,
    spec: OperationSpec,
    connection: Mapping[str, str],
    incoming: HttpRequest,
    base: str,
) -> HttpRequest:
    """What the platform sends to the backend for ``incoming``, a request under ``base``.

    The path below the base and the query are kept as they came, the body untouched; then the
    connection's authentication, then the policies in the order apiProperties lists them
    (Learn, "Use policy templates": the order sets their sequence), then the backend host.
    """
    parts = urllib.parse.urlsplit(incoming.url)
    prefix = urllib.parse.urlsplit(operations_base(package, base)).path
    path = parts.path[len(prefix) :] if parts.path.startswith(prefix) else parts.path
    draft = _Draft(path or "/", raw_query=parts.query)
    for name, value in incoming.headers:
        if name.lower() not in HOP_BY_HOP:
            _set_header(draft.headers, name, value)
    _authenticate(package, spec, connection, draft)
    host = _apply_policies(package, spec, connection, draft)
    url = base_url(host or _swagger_host(package)) + draft.path
    query = "&".join(
        q
        for q in (
            draft.raw_query,
            urllib.parse.urlencode(draft.query, quote_via=urllib.parse.quote),
        )
        if q
    )
    return HttpRequest(
        incoming.method,
        url + ("?" + query if query else ""),
        tuple(draft.headers.items()),
        incoming.body,
    )


# Framing and connection headers are the transport's; the backend's Host follows its URL.
HOP_BY_HOP = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "proxy-authorization",
        "expect",
    }
)


def _set_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing one of the same name in any case (existsAction override)."""
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


def _reject_unknown(
    spec: OperationSpec, declared: list[Mapping[str, Any]], params: Mapping[str, Any]
) -> None:
    names = {str(p.get("name")) for p in declared if p.get("in") != "body"}
    unknown = sorted(set(params) - names)
    if unknown:
        allowed = ", ".join(sorted(names)) or "none"
        raise InputError(f"{spec.id}: unknown parameter {unknown[0]!r} (parameters: {allowed})")


def _place(
    package: ConnectorPackage,
    draft: _Draft,
    param: Mapping[str, Any],
    params: Mapping[str, Any],
    body: Any,
) -> None:
    name, where = str(param.get("name")), param.get("in")
    if where == "body":
        draft.body = _body_value(package, param, body)
        return
    value = _value(param, params.get(name))
    if value is None:
        return
    if where == "path":
        draft.path = draft.path.replace("{" + name + "}", _encode_path(param, value))
    elif where == "query":
        draft.query.extend(_query_pairs(param, name, value))
    elif where == "header":
        draft.headers[name] = _text(value)
    elif where == "formData":
        draft.form.append((name, value))


def _value(param: Mapping[str, Any], given: Any) -> Any:
    """The value sent: internal parameters take their default, others the input or default."""
    name = param.get("name")
    internal = param.get("x-ms-visibility") == "internal"
    if internal and "default" in param:
        return param["default"]
    if given is not None:
        return given
    if "default" in param and param.get("required"):
        return param["default"]
    if param.get("required"):
        raise InputError(f"required parameter {name!r} is missing")
    return None


def _encode_path(param: Mapping[str, Any], value: Any) -> str:
    encoded = urllib.parse.quote(_text(value), safe="")
    if param.get("x-ms-url-encoding") == "double":
        encoded = urllib.parse.quote(encoded, safe="")
    return encoded


def _query_pairs(param: Mapping[str, Any], name: str, value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list | tuple):
        return [(name, _text(value))]
    if param.get("collectionFormat") == "multi":
        return [(name, _text(v)) for v in value]
    separator = {"ssv": " ", "tsv": "\t", "pipes": "|"}.get(str(param.get("collectionFormat")), ",")
    return [(name, separator.join(_text(v) for v in value))]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _body_value(package: ConnectorPackage, param: Mapping[str, Any], body: Any) -> Any:
    schema = package.resolve(param.get("schema", {}))
    filled = _fill_internal_defaults(package, schema, body)
    if filled is None and param.get("required"):
        raise InputError(f"the request body {param.get('name')!r} is required")
    if isinstance(filled, dict) and isinstance(schema, Mapping):
        missing = [k for k in schema.get("required", []) if k not in filled]
        if missing:
            raise InputError(f"the request body misses required property {missing[0]!r}")
    return filled


def _fill_internal_defaults(package: ConnectorPackage, schema: Any, value: Any) -> Any:
    """Internal body properties with a default are filled by the platform, like parameters."""
    if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
        return value
    if value is None and not _has_internal_default(package, schema):
        return None
    result = dict(value) if isinstance(value, Mapping) else {}
    for name, prop in schema["properties"].items():
        prop = package.resolve(prop)
        if not isinstance(prop, Mapping):
            continue
        if prop.get("x-ms-visibility") == "internal" and "default" in prop:
            result.setdefault(name, prop["default"])
        elif name in result:
            result[name] = _fill_internal_defaults(package, prop, result[name])
    return result


def _has_internal_default(package: ConnectorPackage, schema: Mapping[str, Any]) -> bool:
    props = schema.get("properties", {})
    return any(
        isinstance(p, Mapping) and p.get("x-ms-visibility") == "internal" and "default" in p
        for p in (package.resolve(v) for v in props.values())
    )


def _authenticate(
    package: ConnectorPackage, spec: OperationSpec, connection: Mapping[str, str], draft: _Draft
) -> None:
    definitions = package.swagger.get("securityDefinitions") or {}
    for name in _security_names(package, spec):
        scheme = definitions.get(name) if isinstance(definitions, Mapping) else None
        if isinstance(scheme, Mapping):
            _apply_scheme(scheme, connection, draft)
            return
    if "token" in connection:  # an oauthSetting connection: the platform sends its access token
        _set_header(draft.headers, "Authorization", "Bearer " + connection["token"])


def _security_names(package: ConnectorPackage, spec: OperationSpec) -> list[str]:
    requirements = spec.operation.get("security", package.swagger.get("security")) or []
    return [str(k) for r in requirements if isinstance(r, Mapping) for k in r]


def _apply_scheme(scheme: Mapping[str, Any], connection: Mapping[str, str], draft: _Draft) -> None:
    kind = scheme.get("type")
    if kind == "apiKey" and "api_key" in connection:
        target = draft.headers if scheme.get("in") == "header" else None
        if target is None:
            draft.query.append((str(scheme.get("name")), connection["api_key"]))
        else:
            _set_header(target, str(scheme.get("name")), connection["api_key"])
    elif kind == "basic" and "username" in connection:
        pair = f"{connection['username']}:{connection.get('password', '')}".encode()
        _set_header(
            draft.headers, "Authorization", "Basic " + base64.b64encode(pair).decode("ascii")
        )
    elif kind == "oauth2" and "token" in connection:
        _set_header(draft.headers, "Authorization", "Bearer " + connection["token"])


def _apply_policies(
    package: ConnectorPackage, spec: OperationSpec, connection: Mapping[str, str], draft: _Draft
) -> str | None:
    host: str | None = None
    for policy in policies_of(package.properties):
        if not policy.applies_to(spec.id):
            continue
        query = dict(urllib.parse.parse_qsl(draft.raw_query, keep_blank_values=True))
        source = PolicyInput(connection, draft.headers, {**query, **dict(draft.query)})
        if policy.template == "dynamichosturl":
            host = evaluate(policy.value("urlTemplate"), source)
        elif policy.template == "setheader":
            _apply_setheader(policy, source, draft.headers)
        elif policy.template == "setqueryparameter":
            draft.query.append((policy.value("name"), evaluate(policy.value("value"), source)))
        elif policy.template == "routerequesttoendpoint":
            draft.path = evaluate(policy.value("newPath"), source)
    return host


def _apply_setheader(policy: Policy, source: PolicyInput, headers: dict[str, str]) -> None:
    """setheader with its existsAction: override (the default), skip, or append."""
    name, value = evaluate(policy.value("name"), source), evaluate(policy.value("value"), source)
    action = policy.parameters.get("x-ms-apimTemplateParameter.existsAction", "override")
    present = next((k for k in headers if k.lower() == name.lower()), None)
    if present is not None and action == "skip":
        return
    if present is not None and action == "append":
        value = headers[present] + "," + value
    _set_header(headers, name, value)


def _swagger_host(package: ConnectorPackage) -> str:
    schemes = package.swagger.get("schemes") or ["https"]
    base_path = str(package.swagger.get("basePath") or "/")
    return f"{schemes[0]}://{package.swagger.get('host', '')}{base_path.rstrip('/')}"


def _finish(method: str, host: str, draft: _Draft) -> HttpRequest:
    url = base_url(host) + draft.path
    if draft.query:
        url += "?" + urllib.parse.urlencode(draft.query, quote_via=urllib.parse.quote)
    headers = dict(draft.headers)
    data = b""
    if draft.body is not None:
        headers.setdefault("Content-Type", JSON_TYPE)
        data = json.dumps(draft.body, ensure_ascii=False).encode("utf-8")
    elif draft.form:
        headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
        data = multipart(draft.form)
    return HttpRequest(method, url, tuple(headers.items()), data)


@dataclass(frozen=True)
class FileInput:
    """A file given to a formData parameter of type file."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


BOUNDARY = "kintone-connector-boundary"  # fixed, so that requests are reproducible


def multipart(fields: list[tuple[str, Any]]) -> bytes:
    """A multipart/form-data body; FileInput values become file parts."""
    parts: list[bytes] = []
    for name, value in fields:
        if isinstance(value, FileInput):
            filename = value.name.replace('"', "%22").replace("\r", "").replace("\n", "")
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {value.content_type}\r\n\r\n"
            )
            content = value.content
        else:
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
            content = _text(value).encode("utf-8")
        parts.append(f"--{BOUNDARY}\r\n".encode() + head.encode("utf-8") + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def designer_defaults(
    package: ConnectorPackage, spec: OperationSpec, request: HttpRequest
) -> HttpRequest:
    """``request`` with the internal inputs a flow designer fills in, where they are missing.

    Internal parameters and body properties with a default are sent by the designer, not
    typed by the maker; a client of `serve` (curl) may leave them out. A request that has them
    all is returned unchanged, byte for byte.
    """
    parts = urllib.parse.urlsplit(request.url)
    present = {name for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)}
    added: list[tuple[str, str]] = []
    body = request.body
    for param in package.parameters(spec):
        name = str(param.get("name"))
        internal = param.get("x-ms-visibility") == "internal" and "default" in param
        if param.get("in") == "query" and internal and name not in present:
            added.append((name, _text(param["default"])))
        elif param.get("in") == "body":
            body = _body_defaults(package, param, body)
    if not added and body is request.body:
        return request
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode(added)) if q)
    url = urllib.parse.urlunsplit(parts._replace(query=query))
    return HttpRequest(request.method, url, request.headers, body)


def _body_defaults(package: ConnectorPackage, param: Mapping[str, Any], body: bytes) -> bytes:
    try:
        value = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    schema = package.resolve(param.get("schema", {}))
    if not isinstance(value, dict) and value is not None:
        return body
    filled = _fill_internal_defaults(package, schema, value)
    if filled == value:
        return body
    return json.dumps(filled, ensure_ascii=False).encode("utf-8")
