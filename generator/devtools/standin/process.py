"""Process management on records: the first status, actions with their assignee rules, assignees."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.auth import EDIT, Principal
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.fields import datetime_text
from generator.devtools.standin.query import Context, check_fields, parse, select
from generator.devtools.standin.request import (
    Handler,
    Request,
    id_text,
    list_param,
    open_app,
    param,
    revision_param,
)
from generator.devtools.standin.settings import first_state
from generator.devtools.standin.store import App, Record, Store
from generator.devtools.standin.webhooks import record_event

MAX_ASSIGNEES = 100
MAX_RECORDS = 100


@dataclass
class Transition:
    """A planned status change, checked but not applied yet (bulk calls are all or nothing)."""

    record: Record
    status: str
    assignees: list[str]


def start(store: Store, app: App, record: Record) -> None:
    """A new record enters the first status when process management is on."""
    if not app.live_status.get("enable"):
        return
    state = first_state(app.live_status)
    if state is not None:
        record.status = state["name"]
        candidates = candidates_for(store, state, record)
        single_choice = state["assignee"]["type"] == "ONE" and len(candidates) > 1
        record.assignees = [] if single_choice else candidates


def candidates_for(store: Store, state: JsonObj, record: Record) -> list[str]:
    """The users a status' assignee list names, for this record."""
    logins: list[str] = []
    for item in state["assignee"]["entities"]:
        entity = item["entity"]
        kind, code = entity["type"], entity.get("code")
        if kind == "USER":
            found = [code]
        elif kind == "CREATOR":
            found = [record.creator]
        elif kind in ("FIELD_ENTITY", "CUSTOM_FIELD"):
            found = list(record.values.get(str(code)) or [])
        else:
            found = store.members(kind, str(code))
        logins += [login for login in found if login in store.users and login not in logins]
    return logins


def plan(
    store: Store, app: App, record: Record, item: Mapping[str, Any], principal: Principal
) -> Transition:
    """Check an action on a record and work out the next status and its assignees."""
    status = app.live_status
    if not status.get("enable"):
        raise errors.process_disabled()
    name = str(item.get("action") or "")
    action = next(
        (
            a
            for a in status.get("actions") or []
            if a["name"] == name and a["from"] == record.status
        ),
        None,
    )
    if action is None or not _condition_holds(store, app, record, action["filterCond"], principal):
        raise errors.action_not_available(name)
    # Users must be current assignees; API tokens act as the Administrator and are not checked.
    if principal.user is not None and record.assignees and principal.login not in record.assignees:
        raise errors.not_assignee()
    state = status["states"][action["to"]]
    return Transition(record, state["name"], _next_assignees(store, state, record, item))


def _condition_holds(
    store: Store, app: App, record: Record, cond: str, principal: Principal
) -> bool:
    if not cond:
        return True
    query = parse(cond)
    check_fields(query, app)
    ctx = Context(
        store.now(), principal.login, organization=store.primary_organization(principal.login)
    )
    return bool(select(query, app, [record], ctx))


def _next_assignees(
    store: Store, state: JsonObj, record: Record, item: Mapping[str, Any]
) -> list[str]:
    candidates = candidates_for(store, state, record)
    if state["assignee"]["type"] != "ONE" or len(candidates) <= 1:
        return candidates
    chosen = item.get("assignee")
    if chosen in (None, ""):
        raise errors.required("assignee")
    if chosen not in candidates:
        raise errors.invalid("assignee", f"The user ({chosen}) is not in the assignee list.")
    return [str(chosen)]


def apply(store: Store, app: App, change: Transition, login: str) -> None:
    """Running an action is two operations in kintone: the revision grows by 2."""
    record = change.record
    record.status = change.status
    record.assignees = change.assignees
    record.revision += 2
    record.modifier = login
    record.updated_at = datetime_text(store.now())


def _record_for(app: App, raw_id: Any, where: str) -> Record:
    record_id = id_text(raw_id, where)
    record = app.records.get(int(record_id))
    if record is None:
        raise errors.record_not_found(record_id)
    return record


def put_status(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, EDIT)
    record = _record_for(app, param(req, "id"), "id")
    param(req, "action")
    _check_revision(record, req.params.get("revision"), "revision")
    change = plan(store, app, record, req.params, req.principal)
    apply(store, app, change, req.principal.login)
    record_event(store, app, record, "UPDATE_STATUS")
    return {"revision": str(record.revision)}


def put_statuses(store: Store, req: Request) -> JsonObj:
    """Bulk status change: all or nothing, no webhooks."""
    app = open_app(store, req, EDIT)
    items = list_param(req, "records", required=True)
    if len(items) > MAX_RECORDS:
        raise errors.invalid(
            "records", f"A maximum of {MAX_RECORDS} records can be updated at one time."
        )
    changes = []
    for index, item in enumerate(items):
        where = f"records[{index}]"
        if not isinstance(item, Mapping):
            raise errors.invalid(where, "must be an object")
        record = _record_for(app, item.get("id"), f"{where}.id")
        _check_revision(record, item.get("revision"), f"{where}.revision")
        changes.append(plan(store, app, record, item, req.principal))
    for change in changes:
        apply(store, app, change, req.principal.login)
    return {
        "records": [{"id": str(c.record.id), "revision": str(c.record.revision)} for c in changes]
    }


def _check_revision(record: Record, raw: Any, where: str) -> None:
    expected = revision_param(raw, where)
    if expected is not None and expected != record.revision:
        raise errors.revision_conflict()


def put_assignees(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, EDIT)
    record = _record_for(app, param(req, "id"), "id")
    if not app.live_status.get("enable"):
        raise errors.process_disabled()
    assignees = req.params.get("assignees")
    if not isinstance(assignees, list):
        raise errors.required("assignees")
    if len(assignees) > MAX_ASSIGNEES:
        raise errors.invalid("assignees", f"Up to {MAX_ASSIGNEES} assignees can be specified.")
    for index, login in enumerate(assignees):
        if not isinstance(login, str) or login not in store.users:
            raise errors.invalid(f"assignees[{index}]", f"The user ({login}) is not found.")
    state = (app.live_status.get("states") or {}).get(record.status)
    if state and state["assignee"]["type"] == "ONE" and len(assignees) > 1:
        raise errors.invalid("assignees", "Only one assignee can be set for this status.")
    _check_revision(record, req.params.get("revision"), "revision")
    record.assignees = list(dict.fromkeys(str(login) for login in assignees))
    record.revision += 1
    return {"revision": str(record.revision)}


ROUTES: dict[tuple[str, str], Handler] = {
    ("PUT", "record/status"): put_status,
    ("PUT", "records/status"): put_statuses,
    ("PUT", "record/assignees"): put_assignees,
}
