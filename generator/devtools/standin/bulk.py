"""bulkRequest: up to 20 record writes across apps, run in order, all or nothing."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.devtools.standin import errors, process, records
from generator.devtools.standin.errors import JsonObj, KintoneError
from generator.devtools.standin.outbox import Delivery
from generator.devtools.standin.request import Handler, Request, Response, parse_path
from generator.devtools.standin.store import App, FileBlob, Record, Store

MAX_REQUESTS = 20
# The APIs Cybozu lists for bulkRequest (kintone.dev "Bulk Request"; SDK BulkRequestClient
# EndpointName; openapi.yaml BulkRequestPost*Form). Record GET/DELETE are not among them.
INNER: dict[tuple[str, str], Handler] = {
    ("POST", "record"): records.add_record,
    ("PUT", "record"): records.update_record,
    ("POST", "records"): records.add_records,
    ("PUT", "records"): records.update_records,
    ("DELETE", "records"): records.delete_records,
    ("PUT", "record/status"): process.put_status,
    ("PUT", "records/status"): process.put_statuses,
    ("PUT", "record/assignees"): process.put_assignees,
}


@dataclass
class _Snapshot:
    """What the inner APIs can change, saved before the batch so a failure can put it back.

    Records are replaced or changed attribute by attribute (never their values in place), so a
    shallow copy of each record's attributes is enough to restore it.
    """

    apps: dict[str, dict[str, Any]]
    records: dict[str, dict[int, tuple[Record, dict[str, Any]]]]
    counters: dict[str, int]
    uploads: dict[str, tuple[FileBlob, str | None]]
    files: dict[str, FileBlob]

    @classmethod
    def take(cls, store: Store) -> _Snapshot:
        return cls(
            apps={app_id: _app_state(app) for app_id, app in store.apps.items()},
            records={
                app_id: {rid: (r, dict(vars(r))) for rid, r in app.records.items()}
                for app_id, app in store.apps.items()
            },
            counters=dict(store._counters),
            uploads={key: (blob, blob.app) for key, blob in store.uploads.items()},
            files=dict(store.files),
        )

    def restore(self, store: Store) -> None:
        for app_id, app in store.apps.items():
            vars(app).update(self.apps[app_id])
            for record, state in self.records[app_id].values():
                vars(record).update(state)
            app.records = {rid: record for rid, (record, _) in self.records[app_id].items()}
        store._counters = dict(self.counters)
        for blob, owner in self.uploads.values():
            blob.app = owner
        store.uploads = {key: blob for key, (blob, _) in self.uploads.items()}
        store.files = dict(self.files)


def _app_state(app: App) -> dict[str, Any]:
    state = dict(vars(app))
    state["deploy"] = copy.copy(app.deploy)  # settle() marks a pending deploy done in place
    return state


def bulk_request(store: Store, req: Request) -> Response:
    """Run each request with the caller's credentials; the first failure undoes them all.

    Webhook notifications of the inner single-record APIs are held until the batch commits;
    a failed batch sends none. Bulk record APIs send none in any case, as in kintone.
    """
    items = _requests(req)
    snapshot = _Snapshot.take(store)
    held: list[Delivery] = []
    store.held_deliveries = held
    results: list[JsonObj] = []
    try:
        for index, item in enumerate(items):
            results.append(_run_one(store, req, item, index))
    except KintoneError as exc:
        snapshot.restore(store)
        return _failure(store, exc, len(results), len(items))
    except BaseException:
        snapshot.restore(store)
        raise
    finally:
        store.held_deliveries = None
    for delivery in held:
        store.outbox.put(delivery)
    return Response(body={"results": results})


def _failure(store: Store, exc: KintoneError, index: int, count: int) -> Response:
    """kintone's documented shape: the error at the failing index, {} everywhere else.

    Cybozu's pages and openapi.yaml document only the body; the HTTP status of a failed batch is
    not documented. The stand-in answers with the failing request's own status: cli-kintone's
    end-to-end tests against a real kintone see 403 GAIA_NO01 from `record import` and
    `record delete`, which fail only inside bulkRequest. Clients should key on the inner `code`.
    """
    results: list[JsonObj] = [{} for _ in range(count)]
    results[index] = exc.body(store.error_id())
    return Response(exc.status, {"results": results}, headers=dict(exc.headers))


def _requests(req: Request) -> list[Any]:
    items = req.params.get("requests")
    if items is None or items == []:
        raise errors.required("requests")
    if not isinstance(items, list):
        raise errors.invalid("requests", "must be an array")
    if len(items) > MAX_REQUESTS:
        raise errors.invalid(
            "requests", f"A maximum of {MAX_REQUESTS} requests can be sent at one time."
        )
    return items


def _run_one(store: Store, req: Request, item: Any, index: int) -> JsonObj:
    where = f"requests[{index}]"
    if not isinstance(item, Mapping):
        raise errors.invalid(where, "must be an object")
    method = item.get("method")
    api_path = item.get("api")
    payload = item.get("payload")
    if not isinstance(method, str) or not method:
        raise errors.required(f"{where}.method")
    if not isinstance(api_path, str) or not api_path:
        raise errors.required(f"{where}.api")
    if not isinstance(payload, Mapping):
        raise errors.required(f"{where}.payload")
    handler, api = _inner_handler(req, method.upper(), api_path, where)
    inner = replace(req, method=method.upper(), path=api_path, api=api, params=dict(payload))
    result = handler(store, inner)
    if isinstance(result, Response):  # record APIs answer plain JSON objects
        raise TypeError(f"{method} {api_path} answered a raw response inside a bulk request")
    return result


def _inner_handler(req: Request, method: str, path: str, where: str) -> tuple[Handler, str]:
    parsed = parse_path(path)
    if parsed is None or (method, parsed[0]) not in INNER:
        raise errors.invalid(f"{where}.api", f"{method} {path} cannot be run in a bulk request.")
    api, space = parsed
    # Only apps of one guest space (or none) per batch (kintone.dev "Bulk Request", limits);
    # the doc is silent on the error, so this is CB_VA01 on the inner path.
    if space != req.guest_space:
        raise errors.invalid(
            f"{where}.api", "A bulk request can only reach apps in the same guest space."
        )
    return INNER[(method, api)], api


ROUTES: dict[tuple[str, str], Handler] = {("POST", "bulkRequest"): bulk_request}
