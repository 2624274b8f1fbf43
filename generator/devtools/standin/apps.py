"""App endpoints: apps and app info, form fields and layout, action and process settings, deploy."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.auth import (
    APP_READ,
    MANAGE_READ,
    MANAGE_WRITE,
    STATUS_READ,
    Need,
    may,
)
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.request import (
    Handler,
    Request,
    int_param,
    list_param,
    open_app,
    revision_param,
)
from generator.devtools.standin.settings import merge_actions, merge_status
from generator.devtools.standin.store import App, Deploy, Store
from generator.devtools.standin.views import app_view

MAX_APPS = 100
MAX_DEPLOY = 300
_NOT_IN_LAYOUT = frozenset({"STATUS", "STATUS_ASSIGNEE", "CATEGORY"})


def get_apps(store: Store, req: Request) -> JsonObj:
    if req.principal.kind == "token":
        raise errors.token_not_allowed()  # kintone: "API tokens cannot be used" for this API
    ids = {str(v) for v in list_param(req, "ids")}
    codes = {str(v) for v in list_param(req, "codes")}
    spaces = {str(v) for v in list_param(req, "spaceIds")}
    name = str(req.params.get("name") or "").lower()
    limit = int_param(req, "limit", MAX_APPS, 1, MAX_APPS)
    offset = int_param(req, "offset", 0, 0, 2**31 - 1)
    found = [
        app
        for app in sorted(store.apps.values(), key=lambda a: int(a.id))
        if app.space_id == req.guest_space
        and (not ids or app.id in ids)
        and (not codes or app.code in codes)
        and (not spaces or str(app.space_id) in spaces)
        and name in app.name.lower()
        and _visible(store, req, app)
    ]
    return {"apps": [app_view(store, app) for app in found[offset : offset + limit]]}


def _visible(store: Store, req: Request, app: App) -> bool:
    return may(store, req.principal, app, APP_READ)


def get_app(store: Store, req: Request) -> JsonObj:
    return app_view(store, open_app(store, req, APP_READ, name="id"))


def _form(app: App, preview: bool) -> JsonObj:
    form = app.preview_fields if preview and app.preview_fields is not None else app.fields
    properties = copy.deepcopy(form)
    status = app.preview_status if preview else app.live_status
    for prop in properties.values():
        if prop["type"] in ("STATUS", "STATUS_ASSIGNEE"):
            prop["enabled"] = bool(status.get("enable"))
    return properties


def get_fields(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, APP_READ)
    return {"properties": _form(app, preview=False), "revision": str(app.live_revision)}


def get_preview_fields(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"properties": _form(app, preview=True), "revision": str(app.preview_revision)}


def layout_of(app: App, preview: bool = False) -> list[Any]:
    """The stored layout (pre-live or live), or one field per row in form order."""
    if preview and app.preview_layout is not None:
        return copy.deepcopy(app.preview_layout)
    if app.layout:
        return copy.deepcopy(app.layout)
    form = app.preview_fields if preview and app.preview_fields is not None else app.fields
    return [row_of(code, prop) for code, prop in form.items() if prop["type"] not in _NOT_IN_LAYOUT]


def row_of(code: str, prop: JsonObj) -> JsonObj:
    """The layout row kintone gives a field of its own."""
    kind = prop["type"]
    if kind == "SUBTABLE":
        cells = [_cell(c, p) for c, p in prop["fields"].items()]
        return {"type": "SUBTABLE", "code": code, "fields": cells}
    if kind == "GROUP":
        return {"type": "GROUP", "code": code, "layout": []}
    return {"type": "ROW", "fields": [_cell(code, prop)]}


def _cell(code: str, prop: JsonObj) -> JsonObj:
    if prop["type"] == "REFERENCE_TABLE":
        return {"type": "REFERENCE_TABLE", "code": code}
    cell: JsonObj = {"type": prop["type"], "code": code, "size": {"width": "193"}}
    if prop["type"] in ("MULTI_LINE_TEXT", "RICH_TEXT"):
        cell["size"]["innerHeight"] = "125"
    return cell


def get_layout(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, APP_READ)
    return {"layout": layout_of(app), "revision": str(app.live_revision)}


def get_preview_layout(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"layout": layout_of(app, preview=True), "revision": str(app.preview_revision)}


def get_actions(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"actions": copy.deepcopy(app.live_actions), "revision": str(app.live_revision)}


def get_preview_actions(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"actions": copy.deepcopy(app.preview_actions), "revision": str(app.preview_revision)}


def _check_settings_revision(app: App, raw: Any) -> None:
    expected = revision_param(raw)
    if expected is not None and expected != app.preview_revision:
        raise errors.revision_conflict()


def _changed(store: Store, app: App) -> str:
    app.preview_revision += 1
    app.modified_at = timestamp_text(store.now())
    return str(app.preview_revision)


def put_preview_actions(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    problems = Problems()
    actions, ids = merge_actions(store, app, req.params.get("actions"), problems)
    problems.raise_if_any()
    app.preview_actions = actions
    return {"actions": {key: {"id": ids[key]} for key in actions}, "revision": _changed(store, app)}


def _status_view(status: JsonObj, revision: int) -> JsonObj:
    out = copy.deepcopy(status) if status else {"enable": False, "states": None, "actions": None}
    return {**out, "revision": str(revision)}


def get_status(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, STATUS_READ)
    return _status_view(app.live_status, app.live_revision)


def get_preview_status(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return _status_view(app.preview_status, app.preview_revision)


def put_preview_status(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    problems = Problems()
    status = merge_status(app.preview_status, req.params, problems)
    problems.raise_if_any()
    app.preview_status = status
    return {"revision": _changed(store, app)}


def _deploy_targets(store: Store, req: Request, need: Need, entries: list[Any]) -> list[App]:
    if len(entries) > MAX_DEPLOY:
        raise errors.invalid("apps", f"Up to {MAX_DEPLOY} apps can be specified.")
    apps = []
    for index, entry in enumerate(entries):
        raw = entry.get("app") if isinstance(entry, Mapping) else entry
        # Polling must not finish the deploy it is watching: no settling here.
        name = f"apps[{index}].app"
        apps.append(open_app(store, req, need, name=name, value=raw or "", settle=False))
    return apps


def post_deploy(store: Store, req: Request) -> JsonObj:
    """Start deploying (or reverting); the deploy finishes on the second status poll."""
    entries = list_param(req, "apps", required=True)
    apps = _deploy_targets(store, req, MANAGE_WRITE, entries)
    revert = req.params.get("revert") is True or str(req.params.get("revert")).lower() == "true"
    for app, entry in zip(apps, entries, strict=True):
        app.settle()
        if isinstance(entry, Mapping):
            _check_settings_revision(app, entry.get("revision"))
    for app in apps:
        app.deploy = Deploy(revert=revert)
    return {}


def get_deploy(store: Store, req: Request) -> JsonObj:
    entries = list_param(req, "apps", required=True)
    apps = _deploy_targets(store, req, MANAGE_READ, entries)
    return {"apps": [{"app": app.id, "status": _poll(app)} for app in apps]}


def _poll(app: App) -> str:
    deploy = app.deploy
    if deploy is None or deploy.done:
        return "SUCCESS"
    deploy.polls += 1
    if deploy.polls == 1:
        return "PROCESSING"
    app.settle()
    return "SUCCESS"


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "apps"): get_apps,
    ("GET", "app"): get_app,
    ("GET", "app/form/fields"): get_fields,
    ("GET", "preview/app/form/fields"): get_preview_fields,
    ("GET", "app/form/layout"): get_layout,
    ("GET", "preview/app/form/layout"): get_preview_layout,
    ("GET", "app/actions"): get_actions,
    ("GET", "preview/app/actions"): get_preview_actions,
    ("PUT", "preview/app/actions"): put_preview_actions,
    ("GET", "app/status"): get_status,
    ("GET", "preview/app/status"): get_preview_status,
    ("PUT", "preview/app/status"): put_preview_status,
    ("POST", "preview/app/deploy"): post_deploy,
    ("GET", "preview/app/deploy"): get_deploy,
}
