"""Webhook trigger lifecycle: subscribe with a local callback, receive, check, unsubscribe."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage, OperationSpec
from generator.devtools.runtime.runtime import CallResult, ConnectorRuntime
from generator.devtools.runtime.schemas import check_value, to_json_schema
from generator.errors import ConnectorError
from generator.findings import Finding

NOTIFICATION_RULE = "RUN-03"  # a notification does not fit the trigger's notification content


class TriggerError(ConnectorError):
    """Raised when a subscription cannot be made or removed; carries the backend's answer."""


@dataclass(frozen=True)
class Notification:
    """One payload the backend posted to the callback URL, with its schema findings."""

    payload: Any
    findings: tuple[Finding, ...]


@dataclass
class Subscription:
    """A registered webhook: the trigger, its callback URL and the Location to delete."""

    trigger_id: str
    callback_url: str
    location: str
    result: CallResult
    body: dict[str, Any] = field(default_factory=dict)


class CallbackServer:
    """An HTTP server on 127.0.0.1 that plays the flow's callback URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.received: list[Any] = []
        self._arrived = threading.Condition()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The callback URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/callback"

    def __enter__(self) -> CallbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Any]:
        """Block until ``count`` payloads arrived (or the timeout passed); all payloads so far."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def _record(self, body: bytes) -> None:
        try:
            payload: Any = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = body.decode("utf-8", "replace")
        with self._arrived:
            self.received.append(payload)
            self._arrived.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        record = self._record

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                record(self.rfile.read(length))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test and CLI output clean

        return Handler


def subscribe(
    runtime: ConnectorRuntime,
    trigger_id: str,
    callback_url: str,
    params: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> Subscription:
    """Register the webhook; the callback URL goes in the notification-url field."""
    spec = runtime.package.operation(trigger_id)
    if not spec.is_trigger:
        triggers = sorted(k for k, v in runtime.package.operations.items() if v.is_trigger)
        raise TriggerError(f"{trigger_id} is not a trigger; the triggers: {', '.join(triggers)}")
    filled = dict(body or {})
    for name in notification_url_fields(runtime.package, spec):
        filled[name] = callback_url
    result = runtime.call(trigger_id, params, filled)
    location = result.response.header("Location")
    if not 200 <= result.response.status < 300 or not location:
        raise TriggerError(f"subscribing {trigger_id} failed: {_describe(result)}")
    return Subscription(trigger_id, callback_url, location, result, filled)


def unsubscribe(runtime: ConnectorRuntime, subscription: Subscription) -> CallResult:
    """Send DELETE to the Location, as the platform does when the flow's trigger goes away.

    Under the connection's address it goes through the connector; elsewhere it is sent as it
    is, without the connection's credentials (ConnectorRuntime.follow).
    """
    result = runtime.follow("DELETE", subscription.location)
    if not 200 <= result.response.status < 300:
        raise TriggerError(f"unsubscribing {subscription.trigger_id} failed: {_describe(result)}")
    return result


def check_notification(
    runtime: ConnectorRuntime,
    trigger_id: str,
    payload: Any,
    body: Mapping[str, Any] | None = None,
) -> Notification:
    """A payload with its findings against the path-level x-ms-notification-content schema.

    ``body`` is the subscription's body, which a dynamic payload schema takes its inputs from.
    """
    spec = runtime.package.operation(trigger_id)
    content = spec.path_item.get("x-ms-notification-content") or {}
    schema = content.get("schema") if isinstance(content, Mapping) else None
    if isinstance(schema, Mapping) and "x-ms-dynamic-schema" in schema:
        schema = runtime.dynamic_schema(schema["x-ms-dynamic-schema"], {}, body)
    if schema is None:
        return Notification(payload, ())
    json_schema = to_json_schema(runtime.package, schema)
    where = f"notification of {trigger_id}"
    return Notification(payload, tuple(check_value(json_schema, payload, where, NOTIFICATION_RULE)))


def notification_url_fields(package: ConnectorPackage, spec: OperationSpec) -> list[str]:
    """The body properties of a webhook trigger the platform fills with the callback URL."""
    for param in package.parameters(spec):
        if param.get("in") != "body":
            continue
        schema = package.resolve(param.get("schema"))
        props = schema.get("properties") if isinstance(schema, Mapping) else None
        return [
            name
            for name, prop in (props or {}).items()
            if isinstance(prop, Mapping) and prop.get("x-ms-notification-url") is True
        ]
    return []


def _describe(result: CallResult) -> str:
    body = result.response.body.decode("utf-8", "replace")[:500]
    return f"HTTP {result.response.status} {body}".strip()


class Poller:
    """A polling trigger as the platform runs it: call, keep the Location, call it next time."""

    def __init__(
        self, runtime: ConnectorRuntime, trigger_id: str, params: Mapping[str, Any]
    ) -> None:
        spec = runtime.package.operation(trigger_id)
        if spec.operation.get("x-ms-trigger") != "batch" or spec.method != "get":
            raise TriggerError(f"{trigger_id} is not a polling trigger")
        self.runtime = runtime
        self.trigger_id = trigger_id
        self.params: dict[str, Any] = dict(params)
        self.location: str | None = None  # where the next check goes, once a check gave one
        self.findings: tuple[Finding, ...] = ()  # schema findings of the last check

    def poll(self) -> list[Any]:
        """One check: the new items (empty on 202); the next check follows the Location.

        The first check calls the trigger's operation; each later one requests the Location of
        the previous answer, as the platform does (ConnectorRuntime.follow).
        """
        if self.location is None:
            result = self.runtime.call(self.trigger_id, self.params)
        else:
            result = self.runtime.follow("GET", self.location)
        self.findings = result.findings
        status = result.response.status
        if status not in (200, 202):
            raise TriggerError(f"polling {self.trigger_id} failed: {_describe(result)}")
        self.location = result.response.header("Location") or self.location
        if self.location is not None and self.runtime.is_own(self.location):
            query = urllib.parse.urlsplit(self.location).query
            self.params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        body = result.body if status == 200 else None
        return list(body.get("value", [])) if isinstance(body, Mapping) else []
