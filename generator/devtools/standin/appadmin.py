"""Minimal app-admin, space and search endpoints the MCP tools use (until fuller ones land).

Form-field and layout changes apply to the app's one field set (the stand-in keeps no separate
pre-live form); general settings, new apps, spaces and search follow Cybozu's documented
request and response shapes closely enough for the tools' end-to-end tests.
"""

from __future__ import annotations

from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.apps import _changed, _check_settings_revision
from generator.devtools.standin.auth import APP_READ, MANAGE_READ, MANAGE_WRITE
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.request import Handler, Request, id_param, list_param, open_app
from generator.devtools.standin.seed import SeedApp
from generator.devtools.standin.store import Space, Store, Thread

_THEMES = frozenset(
    {"WHITE", "RED", "GREEN", "BLUE", "YELLOW", "BLACK", "CLIPBOARD", "BINDER", "PENCIL", "CLIPS"}
)


def _user_only(req: Request) -> None:
    if req.principal.kind == "token":
        raise errors.token_not_allowed()


def _properties(req: Request) -> dict[str, Any]:
    value = req.params.get("properties")
    if not isinstance(value, dict) or not value:
        raise errors.required("properties")
    return value


def add_fields(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    new = _properties(req)
    for code, prop in new.items():
        if code in app.fields:
            raise errors.invalid(f"properties[{code}].code", "The field code is already in use.")
        if not isinstance(prop, dict) or not isinstance(prop.get("type"), str):
            raise errors.required(f"properties[{code}].type")
    for code, prop in new.items():
        app.fields[code] = {**prop, "code": code, "label": prop.get("label", code)}
    return {"revision": _changed(store, app)}


def update_fields(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    changes = _properties(req)
    for code in changes:
        if code not in app.fields:
            raise errors.invalid(f"properties[{code}]", "The field is not found.")
    for code, prop in changes.items():
        app.fields[code] = {**app.fields[code], **(prop if isinstance(prop, dict) else {})}
    return {"revision": _changed(store, app)}


def delete_fields(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    codes = [str(code) for code in list_param(req, "fields", required=True)]
    for code in codes:
        if code not in app.fields:
            raise errors.invalid("fields", f"The field {code} is not found.")
    for code in codes:
        del app.fields[code]
    return {"revision": _changed(store, app)}


def put_layout(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    layout = req.params.get("layout")
    if not isinstance(layout, list):
        raise errors.required("layout")
    app.layout = layout
    return {"revision": _changed(store, app)}


def _settings(store: Store, req: Request, preview: bool) -> JsonObj:
    app = open_app(store, req, MANAGE_READ if preview else APP_READ)
    return {
        "name": app.name,
        "description": app.description,
        "icon": {"type": "PRESET", "key": "APP72"},
        "theme": app.theme,
        "titleField": {"selectionMode": "AUTO"},
        "revision": str(app.preview_revision if preview else app.live_revision),
    }


def get_settings(store: Store, req: Request) -> JsonObj:
    return _settings(store, req, preview=False)


def get_preview_settings(store: Store, req: Request) -> JsonObj:
    return _settings(store, req, preview=True)


def put_settings(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_WRITE)
    _check_settings_revision(app, req.params.get("revision"))
    theme = req.params.get("theme")
    if theme is not None and theme not in _THEMES:
        raise errors.invalid("theme", "The theme is not one of kintone's.")
    if isinstance(req.params.get("name"), str):
        app.name = req.params["name"]
    if isinstance(req.params.get("description"), str):
        app.description = req.params["description"]
    if theme is not None:
        app.theme = str(theme)
    return {"revision": _changed(store, app)}


def add_app(store: Store, req: Request) -> JsonObj:
    _user_only(req)
    name = req.params.get("name")
    if not isinstance(name, str) or not name.strip():
        raise errors.required("name")
    app_id = str(max((int(a) for a in store.apps), default=0) + 1)
    space = req.params.get("space")
    thread = req.params.get("thread")
    seed = SeedApp(
        id=app_id,
        name=name,
        fields={},
        space_id=None if space is None else str(space),
        thread_id=None if thread is None else str(thread),
    )
    store.apps[app_id] = store._new_app(seed)
    return {"app": app_id, "revision": "1"}


def _space(store: Store, req: Request) -> Space:
    _user_only(req)
    space = store.spaces.get(id_param(req, "id"))
    if space is None:
        raise errors.KintoneError(404, "GAIA_SP01", "The specified space is not found.")
    user = req.principal.user
    if space.members and (user is None or user.login not in space.members):
        raise errors.no_privilege()
    return space


def _space_view(store: Store, space: Space) -> JsonObj:
    return {
        "id": space.id,
        "name": space.name,
        "isGuest": space.guest,
        "memberCount": str(len(space.members)),
        "defaultThread": next(iter(space.threads), None),
        "attachedApps": [
            {"appId": a.id, "code": a.code, "name": a.name, "threadId": a.thread_id}
            for a in store.apps.values()
            if a.space_id == space.id
        ],
        "isPrivate": space.private,
        "useMultiThread": len(space.threads) > 1,
    }


def get_space(store: Store, req: Request) -> JsonObj:
    return _space_view(store, _space(store, req))


def put_space(store: Store, req: Request) -> JsonObj:
    space = _space(store, req)
    if isinstance(req.params.get("name"), str):
        space.name = req.params["name"]
    if isinstance(req.params.get("isPrivate"), bool):
        space.private = req.params["isPrivate"]
    return {}


def delete_space(store: Store, req: Request) -> JsonObj:
    space = _space(store, req)
    del store.spaces[space.id]
    return {}


def space_from_template(store: Store, req: Request) -> JsonObj:
    _user_only(req)
    id_param(req, "id")
    name = req.params.get("name")
    members = req.params.get("members")
    if not isinstance(name, str) or not name.strip():
        raise errors.required("name")
    if not isinstance(members, list) or not any(
        isinstance(m, dict) and m.get("isAdmin") is True for m in members
    ):
        raise errors.invalid("members", "At least one member must be a space administrator.")
    logins = {
        str(m["entity"].get("code"))
        for m in members
        if isinstance(m, dict) and isinstance(m.get("entity"), dict)
    }
    space_id = str(max((int(s) for s in store.spaces), default=0) + 100)
    thread_id = str(int(space_id) + 1)
    guest = req.params.get("isGuest") is True
    threads = {thread_id: Thread(thread_id, name)}
    store.spaces[space_id] = Space(space_id, name, guest, frozenset(logins), threads)
    return {"id": space_id}


def search(store: Store, req: Request) -> JsonObj:
    """Records whose text values hold the keywords (AND, OR or NOT), newest first."""
    _user_only(req)
    query = req.params.get("query")
    keywords = query.get("keywords") if isinstance(query, dict) else None
    operator = query.get("operator") if isinstance(query, dict) else None
    if not isinstance(keywords, list) or not keywords or operator not in ("AND", "OR", "NOT"):
        raise errors.required("query")
    hits = []
    for app in store.apps.values():
        for record in sorted(app.records.values(), key=lambda r: -r.id):
            text = " ".join(str(v) for v in record.values.values()).lower()
            found = [str(k).lower() in text for k in keywords]
            match = all(found) if operator == "AND" else any(found)
            if match != (operator == "NOT"):
                hit = {"appId": app.id, "appName": app.name, "recordId": str(record.id)}
                hits.append({"type": "RECORD", **hit})
    return {"hits": hits[:100]}


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "preview/app/form/fields"): add_fields,
    ("PUT", "preview/app/form/fields"): update_fields,
    ("DELETE", "preview/app/form/fields"): delete_fields,
    ("PUT", "preview/app/form/layout"): put_layout,
    ("GET", "app/settings"): get_settings,
    ("GET", "preview/app/settings"): get_preview_settings,
    ("PUT", "preview/app/settings"): put_settings,
    ("POST", "preview/app"): add_app,
    ("GET", "space"): get_space,
    ("PUT", "space"): put_space,
    ("DELETE", "space"): delete_space,
    ("POST", "template/space"): space_from_template,
    ("POST", "search"): search,
}
