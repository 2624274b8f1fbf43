"""Test-support endpoints under /_standin/, to drive a running stand-in from curl."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from generator.devtools.standin.errors import KintoneError
from generator.devtools.standin.faults import fault_from_json
from generator.devtools.standin.request import Response

if TYPE_CHECKING:
    from generator.devtools.standin.server import StandIn

PREFIX = "/_standin/"


def handle(standin: StandIn, method: str, target: str, body: bytes) -> Response:
    """Route a /_standin/ call; 400 with a message for bad input, 404 for unknown paths."""
    path, _, query = target.partition("?")
    found = _ACTIONS.get((method, path.removeprefix(PREFIX).strip("/")))
    if found is None:
        message = f"No test-support action {method} {path}; GET {PREFIX} lists them."
        return standin.error_response(KintoneError(404, "STANDIN_NF01", message))
    try:
        document = json.loads(body.decode("utf-8")) if body.strip() else {}
        params = {**dict(parse_qsl(query)), **(document if isinstance(document, dict) else {})}
        return Response(body=found[0](standin, params))
    except (ValueError, TypeError, RecursionError, KintoneError) as exc:  # bad input
        message = exc.message if isinstance(exc, KintoneError) else str(exc)
        return standin.error_response(KintoneError(400, "STANDIN_VA01", message))


def _summary(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    store = standin.store
    with store.lock:
        apps = [
            {"id": a.id, "name": a.name, "spaceId": a.space_id, "records": len(a.records)}
            for a in store.apps.values()
        ]
    actions = [
        {"method": method, "path": f"{PREFIX}{name}", "description": description}
        for (method, name), (_, description) in _ACTIONS.items()
    ]
    return {"url": standin.url, "domain": standin.domain, "apps": apps, "actions": actions}


def _add_fault(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    standin.faults.add(fault_from_json(params))
    return _faults(standin, params)


def _faults(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    return {"faults": [fault.as_json() for fault in standin.faults.pending()]}


def _clear_faults(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    standin.faults.clear()
    return {"faults": []}


def _delete_record(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    for key in ("app", "id", "user"):
        if not params.get(key):
            raise ValueError(f"{key} is required")
    standin.delete_record_as_user(str(params["app"]), str(params["id"]), str(params["user"]))
    return {}


def _webhooks(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    store = standin.store
    with store.lock:
        hooks = [
            {
                "id": h.id,
                "app": h.app,
                "url": h.url,
                "events": sorted(h.events),
                "description": h.description,
                "schemaType": h.schema_type,
                "origin": h.origin,
            }
            for h in store.webhooks
        ]
    deliveries = [d.as_json() for d in list(store.outbox.log)]
    return {"webhooks": hooks, "deliveries": deliveries, "dropped": store.outbox.dropped}


def _wait(standin: StandIn, params: dict[str, Any]) -> dict[str, Any]:
    timeout = float(params.get("timeout", 5.0))
    return {"done": standin.store.outbox.wait(min(timeout, 60.0))}


Action = Callable[["StandIn", dict[str, Any]], dict[str, Any]]
_ACTIONS: dict[tuple[str, str], tuple[Action, str]] = {
    ("GET", ""): (_summary, "This summary: URL, domain, apps and these actions."),
    ("GET", "faults"): (_faults, "Faults waiting to be injected."),
    ("POST", "faults"): (
        _add_fault,
        "Inject a fault: {method, path, count, status, body, headers} answers the next calls.",
    ),
    ("DELETE", "faults"): (_clear_faults, "Forget every pending fault."),
    ("POST", "delete-record"): (
        _delete_record,
        "Delete {app, id} as {user} in kintone's UI (the only deletion that sends DELETE_RECORD).",
    ),
    ("GET", "webhooks"): (_webhooks, "Registered webhooks and the delivery log."),
    ("POST", "wait-for-deliveries"): (
        _wait,
        "Wait up to {timeout} seconds until every queued webhook delivery was sent.",
    ),
}
