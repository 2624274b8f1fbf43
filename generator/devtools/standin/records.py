"""Record endpoints: one record and many, add, update (by ID or update key, with upsert), delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors, process
from generator.devtools.standin.auth import ADD, DELETE, EDIT, VIEW, Principal
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import (
    INVALID,
    META,
    UNIQUE_CAPABLE,
    check_value,
    datetime_text,
)
from generator.devtools.standin.query import Context, run
from generator.devtools.standin.request import (
    Handler,
    Request,
    bool_param,
    id_param,
    id_text,
    list_param,
    open_app,
    revision_param,
)
from generator.devtools.standin.store import App, Record, Store
from generator.devtools.standin.views import record_view
from generator.devtools.standin.webhooks import delete_event, record_event
from generator.devtools.standin.writes import (
    Uniques,
    Write,
    build_values,
    check_unique,
    make_env,
    store_values,
)

MAX_WRITE = 100


def find_record(app: App, record_id: str) -> Record:
    record = app.records.get(int(record_id))
    if record is None:
        raise errors.record_not_found(record_id)
    return record


def check_revision(record: Record, expected: int | None) -> None:
    if expected is not None and expected != record.revision:
        raise errors.revision_conflict()


def query_context(store: Store, principal: Principal) -> Context:
    def file_name(key: str) -> str:
        blob = store.files.get(key)
        return blob.name if blob else ""

    return Context(
        now=store.now(),
        login=principal.login,
        file_name=file_name,
        organization=store.primary_organization(principal.login),
    )


# ---- reading -------------------------------------------------------------------------------


def get_record(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, VIEW)
    record = find_record(app, id_param(req, "id"))
    return {"record": record_view(store, app, record)}


def get_records(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, VIEW)
    only = [str(code) for code in list_param(req, "fields")] or None
    ctx = query_context(store, req.principal)
    page, total, _ = run(str(req.params.get("query") or ""), app, list(app.records.values()), ctx)
    return {
        "records": [record_view(store, app, record, only) for record in page],
        "totalCount": str(total) if bool_param(req, "totalCount") else None,
    }


# ---- adding --------------------------------------------------------------------------------


def insert(store: Store, app: App, values: JsonObj, principal: Principal) -> Record:
    """Store a new record (values already checked): ID, meta fields, first status.

    Created and updated times have minute precision in kintone (seconds read 00).
    """
    stamp = datetime_text(store.now())
    record = Record(id=app.next_record, revision=1, values=store_values(store, app, values))
    app.next_record += 1
    _take_meta(app, record, principal.login, stamp)
    process.start(store, app, record)
    app.records[record.id] = record
    return record


def _take_meta(app: App, record: Record, login: str, stamp: str) -> None:
    """Creator and times come from the caller and the clock unless an admin wrote them."""
    given: dict[str, Any] = {}
    for code, prop in app.fields.items():
        if prop["type"] in META and code in record.values:
            given[prop["type"]] = record.values.pop(code)
    record.creator = given.get("CREATOR", login)
    record.modifier = given.get("MODIFIER", record.creator)
    record.created_at = given.get("CREATED_TIME", stamp)
    record.updated_at = given.get("UPDATED_TIME", record.created_at)


def add_record(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, ADD)
    problems = Problems()
    write = Write(app, req.principal, "record.")
    values = build_values(store, write, req.params.get("record"), problems)
    check_unique(app, values, None, "record.", problems)
    problems.raise_if_any()
    record = insert(store, app, values, req.principal)
    record_event(store, app, record, "ADD_RECORD")
    return {"id": str(record.id), "revision": str(record.revision)}


def _records_list(req: Request, verb: str) -> list[Any]:
    items = req.params.get("records")
    if items is None:
        raise errors.required("records")
    if not isinstance(items, list):
        raise errors.invalid("records", "must be an array")
    if len(items) > MAX_WRITE:
        msg = f"A maximum of {MAX_WRITE} records can be {verb} at one time."
        raise errors.invalid("records", msg)
    return items


def add_records(store: Store, req: Request) -> JsonObj:
    """All or nothing, and no webhooks: kintone sends none for bulk operations."""
    app = open_app(store, req, ADD)
    items = _records_list(req, "added")
    problems = Problems()
    pending: list[JsonObj] = []
    uniques = Uniques(app)
    for index, given in enumerate(items):
        prefix = f"records[{index}]."
        values = build_values(store, Write(app, req.principal, prefix), given, problems)
        uniques.check(values, None, prefix, problems)
        uniques.claim(values, None)
        pending.append(values)
    problems.raise_if_any()
    records = [insert(store, app, values, req.principal) for values in pending]
    return {"ids": [str(r.id) for r in records], "revisions": [str(r.revision) for r in records]}


# ---- updating ------------------------------------------------------------------------------


def locate(store: Store, app: App, item: Mapping[str, Any], where: str) -> Record | None:
    """The record an update names by `id` or `updateKey`; None when the key matches nothing."""
    has_id = item.get("id") not in (None, "")
    key = item.get("updateKey")
    if has_id and key is not None:
        raise errors.invalid(f"{where}id", "Specify either id or updateKey, not both.")
    if has_id:
        return app.records.get(int(id_text(item["id"], f"{where}id")))
    if not isinstance(key, Mapping):
        raise errors.required(f"{where}id")
    return _by_update_key(store, app, key, f"{where}updateKey")


def _by_update_key(store: Store, app: App, key: Mapping[str, Any], where: str) -> Record | None:
    code = str(key.get("field") or "")
    prop = app.fields.get(code)
    if prop is None or prop["type"] not in UNIQUE_CAPABLE or not prop.get("unique"):
        raise errors.invalid(f"{where}.field", "Specify a field that prohibits duplicate values.")
    problems = Problems()
    env = make_env(store, Principal("token"))
    value = check_value(prop, key.get("value"), f"{where}", problems, env)
    if problems or value is INVALID or value == "":
        raise errors.invalid(f"{where}.value", "Specify a valid value.")
    return next((r for r in app.records.values() if r.values.get(code) == value), None)


def apply_update(store: Store, app: App, record: Record, values: JsonObj, login: str) -> None:
    record.values = store_values(store, app, values)
    record.revision += 1
    record.modifier = login
    record.updated_at = datetime_text(store.now())


def update_record(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, EDIT)
    record = locate(store, app, req.params, "")
    if record is None:
        if req.params.get("updateKey") is not None:
            raise errors.update_key_not_found()
        raise errors.record_not_found(str(req.params.get("id")))
    check_revision(record, revision_param(req.params.get("revision")))
    problems = Problems()
    write = Write(app, req.principal, "record.", record)
    values = build_values(store, write, req.params.get("record"), problems)
    check_unique(app, values, record.id, "record.", problems)
    problems.raise_if_any()
    apply_update(store, app, record, values, req.principal.login)
    record_event(store, app, record, "UPDATE_RECORD")
    return {"revision": str(record.revision)}


def update_records(store: Store, req: Request) -> JsonObj:
    """Bulk update, with `upsert` adding records whose id or update key matches nothing."""
    upsert = req.params.get("upsert") is True or str(req.params.get("upsert")).lower() == "true"
    app = open_app(store, req, EDIT)
    if upsert:
        open_app(store, req, ADD)
    items = _records_list(req, "updated")
    problems = Problems()
    plan: list[tuple[Record | None, JsonObj]] = []
    uniques = Uniques(app)
    for index, item in enumerate(items):
        plan.append(_plan_update(store, req, app, item, index, upsert, problems, uniques))
    problems.raise_if_any()
    return {
        "records": [_commit(store, req, app, record, values, upsert) for record, values in plan]
    }


def _plan_update(
    store: Store,
    req: Request,
    app: App,
    item: Any,
    index: int,
    upsert: bool,
    problems: Problems,
    uniques: Uniques,
) -> tuple[Record | None, JsonObj]:
    where = f"records[{index}]."
    if not isinstance(item, Mapping):
        raise errors.invalid(f"records[{index}]", "must be an object")
    record = locate(store, app, item, where)
    if record is None and not upsert:
        if item.get("updateKey") is not None:
            raise errors.update_key_not_found()
        raise errors.record_not_found(str(item.get("id")))
    if record is not None:
        check_revision(record, revision_param(item.get("revision"), f"{where}revision"))
    prefix = f"{where}record."
    given = item.get("record")
    if record is None and isinstance(item.get("updateKey"), Mapping):
        given = _with_update_key(given, item["updateKey"])
    values = build_values(store, Write(app, req.principal, prefix, record), given, problems)
    record_id = record.id if record else None
    uniques.check(values, record_id, prefix, problems)
    uniques.claim(values, record_id)
    return record, values


def _with_update_key(given: Any, key: Mapping[str, Any]) -> Any:
    """An upserted record takes its update-key value, before required fields are checked."""
    if given is not None and not isinstance(given, Mapping):
        return given  # build_values reports the malformed record
    return {**(given or {}), str(key.get("field")): {"value": key.get("value")}}


def _commit(
    store: Store, req: Request, app: App, record: Record | None, values: JsonObj, upsert: bool
) -> JsonObj:
    if record is None:
        added = insert(store, app, values, req.principal)
        return {"id": str(added.id), "operation": "INSERT", "revision": str(added.revision)}
    apply_update(store, app, record, values, req.principal.login)
    out = {"id": str(record.id), "revision": str(record.revision)}
    return {**out, "operation": "UPDATE"} if upsert else out


# ---- deleting ------------------------------------------------------------------------------


def delete_records(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, DELETE)
    ids = list_param(req, "ids")
    if not ids or len(ids) > MAX_WRITE:
        messages = [f"Between 1 and {MAX_WRITE} records can be deleted at one time."]
        raise errors.KintoneError(
            400,
            "CB_VA01",
            errors.MISSING_INPUT,
            {"ids": messages + ([] if ids else [errors.REQUIRED_PARAM])},
        )
    revisions = list_param(req, "revisions")
    targets = []
    for index, raw in enumerate(ids):
        record = find_record(app, id_text(raw, f"ids[{index}]"))
        expected = revisions[index] if index < len(revisions) else None
        check_revision(record, revision_param(expected, f"revisions[{index}]"))
        targets.append(record)
    for record in targets:
        del app.records[record.id]
    return {}


def delete_as_user(store: Store, app_id: str, record_id: str, user: str) -> None:
    """A deletion in kintone's UI: the only kind that sends DELETE_RECORD webhooks."""
    app = store.app(app_id)
    record = find_record(app, id_text(record_id, "id"))
    if user not in store.users:
        raise errors.invalid("user", f"The user ({user}) is not found.")
    del app.records[record.id]
    delete_event(store, app, record.id, user)


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "record"): get_record,
    ("POST", "record"): add_record,
    ("PUT", "record"): update_record,
    ("GET", "records"): get_records,
    ("POST", "records"): add_records,
    ("PUT", "records"): update_records,
    ("DELETE", "records"): delete_records,
}
