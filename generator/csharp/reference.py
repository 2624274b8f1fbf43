"""The Python twin (generator.customcode) run like the script: one request in, one response out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from generator.csharp.engine import ScriptRun
from generator.customcode import (
    AUTH_HEADER_KEYS,
    BULK_KINDS,
    FIELDS_UNREADABLE,
    JSON_CONTENT_TYPE,
    BulkKind,
    ScriptResponse,
    bulk_records,
    bulk_request_body,
    dump_json,
    guest_rewrite,
    indexed_query,
    normalize_auth,
    parse_json_object,
    poll_added,
    poll_status,
    poll_updated,
    record_schema,
    record_schema_upstream_url,
    schema_mode,
    subscribe_result,
)
from generator.runtime.messages import HttpRequest, HttpResponse

Role = Literal[
    "record_schema",
    "subscribe",
    "indexed",
    "poll_added",
    "poll_updated",
    "poll_status",
    "bulk_request",
    "bulk_add",
    "bulk_update",
    "bulk_delete",
    "forward",
]
ROLES: tuple[Role, ...] = get_args(Role)
GENERATED_MARK = "Generated from templates/script.csx.j2"
_STRING = r'"(?:\\.|[^"\\])*"'
_CONSTANT = re.compile(rf"private const string (\w+) = ({_STRING});")
_CASE = re.compile(rf"case ({_STRING}):\s*return await this\.(\w+)\(([^)]*)\)")
_METHOD_ROLES: dict[str, Role] = {
    "GetRecordSchemaAsync": "record_schema",
    "SubscribeAsync": "subscribe",
    "ForwardIndexedAsync": "indexed",
    "PollAddedAsync": "poll_added",
    "PollUpdatedAsync": "poll_updated",
    "PollStatusAsync": "poll_status",
    "BulkRequestAsync": "bulk_request",
    "BulkRecordsAsync": "bulk_add",  # the kind argument picks add, update or delete
}


@dataclass(frozen=True)
class ScriptContext:
    """The values script.csx.j2 was rendered with: which operation does what.

    guest_space_parameter is None for scripts from before the guest-space rewrite;
    auth_headers ((key, header name) for each of AUTH_HEADER_KEYS) is None for scripts from
    before the authentication step.
    """

    record_schema_operation: str
    fields_path: str
    webhook_operations: tuple[str, ...]
    remove_webhook_path: str
    indexed_arrays: tuple[tuple[str, tuple[str, ...]], ...]
    polling_operations: tuple[tuple[str, Role], ...] = ()
    guest_space_parameter: str | None = None
    auth_headers: tuple[tuple[str, str], ...] | None = None
    bulk_operations: tuple[tuple[str, Role], ...] = ()

    @classmethod
    def from_template_values(cls, values: Mapping[str, Any]) -> ScriptContext:
        """From the dict generator.render.properties.script_context gives the template."""
        indexed = tuple(
            (str(item["operation"]), tuple(str(p) for p in item["parameters"]))
            for item in values["indexed_array_operations"]
        )
        polling = tuple(
            (str(item["operation"]), _POLL_ROLES[str(item["kind"])])
            for item in values.get("polling_operations", [])
        )
        guest = values.get("guest_space_parameter")
        auth = values.get("auth_headers")
        bulk = tuple(
            (str(item["operation"]), _BULK_ROLES[str(item["kind"])])
            for item in values.get("bulk_operations", [])
        )
        return cls(
            str(values["record_schema_operation"]),
            str(values["fields_path"]),
            tuple(str(op) for op in values["webhook_operations"]),
            str(values["remove_webhook_path"]),
            indexed,
            polling,
            None if guest is None else str(guest),
            None if auth is None else tuple((key, str(auth[key])) for key in AUTH_HEADER_KEYS),
            bulk,
        )

    def role(self, operation_id: str) -> Role:
        """What the script does for an operation; "forward" is its default branch."""
        if operation_id == self.record_schema_operation:
            return "record_schema"
        if operation_id in self.webhook_operations:
            return "subscribe"
        if operation_id in dict(self.indexed_arrays):
            return "indexed"
        if operation_id in dict(self.bulk_operations):
            return dict(self.bulk_operations)[operation_id]
        return dict(self.polling_operations).get(operation_id, "forward")


_BULK_ROLES: dict[str, Role] = {
    "request": "bulk_request",
    "add": "bulk_add",
    "update": "bulk_update",
    "delete": "bulk_delete",
}
_POLL_ROLES: dict[str, Role] = {
    "added": "poll_added",
    "updated": "poll_updated",
    "status": "poll_status",
}
# The script's constants holding the auth header names, by AUTH_HEADER_KEYS key.
_AUTH_CONSTANTS = {
    "token": "TokenHeader",
    "username": "UsernameHeader",
    "password": "PasswordHeader",
    "basic_username": "BasicUsernameHeader",
    "basic_password": "BasicPasswordHeader",
}


def context_from_script(text: str) -> ScriptContext | None:
    """The context a script generated from our template was rendered with; None for others."""
    if GENERATED_MARK not in text:
        return None
    constants = {name: json.loads(value) for name, value in _CONSTANT.findall(text)}
    cases: dict[Role, list[tuple[str, tuple[str, ...]]]] = {role: [] for role in ROLES}
    polling: list[tuple[str, Role]] = []
    bulk: list[tuple[str, Role]] = []
    for label, method, arguments in _CASE.findall(text):
        role = _METHOD_ROLES.get(method)
        if role is not None:
            parameters = tuple(json.loads(p) for p in re.findall(_STRING, arguments))
            if method == "BulkRecordsAsync" and parameters:
                role = _BULK_ROLES.get(parameters[0], role)
            cases[role].append((json.loads(label), parameters))
            if role in _POLL_ROLES.values():
                polling.append((json.loads(label), role))
            if role in _BULK_ROLES.values():
                bulk.append((json.loads(label), role))
    schema = cases["record_schema"]
    if len(schema) != 1 or not {"FieldsPath", "RemoveWebhookPath"} <= constants.keys():
        return None
    return ScriptContext(
        schema[0][0],
        constants["FieldsPath"],
        tuple(op for op, _ in cases["subscribe"]),
        constants["RemoveWebhookPath"],
        tuple(cases["indexed"]),
        tuple(polling),
        constants.get("GuestSpaceParameter"),
        _auth_headers(constants),
        tuple(bulk),
    )


def _auth_headers(constants: Mapping[str, str]) -> tuple[tuple[str, str], ...] | None:
    """The auth header names of a script with the authentication step; None without it."""
    if not set(_AUTH_CONSTANTS.values()) <= constants.keys():
        return None
    return tuple((key, constants[_AUTH_CONSTANTS[key]]) for key in AUTH_HEADER_KEYS)


class _OutOfAnswers(Exception):
    """The script asked for more upstream answers than the vector has."""


_OUT_OF_ANSWERS = (
    "System.InvalidOperationException",
    "the script sent more requests than there are canned responses",
)


def reference_run(
    context: ScriptContext,
    operation_id: str,
    request: HttpRequest,
    canned: Sequence[HttpResponse],
) -> ScriptRun:
    """What the Python reference answers, and sends upstream, for one request."""
    answers = list(canned)

    def from_canned(sent: HttpRequest) -> HttpResponse:
        if not answers:
            raise _OutOfAnswers
        return answers.pop(0)

    upstream = _Upstream(request, from_canned)
    try:
        response = _answer(context, context.role(operation_id), operation_id, request, upstream)
    except _OutOfAnswers:
        kind, message = _OUT_OF_ANSWERS
        return ScriptRun(operation_id, None, tuple(upstream.sent), (), kind, message)
    return ScriptRun(operation_id, response, tuple(upstream.sent))


def reference_execute(
    context: ScriptContext,
    operation_id: str,
    request: HttpRequest,
    send: Callable[[HttpRequest], HttpResponse],
) -> HttpResponse:
    """The Python reference for one request, with Context.SendAsync played by ``send``."""
    upstream = _Upstream(request, send)
    return _answer(context, context.role(operation_id), operation_id, request, upstream)


class _Upstream:
    """Context.SendAsync for the reference: records each request and the answers received."""

    def __init__(self, incoming: HttpRequest, send: Callable[[HttpRequest], HttpResponse]) -> None:
        self.incoming = incoming
        self._send = send
        self.sent: list[HttpRequest] = []
        self.received: list[HttpResponse] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        answer = self._send(request)
        self.received.append(answer)
        return answer

    def send_get(self, method: str, url: str) -> tuple[int, bytes]:
        """The customcode.Send shape: every call carries the incoming request's headers."""
        answer = self.send(HttpRequest(method, url, self.incoming.headers))
        return answer.status, answer.body

    def last(self) -> HttpResponse:
        return self.received[-1]


