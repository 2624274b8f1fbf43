"""Executes a connector's operations the way Power Platform does, against a real backend."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec
from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.requests import (
    DEFAULT_BASE_URL,
    client_request,
    gateway_request,
    operations_base,
)
from generator.devtools.runtime.routing import match_operation, request_inputs
from generator.devtools.runtime.schemas import check_value, to_json_schema
from generator.devtools.runtime.script import ScriptEngine
from generator.devtools.runtime.throttle import Clock, Limit, Throttle, throttled_response
from generator.devtools.runtime.transport import Transport, http_transport
from generator.errors import ConnectorError
from generator.findings import Finding, Level

RESPONSE_RULE = "RUN-01"  # a response does not fit its declared (or dynamic) schema
REQUEST_RULE = "RUN-02"  # a request body does not fit the dynamic schema of its fields


@dataclass(frozen=True)
class CallResult:
    """One call: what was sent (None if throttled), what came back, and schema findings."""

    operation_id: str
    request: HttpRequest | None
    response: HttpResponse
    findings: tuple[Finding, ...] = ()

    @property
    def body(self) -> Any:
        """The response body as JSON (None when empty or not JSON)."""
        return self.response.json()


class ConnectorRuntime:
    """One connection of one connector package: policies, auth, throttle, custom code."""

    def __init__(
        self,
        package: ConnectorPackage,
        connection: Mapping[str, str],
        *,
        limits: tuple[Limit, ...] = (),
        script: ScriptEngine | None = None,
        transport: Transport = http_transport,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        retry_throttled: bool = False,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self.package = package
        self.base_url = base_url.rstrip("/")  # the connection's own address (its endpoint)
        self.connection = dict(connection)
        self.script = script
        self.transport = transport
        self.throttle = Throttle(limits, clock)
        self.sleep = sleep
        self.retry_throttled = retry_throttled
        self.sent: list[HttpRequest] = []  # every request that reached the backend
        self._dynamic_cache: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}

    def call(
        self, operation_id: str, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> CallResult:
        """Run an operation with user inputs; throttled calls are refused (or retried)."""
        spec = self.package.operation(operation_id)
        incoming = client_request(self.package, spec, params or {}, body, self.base_url)
        return self._handle(spec, incoming, params or {}, body)

    def handle(self, incoming: HttpRequest) -> CallResult | None:
        """Answer a request made to the connection's address, as the platform's gateway does.

        None when no operation has that method and path: the caller answers 404.
        """
        found = match_operation(self.package, self.operations_url, incoming)
        if found is None:
            return None
        spec, path_values = found
        params, body = request_inputs(incoming, path_values)
        return self._handle(spec, incoming, params, body)

    def follow(self, method: str, location: str) -> CallResult:
        """Request a Location the platform was given (webhook removal, next poll), as it does.

        A Location under the connection's address goes through the connector (throttle,
        policies, credentials, custom code); any other is requested as it is, with none of the
        connection's parameters (operation_id "" then).
        """
        request = HttpRequest(method.upper(), location)
        if self.is_own(location):
            result = self.handle(request)
            if result is not None:
                return result
            return CallResult("", request, _not_found(method, location))
        return CallResult("", request, self.transport(request))

    def is_own(self, url: str) -> bool:
        """Whether ``url`` is under the connection's address (so the platform routes it here)."""
        return _under(url, self.base_url)

    @property
    def operations_url(self) -> str:
        """The connection's address followed by the swagger basePath."""
        return operations_base(self.package, self.base_url)

    def _handle(
        self, spec: OperationSpec, incoming: HttpRequest, params: Mapping[str, Any], body: Any
    ) -> CallResult:
        findings = self._check_request(spec, params, body)
        while (wait := self.throttle.try_acquire()) > 0:
            if not self.retry_throttled:
                return CallResult(spec.id, None, throttled_response(wait), tuple(findings))
            self.sleep(wait)
        request, response = self._execute(spec, incoming)
        findings += self._check_response(spec, response, params, body)
        return CallResult(spec.id, request, response, tuple(findings))

    def _execute(
        self, spec: OperationSpec, incoming: HttpRequest
    ) -> tuple[HttpRequest, HttpResponse]:
        """Policies, then the custom code (or the backend); (the request after policies, answer)."""
        request = gateway_request(self.package, spec, self.connection, incoming, self.base_url)
        scripted = self.package.script_operations
        if scripted is None or spec.id not in scripted:
            return request, self._send(request)
        if self.script is None:
            raise ConnectorError(f"{spec.id} runs custom code (script.csx); no script engine given")
        return request, self.script.execute(spec.id, request, self._send, original_url=incoming.url)

    def _send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        return self.transport(request)

    # ---- schema checks -------------------------------------------------------------------

    def _check_response(
        self, spec: OperationSpec, response: HttpResponse, params: Mapping[str, Any], body: Any
    ) -> list[Finding]:
        if not 200 <= response.status < 300:
            return []
        declared = _declared_response(spec, response.status)
        schema = self.package.resolve(declared.get("schema")) if declared else None
        if not isinstance(schema, Mapping):
            return []
        if schema.get("format") == "binary":
            return []  # a file download: nothing to check against a JSON schema
        if "x-ms-dynamic-schema" in schema:
            schema = self.dynamic_schema(schema["x-ms-dynamic-schema"], params, body) or {}
        value = response.json()
        if value is None and response.body:
            return [Finding("response", "", RESPONSE_RULE, Level.ERROR, "the body is not JSON")]
        where = f"response of {spec.id}"
        return check_value(to_json_schema(self.package, schema), value, where, RESPONSE_RULE)

    def _check_request(
        self, spec: OperationSpec, params: Mapping[str, Any], body: Any
    ) -> list[Finding]:
        schema = _body_schema(self.package, spec)
        if not isinstance(body, Mapping) or schema is None:
            return []
        findings: list[Finding] = []
        for name, prop in (schema.get("properties") or {}).items():
            dynamic = prop.get("x-ms-dynamic-schema") if isinstance(prop, Mapping) else None
            if dynamic is None or name not in body:
                continue
            resolved = self.dynamic_schema(dynamic, params, body)
            if resolved is not None:
                json_schema = to_json_schema(self.package, resolved)
                where = f"request of {spec.id} ({name})"
                findings += check_value(json_schema, body[name], where, REQUEST_RULE)
        return findings

    def dynamic_schema(
        self, extension: Mapping[str, Any], params: Mapping[str, Any], body: Any
    ) -> Mapping[str, Any] | None:
        """Fetch a dynamic schema through its operation (not counted by the throttle)."""
        arguments = _dynamic_arguments(extension.get("parameters") or {}, params, body)
        key = (str(extension.get("operationId")), tuple(sorted(arguments.items())))
        if key not in self._dynamic_cache:
            spec = self.package.operation(key[0])
            incoming = client_request(self.package, spec, arguments, None, self.base_url)
            _, response = self._execute(spec, incoming)
            value = response.json() if 200 <= response.status < 300 else None
            self._dynamic_cache[key] = _at_path(value, str(extension.get("value-path", "")))
        found = self._dynamic_cache[key]
        return found if isinstance(found, Mapping) else None


