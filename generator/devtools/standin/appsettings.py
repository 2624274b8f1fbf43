"""General settings (live and pre-live) and pre-live views: get and update."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors, query
from generator.devtools.standin.appforms import MAX_NAME
from generator.devtools.standin.appviews import ordered_views
from generator.devtools.standin.auth import APP_READ, MANAGE_READ, MANAGE_WRITE
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.request import Handler, Request, open_app, param, revision_param
from generator.devtools.standin.store import App, Store

# SPEC putPreviewAppSettings: theme enum; KDEV update-general-settings: the other ranges.
THEMES = frozenset(
    {"WHITE", "CLIPBOARD", "BINDER", "PENCIL", "CLIPS", "RED", "GREEN", "BLUE", "YELLOW", "BLACK"}
)
_FLAGS = (
    "enableThumbnails",
    "enableBulkDeletion",
    "enableComments",
    "enableDuplicateRecord",
    "enableInlineRecordEditing",
)
_ROUNDING = frozenset({"HALF_EVEN", "UP", "DOWN"})
# KDEV update-general-settings: the field types that can be the record title.
_TITLE_TYPES = frozenset(
    {
        "SINGLE_LINE_TEXT",
        "RECORD_NUMBER",
        "NUMBER",
        "CALC",
        "DATE",
        "TIME",
        "DATETIME",
        "LINK",
        "CREATED_TIME",
        "UPDATED_TIME",
        "DROP_DOWN",
        "RADIO_BUTTON",
    }
)
VIEW_TYPES = frozenset({"LIST", "CALENDAR", "CUSTOM"})
MAX_DESCRIPTION = 10_000


def _live(app: App) -> JsonObj:
    title = (
        {"selectionMode": "MANUAL", "code": app.title_field}
        if app.title_field
        else {"selectionMode": "AUTO", "code": ""}
    )
    out = {"name": app.name, "description": app.description, "titleField": title}
    return {**out, **copy.deepcopy(app.settings)}


def _pending(app: App) -> JsonObj:
    if app.preview_settings is None:
        app.preview_settings = _live(app)
    return app.preview_settings


def get_settings(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, APP_READ)
    return {**_live(app), "revision": str(app.live_revision)}


def get_preview_settings(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    pending = app.preview_settings if app.preview_settings is not None else _live(app)
    return {**copy.deepcopy(pending), "revision": str(app.preview_revision)}


def _open_for_change(store: Store, req: Request) -> App:
    app = open_app(store, req, MANAGE_WRITE)
    expected = revision_param(req.params.get("revision"))
    if expected is not None and expected != app.preview_revision:
        raise errors.revision_conflict()
    return app


def _changed(store: Store, app: App) -> str:
    app.preview_revision += 1
    app.modified_at = timestamp_text(store.now())
    return str(app.preview_revision)


def put_preview_settings(store: Store, req: Request) -> JsonObj:
    """Change the pre-live general settings; keys not sent stay as they are."""
    app = _open_for_change(store, req)
    problems = Problems()
    changes = _settings_changes(app, req.params, problems)
    problems.raise_if_any()
    _pending(app).update(changes)
    return {"revision": _changed(store, app)}


def _settings_changes(app: App, params: Mapping[str, Any], problems: Problems) -> JsonObj:
    out: JsonObj = {}
    if "name" in params:
        name = params["name"]
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            problems.add("name", f"Enter between 1 and {MAX_NAME} characters.")
        out["name"] = name
    if "description" in params:
        text = params["description"]
        if not isinstance(text, str) or len(text) > MAX_DESCRIPTION:
            problems.add("description", f"Enter up to {MAX_DESCRIPTION} characters.")
        out["description"] = text
    if "theme" in params:
        if params["theme"] not in THEMES:
            problems.add("theme", f"must be one of {', '.join(sorted(THEMES))}")
        out["theme"] = params["theme"]
    for flag in _FLAGS:
        if flag in params:
            out[flag] = _flag(params[flag], flag, problems)
    _icon(params, out, problems)
    _title(app, params, out, problems)
    _precision(params, out, problems)
    _fiscal(params, out, problems)
    return out


def _flag(value: Any, key: str, problems: Problems) -> bool:
    """kintone takes booleans or their text ("true"/"false") for these settings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    problems.add(key, "must be true or false")
    return False


def _icon(params: Mapping[str, Any], out: JsonObj, problems: Problems) -> None:
    if "icon" not in params:
        return
    icon = params["icon"]
    if not isinstance(icon, Mapping) or icon.get("type") not in ("PRESET", "FILE"):
        problems.add("icon.type", "must be PRESET or FILE")
    elif icon["type"] == "PRESET" and not isinstance(icon.get("key"), str):
        problems.add("icon.key", errors.REQUIRED_PARAM)
    elif icon["type"] == "FILE":
        problems.add("icon.file", "The stand-in takes preset icons only.")
    else:
        out["icon"] = {"type": "PRESET", "key": icon["key"]}


