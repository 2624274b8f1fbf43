"""Webhooks: registering them through kintone's integration API, building and sending payloads."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

from generator.devtools.standin import errors
from generator.devtools.standin.auth import MANAGE_WRITE
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.outbox import Delivery, Outbox
from generator.devtools.standin.request import Handler, Request, id_text, open_app, param
from generator.devtools.standin.seed import EVENTS
from generator.devtools.standin.store import App, Comment, Record, Store, Webhook
from generator.devtools.standin.views import record_title, record_url, record_view

MAX_PER_APP = 10
DELIVERY_TIMEOUT = 5.0
# Path suffix of each subscribe endpoint and the event it watches.
SUBSCRIBE_PATHS = {
    "update_record": "UPDATE_RECORD",
    "delete_record": "DELETE_RECORD",
    "add_record_comment": "ADD_RECORD_COMMENT",
    "update_status": "UPDATE_STATUS",
}


def seed_webhooks(store: Store) -> None:
    """Webhooks listed in the seed count as set up in each app's settings."""
    for seed_app in store.seed.apps:
        for hook in seed_app.webhooks:
            webhook_id = str(store.next_number("webhook"))
            store.webhooks.append(
                Webhook(
                    webhook_id,
                    seed_app.id,
                    hook.url,
                    frozenset(hook.events),
                    hook.description,
                    "",
                    "seed",
                )
            )


def fire(store: Store, app: App, event: str, payload: JsonObj) -> None:
    """Queue one notification per registered URL; the outbox drops those over the limit."""
    for hook in store.webhooks:
        if hook.app == app.id and event in hook.events:
            body = {
                "id": store.new_key("notification"),
                "type": event,
                "app": {"id": app.id, "name": app.name},
                **payload,
            }
            store.deliver(Delivery(hook.id, hook.url, body))


def record_event(store: Store, app: App, record: Record, event: str) -> None:
    """ADD_RECORD, UPDATE_RECORD and UPDATE_STATUS: the record in Get Record format."""
    fire(
        store,
        app,
        event,
        {
            "record": record_view(store, app, record),
            "recordTitle": record_title(store, app, record),
            "url": record_url(store, app, record.id),
        },
    )


def delete_event(store: Store, app: App, record_id: int, user: str) -> None:
    payload = {
        "recordId": str(record_id),
        "deletedBy": store.person(user),
        "deletedAt": timestamp_text(store.now()),
    }
    fire(store, app, "DELETE_RECORD", payload)


def comment_event(store: Store, app: App, record: Record, comment: Comment) -> None:
    payload = {
        "recordId": str(record.id),
        "comment": comment_view(store, comment),
        "url": f"{record_url(store, app, record.id)}&comment={comment.id}",
    }
    fire(store, app, "ADD_RECORD_COMMENT", payload)


def comment_view(store: Store, comment: Comment) -> JsonObj:
    return {
        "id": str(comment.id),
        "text": comment.text,
        "createdAt": comment.created_at,
        "creator": store.person(comment.creator),
        "mentions": [dict(m) for m in comment.mentions],
    }


# ---- the integration API (undocumented; behaviour decided for the stand-in) ---------------


def subscribe(store: Store, req: Request) -> JsonObj:
    """POST /k/integration/v1/preview/app/webhook[/<event>].json → {"id": "<webhook id>"}."""
    app = open_app(store, req, MANAGE_WRITE)
    suffix = req.api.rpartition("/")[2]
    event = SUBSCRIBE_PATHS.get(suffix) or str(param(req, "type"))
    if event not in EVENTS:
        raise errors.invalid("type", f"must be one of {', '.join(sorted(EVENTS))}")
    url = str(param(req, "url"))
    if not url.startswith(("http://", "https://")):
        raise errors.invalid("url", "Enter a URL that starts with http:// or https://.")
    if sum(1 for hook in store.webhooks if hook.app == app.id) >= MAX_PER_APP:
        raise errors.invalid("app", f"A maximum of {MAX_PER_APP} webhooks can be set per app.")
    webhook = Webhook(
        id=str(store.next_number("webhook")),
        app=app.id,
        url=url,
        events=frozenset({event}),
        description=str(req.params.get("description") or ""),
        schema_type=str(req.params.get("schemaType") or ""),
        origin="api",
    )
    store.webhooks.append(webhook)
    return {"id": webhook.id}


def unsubscribe(store: Store, req: Request) -> JsonObj:
    """DELETE /k/integration/v1/preview/app/webhook.json?app=&id= → {}."""
    app = open_app(store, req, MANAGE_WRITE)
    webhook_id = id_text(param(req, "id"), "id")
    for hook in store.webhooks:
        if hook.app == app.id and hook.id == webhook_id:
            store.webhooks.remove(hook)
            return {}
    raise errors.webhook_not_found(webhook_id)


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "integration/preview/app/webhook"): subscribe,
    **{("POST", f"integration/preview/app/webhook/{s}"): subscribe for s in SUBSCRIBE_PATHS},
    ("DELETE", "integration/preview/app/webhook"): unsubscribe,
}


# ---- delivery ------------------------------------------------------------------------------


class Dispatcher:
    """A worker thread that POSTs queued notifications, as kintone does, one at a time."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._thread: threading.Thread | None = None
        # Deliveries go to loopback receivers: never through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start(self) -> None:
        self.outbox.open()
        self._thread = threading.Thread(target=self._run, name="standin-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.outbox.close()
        if self._thread is not None:
            self._thread.join(timeout=DELIVERY_TIMEOUT + 1)
            self._thread = None

    def _run(self) -> None:
        while (delivery := self.outbox.take()) is not None:
            self._send(delivery)
            self.outbox.finished(delivery)

    def _send(self, delivery: Delivery) -> None:
        data = json.dumps(delivery.payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            delivery.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kintone"},
        )
        try:
            with self._opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
                delivery.status = response.status
        except urllib.error.HTTPError as exc:
            delivery.status = exc.code
        except (OSError, ValueError) as exc:
            delivery.error = str(exc)
        delivery.sent = True