def _not_found(method: str, url: str) -> HttpResponse:
    """The gateway's answer when no operation has this method and path."""
    message = f"no operation answers {method.upper()} {url}"
    body = json.dumps({"statusCode": 404, "message": message}).encode("utf-8")
    return HttpResponse(404, (("Content-Type", "application/json"),), body)


def _under(url: str, base: str) -> bool:
    if not url.startswith(base):
        return False
    return len(url) == len(base) or url[len(base)] in "/?#"


def _declared_response(spec: OperationSpec, status: int) -> Mapping[str, Any] | None:
    responses = spec.operation.get("responses") or {}
    found = responses.get(str(status)) or responses.get("default")
    return found if isinstance(found, Mapping) else None


def _body_schema(package: ConnectorPackage, spec: OperationSpec) -> Mapping[str, Any] | None:
    for param in package.parameters(spec):
        if param.get("in") == "body":
            schema = package.resolve(param.get("schema"))
            return schema if isinstance(schema, Mapping) else None
    return None


def _dynamic_arguments(
    declared: Mapping[str, Any], params: Mapping[str, Any], body: Any
) -> dict[str, str]:
    """x-ms-dynamic-schema parameters: {"parameter": name} reads an input, else a literal."""
    values = dict(body) if isinstance(body, Mapping) else {}
    values.update(params)
    result: dict[str, str] = {}
    for name, spec in declared.items():
        if isinstance(spec, Mapping) and "parameter" in spec:
            value = values.get(str(spec["parameter"]))
        else:
            value = spec
        if value is not None:
            result[name] = str(value)
    return result


def _at_path(value: Any, path: str) -> Any:
    for token in filter(None, path.split("/")):
        if not isinstance(value, Mapping):
            return None
        value = value.get(token)
    return value