def _title(app: App, params: Mapping[str, Any], out: JsonObj, problems: Problems) -> None:
    if "titleField" not in params:
        return
    title = params["titleField"]
    mode = title.get("selectionMode") if isinstance(title, Mapping) else None
    if mode == "AUTO":
        out["titleField"] = {"selectionMode": "AUTO", "code": ""}
        return
    if mode != "MANUAL":
        problems.add("titleField.selectionMode", "must be AUTO or MANUAL")
        return
    form = app.preview_fields if app.preview_fields is not None else app.fields
    code = title.get("code")
    prop = form.get(code) if isinstance(code, str) else None
    if prop is None or prop["type"] not in _TITLE_TYPES:
        problems.add("titleField.code", "Specify a field that can be the record title.")
        return
    out["titleField"] = {"selectionMode": "MANUAL", "code": code}


def _precision(params: Mapping[str, Any], out: JsonObj, problems: Problems) -> None:
    if "numberPrecision" not in params:
        return
    raw = params["numberPrecision"]
    current = dict(out.get("numberPrecision") or {"digits": "16", "decimalPlaces": "4"})
    if not isinstance(raw, Mapping):
        problems.add("numberPrecision", "must be an object")
        return
    for key, low, high in (("digits", 1, 30), ("decimalPlaces", 0, 10)):
        if key in raw:
            text = str(raw[key])
            if not text.isdecimal() or not low <= int(text) <= high:
                problems.add(f"numberPrecision.{key}", f"Enter a number from {low} to {high}.")
            current[key] = text
    if "roundingMode" in raw:
        if raw["roundingMode"] not in _ROUNDING:
            problems.add("numberPrecision.roundingMode", "must be HALF_EVEN, UP or DOWN")
        current["roundingMode"] = raw["roundingMode"]
    current.setdefault("roundingMode", "HALF_EVEN")
    out["numberPrecision"] = current


def _fiscal(params: Mapping[str, Any], out: JsonObj, problems: Problems) -> None:
    if "firstMonthOfFiscalYear" not in params:
        return
    text = str(params["firstMonthOfFiscalYear"])
    if not text.isdecimal() or not 1 <= int(text) <= 12:
        problems.add("firstMonthOfFiscalYear", "Enter a month from 1 to 12.")
    out["firstMonthOfFiscalYear"] = text


# ---- views -----------------------------------------------------------------------------------


def get_preview_views(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    views = app.preview_views if app.preview_views is not None else app.views
    return {"views": ordered_views(views), "revision": str(app.preview_revision)}


def put_preview_views(store: Store, req: Request) -> JsonObj:
    """Replace the pre-live views: views not sent are deleted (KDEV update-views)."""
    app = _open_for_change(store, req)
    views = param(req, "views")
    if not isinstance(views, Mapping):
        raise errors.invalid("views", "must be an object")
    current = app.preview_views if app.preview_views is not None else app.views
    problems = Problems()
    stored: JsonObj = {}
    for name, raw in views.items():
        view = _view(app, name, raw, f"views.{name}", problems)
        if view is not None:
            old = current.get(name)
            old_id = old.get("id") if isinstance(old, Mapping) else None
            view["id"] = str(old_id) if old_id else str(store.next_number("view") + 6_000_000)
            stored[name] = view
    problems.raise_if_any()
    app.preview_views = stored
    result = {name: {"id": view["id"]} for name, view in stored.items()}
    return {"views": result, "revision": _changed(store, app)}


def _view(app: App, name: str, raw: Any, where: str, problems: Problems) -> JsonObj | None:
    if not isinstance(raw, Mapping):
        problems.add(where, "must be an object")
        return None
    view: JsonObj = {k: copy.deepcopy(v) for k, v in raw.items() if k != "id"}
    if view.get("type") not in VIEW_TYPES:
        problems.add(f"{where}.type", "must be LIST, CALENDAR or CUSTOM")
    if view.get("name") != name:
        # KDEV update-views: views.<name>.name is required and equals its key.
        problems.add(f"{where}.name", "Enter the same view name as the key.")
    index = str(view.get("index", ""))
    if not index.lstrip("-").isdecimal():
        problems.add(f"{where}.index", errors.REQUIRED_PARAM)
    view["index"] = index
    form = app.preview_fields if app.preview_fields is not None else app.fields
    _check_filter(app, view, where, problems)
    for i, code in enumerate(view.get("fields") or []):
        if code not in form:
            problems.add(f"{where}.fields[{i}]", f"The field (code: {code}) is not found.")
    view.setdefault("filterCond", "")
    view.setdefault("sort", "")
    return view


def _check_filter(app: App, view: JsonObj, where: str, problems: Problems) -> None:
    """The filter and sort are a query's condition and order by: parsed as Get records does."""
    condition = str(view.get("filterCond") or "")
    sort = str(view.get("sort") or "")
    text = condition + (f" order by {sort}" if sort else "")
    if not text.strip():
        return
    form = app.preview_fields if app.preview_fields is not None else app.fields
    try:
        query.check_fields(query.parse(text), dataclasses.replace(app, fields=form))
    except errors.KintoneError as error:
        problems.add(f"{where}.filterCond", error.message)


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "app/settings"): get_settings,
    ("GET", "preview/app/settings"): get_preview_settings,
    ("PUT", "preview/app/settings"): put_preview_settings,
    ("GET", "preview/app/views"): get_preview_views,
    ("PUT", "preview/app/views"): put_preview_views,
}
