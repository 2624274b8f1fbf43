"""The Python twin (generator.customcode) run like the script: one request in, one response out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from generator.csharp.engine import ScriptRun
from generator.customcode import (
    ScriptResponse,
    indexed_query,
    parse_json_object,
    record_schema_result,
    record_schema_upstream_url,
    subscribe_result,
)
from generator.runtime.messages import HttpRequest, HttpResponse

Role = Literal["record_schema", "subscribe", "indexed", "forward"]
ROLES: tuple[Role, ...] = ("record_schema", "subscribe", "indexed", "forward")
GENERATED_MARK = "Generated from templates/script.csx.j2"
_STRING = r'"(?:\\.|[^"\\])*"'
_CONSTANT = re.compile(rf"private const string (\w+) = ({_STRING});")
_CASE = re.compile(rf"case ({_STRING}):\s*return await this\.(\w+)\(([^)]*)\)")
_METHOD_ROLES: dict[str, Role] = {
    "GetRecordSchemaAsync": "record_schema",
    "SubscribeAsync": "subscribe",
    "ForwardIndexedAsync": "indexed",
}


@dataclass(frozen=True)
class ScriptContext:
    """The values script.csx.j2 was rendered with: which operation does what."""

    record_schema_operation: str
    fields_path: str
    webhook_operations: tuple[str, ...]
    remove_webhook_path: str
    indexed_arrays: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_template_values(cls, values: Mapping[str, Any]) -> ScriptContext:
        """From the dict generator.render.properties.script_context gives the template."""
        indexed = tuple(
            (str(item["operation"]), tuple(str(p) for p in item["parameters"]))
            for item in values["indexed_array_operations"]
        )
        return cls(
            str(values["record_schema_operation"]),
            str(values["fields_path"]),
            tuple(str(op) for op in values["webhook_operations"]),
            str(values["remove_webhook_path"]),
            indexed,
        )

    def role(self, operation_id: str) -> Role:
        """What the script does for an operation; "forward" is its default branch."""
        if operation_id == self.record_schema_operation:
            return "record_schema"
        if operation_id in self.webhook_operations:
            return "subscribe"
        if operation_id in dict(self.indexed_arrays):
            return "indexed"
        return "forward"


def context_from_script(text: str) -> ScriptContext | None:
    """The context a script generated from our template was rendered with; None for others."""
    if GENERATED_MARK not in text:
        return None
    constants = {name: json.loads(value) for name, value in _CONSTANT.findall(text)}
    cases: dict[Role, list[tuple[str, tuple[str, ...]]]] = {role: [] for role in ROLES}
    for label, method, arguments in _CASE.findall(text):
        role = _METHOD_ROLES.get(method)
        if role is not None:
            parameters = tuple(json.loads(p) for p in re.findall(_STRING, arguments))
            cases[role].append((json.loads(label), parameters))
    schema = cases["record_schema"]
    if len(schema) != 1 or not {"FieldsPath", "RemoveWebhookPath"} <= constants.keys():
        return None
    return ScriptContext(
        schema[0][0],
        constants["FieldsPath"],
        tuple(op for op, _ in cases["subscribe"]),
        constants["RemoveWebhookPath"],
        tuple(cases["indexed"]),
    )


def reference_run(
    context: ScriptContext,
    operation_id: str,
    request: HttpRequest,
    canned: Sequence[HttpResponse],
) -> ScriptRun:
    """What the Python reference answers, and sends upstream, for one request."""
    role = context.role(operation_id)
    sent = _upstream_request(context, role, operation_id, request)
    if not canned:
        error = "the script sent more requests than there are canned responses"
        return ScriptRun(operation_id, None, (sent,), (), "System.InvalidOperationException", error)
    response = _ANSWERS[role](context, request, canned[0])
    return ScriptRun(operation_id, response, (sent,))


def _upstream_request(
    context: ScriptContext, role: Role, operation_id: str, request: HttpRequest
) -> HttpRequest:
    """The request the script forwards: the incoming one, its URL (and method) rewritten."""
    if role == "record_schema":
        url = record_schema_upstream_url(request.url, context.fields_path)
        return replace(request, method="GET", url=url)
    if role == "indexed":
        return replace(
            request, url=indexed_query(request.url, dict(context.indexed_arrays)[operation_id])
        )
    return request


def _record_schema(
    context: ScriptContext, request: HttpRequest, upstream: HttpResponse
) -> HttpResponse:
    result = record_schema_result(request.url, upstream.status, upstream.body)
    # Errors from kintone go back unchanged, headers included; anything else is a new response.
    return upstream if _is_passed_through(upstream) else _new_response(result)


def _subscribe(
    context: ScriptContext, request: HttpRequest, upstream: HttpResponse
) -> HttpResponse:
    body = parse_json_object(request.body) or {}
    result = subscribe_result(
        request.url, body, upstream.status, upstream.body, context.remove_webhook_path
    )
    if _is_passed_through(upstream):
        return upstream
    location = result.headers.get("Location")
    if location is None:
        return _new_response(result)
    # The script changes kintone's own response: status 201 and a Location header.
    kept = tuple((k, v) for k, v in upstream.headers if k.lower() != "location")
    return HttpResponse(result.status, (("Location", location), *kept), upstream.body)


def _forward(context: ScriptContext, request: HttpRequest, upstream: HttpResponse) -> HttpResponse:
    return upstream


def _is_passed_through(upstream: HttpResponse) -> bool:
    return not 200 <= upstream.status < 300


def _new_response(result: ScriptResponse) -> HttpResponse:
    return HttpResponse(result.status, tuple(result.headers.items()), result.body)


_ANSWERS: dict[Role, Callable[[ScriptContext, HttpRequest, HttpResponse], HttpResponse]] = {
    "record_schema": _record_schema,
    "subscribe": _subscribe,
    "indexed": _forward,
    "forward": _forward,
}
