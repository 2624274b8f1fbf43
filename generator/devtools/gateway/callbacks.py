"""The flow's side of webhook triggers: callback URLs on the gateway that receive notifications."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.routing import match_operation
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.triggers import check_notification, notification_url_fields

CALLBACK_PREFIX = "/_serve/callbacks/"
_JSON = (("Content-Type", "application/json"),)


@dataclass
class Callback:
    """One callback URL handed out for a subscription, and what arrived there."""

    trigger_id: str
    body: Mapping[str, Any]
    received: list[Any] = field(default_factory=list)


class Callbacks:
    """Hands out callback URLs for webhook subscriptions and records each notification.

    On the platform the flow engine puts its own callback URL in the trigger's
    x-ms-notification-url field; a client of `serve` may do the same (any URL is kept), or
    leave the field out and get one of these.
    """

    def __init__(
        self,
        runtime: ConnectorRuntime,
        base: str,
        log: Callable[[str], None],
        out: TextIO | None = None,
    ) -> None:
        self.runtime = runtime
        self.base = base
        self._log = log
        self._out = out
        self._lock = threading.Lock()
        self.by_name: dict[str, Callback] = {}

    def fill_notification_url(self, request: HttpRequest) -> HttpRequest:
        """The request with a callback URL in its empty notification-url fields, if a trigger's."""
        found = match_operation(self.runtime.package, self.runtime.operations_url, request)
        if found is None or found[0].operation.get("x-ms-trigger") != "single":
            return request
        spec, body = found[0], _body(request)
        if not isinstance(body, dict):
            return request
        fields = notification_url_fields(self.runtime.package, spec)
        missing = [name for name in fields if not body.get(name)]
        if not missing:
            return request
        with self._lock:
            name = f"{spec.id}-{len(self.by_name) + 1}"
            self.by_name[name] = Callback(spec.id, body)
        for field_name in missing:
            body[field_name] = self.base + CALLBACK_PREFIX + name
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = tuple((k, v) for k, v in request.headers if k.lower() != "content-type")
        return replace(request, body=data, headers=(*headers, ("Content-Type", "application/json")))

    def answer(self, request: HttpRequest, path: str) -> HttpResponse:
        """POST: a notification arrives; GET: what arrived (one callback, or every name)."""
        name = path[len(CALLBACK_PREFIX) :].split("?")[0]
        with self._lock:
            callback = self.by_name.get(name)
            names = sorted(self.by_name)
        if request.method == "GET" and not name:
            return _json(200, {"callbacks": names})
        if callback is None:
            return _json(404, {"statusCode": 404, "message": f"no callback {name!r}"})
        if request.method == "GET":
            with self._lock:
                return _json(200, {"trigger": callback.trigger_id, "received": callback.received})
        if request.method != "POST":
            return _json(405, {"statusCode": 405, "message": "callbacks take POST and GET"})
        self._receive(callback, request.body)
        return HttpResponse(200, (), b"")

    def _receive(self, callback: Callback, data: bytes) -> None:
        try:
            payload: Any = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = data.decode("utf-8", "replace")
        with self._lock:
            callback.received.append(payload)
        out = self._out or sys.stdout
        print(json.dumps(payload, ensure_ascii=False), file=out, flush=True)
        checked = check_notification(self.runtime, callback.trigger_id, payload, callback.body)
        for finding in checked.findings:
            self._log(finding.render())


def _body(request: HttpRequest) -> Any:
    try:
        value = json.loads(request.body.decode("utf-8")) if request.body else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, _JSON, json.dumps(value, ensure_ascii=False).encode("utf-8"))
