"""Building a stand-in domain from a seed: settings checked like API writes, records added."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from generator.devtools.standin import errors, process
from generator.devtools.standin.auth import Principal
from generator.devtools.standin.errors import JsonObj, KintoneError, Problems
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.records import insert
from generator.devtools.standin.seed import SeedApp, SeedError, User, load_seed
from generator.devtools.standin.settings import merge_actions, merge_status
from generator.devtools.standin.store import ADMINISTRATOR, App, Clock, Comment, Store
from generator.devtools.standin.webhooks import seed_webhooks
from generator.devtools.standin.writes import Write, build_values, check_unique

_SPECIAL = ("$id", "$status", "$assignees", "$createdBy", "$comments")


def create_store(seed_source: Any, clock: Clock | None = None) -> Store:
    """A Store for a seed (a Seed, a path or a mapping); SeedError names what is wrong."""
    seed = load_seed(seed_source)
    store = Store(seed, clock)
    for index, seed_app in enumerate(seed.apps):
        _settings(store, store.apps[seed_app.id], seed_app, f"apps[{index}]")
    seed_webhooks(store)
    for index, seed_app in enumerate(seed.apps):
        app = store.apps[seed_app.id]
        for number, raw in enumerate(seed_app.records):
            _record(store, app, raw, f"apps[{index}].records[{number}]")
    return store


def _fail(store: Store, pointer: str, exc: KintoneError) -> SeedError:
    detail = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in (exc.errors or {}).items())
    return SeedError(store.seed.source, pointer, f"{exc.message} {detail}".strip())


def _settings(store: Store, app: App, seed_app: SeedApp, where: str) -> None:
    live_actions = seed_app.actions or {}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("status", lambda: _status(app, seed_app.status, preview=False)),
        ("previewStatus", lambda: _status(app, seed_app.preview_status or seed_app.status, True)),
        ("actions", lambda: _actions(store, app, live_actions, preview=False)),
        (
            "previewActions",
            lambda: _actions(store, app, seed_app.preview_actions or live_actions, True),
        ),
    ]
    for key, step in steps:
        try:
            step()
        except KintoneError as exc:
            raise _fail(store, f"{where}.{key}", exc) from None


def _status(app: App, raw: Mapping[str, Any] | None, preview: bool) -> None:
    problems = Problems()
    status = merge_status({}, raw, problems, app) if raw else {}
    problems.raise_if_any()
    if preview:
        app.preview_status = status
    else:
        app.live_status = status


def _actions(store: Store, app: App, raw: Mapping[str, Any], preview: bool) -> None:
    problems = Problems()
    app.preview_actions = copy.deepcopy(app.live_actions) if preview else {}
    actions, _ = merge_actions(store, app, raw, problems)
    problems.raise_if_any()
    if preview:
        # The same action in live and pre-live settings keeps one ID.
        for key, action in actions.items():
            if key in app.live_actions:
                action["id"] = app.live_actions[key]["id"]
        app.preview_actions = actions
    else:
        app.live_actions = actions


def _record(store: Store, app: App, raw: Mapping[str, Any], where: str) -> None:
    given = {code: _wrap(value) for code, value in raw.items() if code not in _SPECIAL}
    creator = str(raw.get("$createdBy", ADMINISTRATOR))
    # Seed records are written with every right; the creator only names who made them.
    user = store.users.get(creator) or User(creator, "", creator, admin=True)
    principal = Principal("password", user=user)
    problems = Problems()
    try:
        values = build_values(store, Write(app, principal, "record."), given, problems)
        check_unique(app, values, None, "record.", problems)
        problems.raise_if_any()
        _place(app, raw, where, store)
        record = insert(store, app, values, principal)
        _extras(store, app, record.id, raw, where)
    except KintoneError as exc:
        raise _fail(store, where, exc) from None


def _wrap(value: Any) -> JsonObj:
    """Seeds may give bare values; kintone's own {"value": ...} form is also accepted."""
    if isinstance(value, Mapping) and "value" in value:
        return dict(value)
    return {"value": value}


def _place(app: App, raw: Mapping[str, Any], where: str, store: Store) -> None:
    if "$id" not in raw:
        return
    wanted = int(str(raw["$id"]))
    if wanted < app.next_record or wanted in app.records:
        raise SeedError(store.seed.source, f"{where}.$id", "IDs must grow and be unique")
    app.next_record = wanted


def _extras(store: Store, app: App, record_id: int, raw: Mapping[str, Any], where: str) -> None:
    record = app.records[record_id]
    if "$status" in raw:
        states = app.live_status.get("states") or {}
        if raw["$status"] not in states:
            raise SeedError(store.seed.source, f"{where}.$status", f"no status {raw['$status']!r}")
        record.status = str(raw["$status"])
        record.assignees = process.candidates_for(store, states[record.status], record)
    if "$assignees" in raw:
        record.assignees = [str(login) for login in raw["$assignees"] or []]
    for number, item in enumerate(raw.get("$comments") or []):
        author = str(item.get("by", ADMINISTRATOR))
        if author != ADMINISTRATOR and author not in store.users:
            raise errors.invalid(f"$comments[{number}].by", f"The user ({author}) is not found.")
        stamp = timestamp_text(store.now())
        record.comments.append(
            Comment(record.next_comment, str(item.get("text", "")), stamp, author, [])
        )
        record.next_comment += 1