def _answer(
    context: ScriptContext, role: Role, operation_id: str, request: HttpRequest, up: _Upstream
) -> HttpResponse:
    if context.auth_headers is not None:
        # The script builds kintone's auth headers first, for every operation. Polling calls
        # copy the incoming request's headers, so they must get the normalized ones too.
        headers = normalize_auth(request.headers, dict(context.auth_headers))
        request = replace(request, headers=headers)
        up.incoming = request
    if role in _POLL_ROLES.values():
        return _poll(context, role, request, up)
    if context.guest_space_parameter is not None:
        # The script rewrites guest spaces first, for every operation.
        request = replace(request, url=guest_rewrite(request.url, context.guest_space_parameter))
    if role == "record_schema":
        return _record_schema(context, request, up)
    if role == "subscribe":
        return _subscribe(context, request, up)
    if role == "indexed":
        parameters = dict(context.indexed_arrays)[operation_id]
        return up.send(replace(request, url=indexed_query(request.url, parameters)))
    if role == "bulk_request":
        body = bulk_request_body(request.url, request.body)
        return up.send(request if body is None else _with_json_body(request, body))
    if role in _BULK_ROLE_KINDS:
        return _bulk_records(_BULK_ROLE_KINDS[role], request, up)
    return up.send(request)


_BULK_ROLE_KINDS: dict[Role, BulkKind] = {
    "bulk_add": "add",
    "bulk_update": "update",
    "bulk_delete": "delete",
}
assert set(_BULK_ROLE_KINDS.values()) == set(BULK_KINDS)


