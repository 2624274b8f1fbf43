"""Executes a connector's operations the way Power Platform does, against a real backend."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec
from generator.devtools.runtime.oauth import bind_connection
from generator.devtools.runtime.requests import build_request
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
    ) -> None:
        self.package = package
        self.connection = bind_connection(package.properties, connection)
        self.script = script
        self.transport = transport
        self.throttle = Throttle(limits, clock)
        self.sleep = sleep
        self.retry_throttled = retry_throttled
        # Every request that reached the backend, the custom code's own upstream calls included.
        self.sent: list[HttpRequest] = []
        self._dynamic_cache: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}

    def call(
        self, operation_id: str, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> CallResult:
        """Run an operation with user inputs; throttled calls are refused (or retried)."""
        spec = self.package.operation(operation_id)
        request = build_request(self.package, spec, self.connection, params or {}, body)
        findings = self._check_request(spec, params or {}, body)
        while (wait := self.throttle.try_acquire()) > 0:
            if not self.retry_throttled:
                return CallResult(operation_id, None, throttled_response(wait), tuple(findings))
            self.sleep(wait)
        response = self._execute(spec, request)
        findings += self._check_response(spec, response, params or {}, body)
        return CallResult(operation_id, request, response, tuple(findings))

    def _execute(self, spec: OperationSpec, request: HttpRequest) -> HttpResponse:
        scripted = self.package.script_operations
        if scripted is None or spec.id not in scripted:
            return self._send(request)
        if self.script is None:
            raise ConnectorError(f"{spec.id} runs custom code (script.csx); no script engine given")
        response, sent = self.script.execute(spec.id, request, self._send)
        self.sent.extend(sent)
        return response

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
            request = build_request(self.package, spec, self.connection, arguments)
            response = self._execute(spec, request)
            value = response.json() if 200 <= response.status < 300 else None
            self._dynamic_cache[key] = _at_path(value, str(extension.get("value-path", "")))
        found = self._dynamic_cache[key]
        return found if isinstance(found, Mapping) else None


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