def _with_json_body(request: HttpRequest, body: bytes, method: str | None = None) -> HttpRequest:
    """The request with a new JSON body (its Content-Type replaced), as the script sends it."""
    headers = tuple((k, v) for k, v in request.headers if k.lower() != "content-type")
    headers += (("Content-Type", JSON_CONTENT_TYPE),)
    return HttpRequest(method or request.method, request.url, headers, body)


def _bulk_records(kind: BulkKind, request: HttpRequest, up: _Upstream) -> HttpResponse:
    def send(method: str, url: str, body: bytes) -> tuple[int, bytes]:
        answer = up.send(replace(_with_json_body(request, body, method), url=url))
        return answer.status, answer.body

    result = bulk_records(kind, request.url, request.body, send)
    # A result without headers of its own is kintone's answer, passed on unchanged.
    if not result.headers and up.sent and _is_passed_through(up.last()):
        return up.last()
    return _new_response(result)


def _record_schema(context: ScriptContext, request: HttpRequest, up: _Upstream) -> HttpResponse:
    # The incoming request is reused (authentication headers included) as a GET.
    url = record_schema_upstream_url(request.url, context.fields_path)
    upstream = up.send(replace(request, method="GET", url=url))
    if _is_passed_through(upstream):
        return upstream  # kintone's error, headers included
    fields = parse_json_object(upstream.body)
    if fields is None or not isinstance(fields.get("properties"), dict):
        return _json(502, FIELDS_UNREADABLE)
    return _json(200, record_schema(fields, schema_mode(request.url)))


def _subscribe(context: ScriptContext, request: HttpRequest, up: _Upstream) -> HttpResponse:
    upstream = up.send(request)
    body = parse_json_object(request.body) or {}
    result = subscribe_result(
        request.url,
        body,
        upstream.status,
        upstream.body,
        context.remove_webhook_path,
        upstream.header("Location"),
        context.guest_space_parameter or "",
    )
    if _is_passed_through(upstream):
        return upstream
    location = result.headers.get("Location")
    if location is None:
        return _new_response(result)
    # The script changes kintone's own response: status 201 and a Location header.
    kept = tuple((k, v) for k, v in upstream.headers if k.lower() != "location")
    return HttpResponse(result.status, (("Location", location), *kept), upstream.body)


def _poll(context: ScriptContext, role: Role, request: HttpRequest, up: _Upstream) -> HttpResponse:
    guest = context.guest_space_parameter or ""
    if role == "poll_added":
        result = poll_added(request.url, up.send_get, guest)
    elif role == "poll_status":
        result = poll_status(request.url, up.send_get, context.fields_path, guest)
    else:
        result = poll_updated(request.url, up.send_get, context.fields_path, guest)
    # A result without headers of its own is kintone's answer, passed on unchanged.
    if not result.headers and up.sent and _is_passed_through(up.last()):
        return up.last()
    return _new_response(result)


def _is_passed_through(upstream: HttpResponse) -> bool:
    return not 200 <= upstream.status < 300


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, (("Content-Type", JSON_CONTENT_TYPE),), dump_json(value))


def _new_response(result: ScriptResponse) -> HttpResponse:
    return HttpResponse(result.status, tuple(result.headers.items()), result.body)
