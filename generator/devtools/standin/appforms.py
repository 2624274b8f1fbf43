"""Building apps: create a pre-live app; add, change and delete form fields; change the layout."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.apps import layout_of, row_of
from generator.devtools.standin.auth import MANAGE_WRITE
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.request import (
    Handler,
    Request,
    id_param,
    list_param,
    open_app,
    param,
    revision_param,
)
from generator.devtools.standin.store import App, Store, default_settings

MAX_NAME = 64
MAX_CODE = 128
MAX_DELETE = 100
# Field types kintone keeps one of per app: it makes them itself and never deletes them
# (KDEV delete-form-fields; the form settings screen offers them once, fixed).
SYSTEM_TYPES = frozenset(
    {
        "RECORD_NUMBER",
        "CREATOR",
        "CREATED_TIME",
        "MODIFIER",
        "UPDATED_TIME",
        "STATUS",
        "STATUS_ASSIGNEE",
        "CATEGORY",
    }
)
# SPEC components/schemas PreviewAppFormFieldsPost*: the types Add form fields takes.
ADDABLE_TYPES = frozenset(
    {
        "CALC",
        "CHECK_BOX",
        "DATE",
        "DATETIME",
        "DROP_DOWN",
        "FILE",
        "GROUP",
        "GROUP_SELECT",
        "LINK",
        "MULTI_LINE_TEXT",
        "MULTI_SELECT",
        "NUMBER",
        "ORGANIZATION_SELECT",
        "RADIO_BUTTON",
        "REFERENCE_TABLE",
        "RICH_TEXT",
        "SINGLE_LINE_TEXT",
        "SUBTABLE",
        "TIME",
        "USER_SELECT",
    }
)
_LAYOUT_ROWS = frozenset({"ROW", "SUBTABLE", "GROUP"})
_DECORATIONS = frozenset({"LABEL", "SPACER", "HR"})
# The fields every new app has (codes as an English-language kintone names them).
_NEW_APP_FIELDS = (
    ("Record_number", "RECORD_NUMBER", "Record number"),
    ("Created_by", "CREATOR", "Created by"),
    ("Created_datetime", "CREATED_TIME", "Created datetime"),
    ("Updated_by", "MODIFIER", "Updated by"),
    ("Updated_datetime", "UPDATED_TIME", "Updated datetime"),
    ("Status", "STATUS", "Status"),
    ("Assignee", "STATUS_ASSIGNEE", "Assignee"),
    ("Categories", "CATEGORY", "Categories"),
)


def _new_fields() -> JsonObj:
    fields: JsonObj = {}
    for code, kind, label in _NEW_APP_FIELDS:
        prop: JsonObj = {"type": kind, "code": code, "label": label}
        if kind in ("STATUS", "STATUS_ASSIGNEE", "CATEGORY"):
            prop["enabled"] = False
        else:
            prop["noLabel"] = False
        fields[code] = prop
    return fields


def post_preview_app(store: Store, req: Request) -> JsonObj:
    """→ {app, revision}: a new app in pre-live; deploy it to make it live (KDEV add-app)."""
    if req.principal.kind == "token":
        raise errors.token_not_allowed()  # KDEV add-preview-app: API tokens cannot be used
    if req.principal.kind == "oauth" and MANAGE_WRITE.scope not in req.principal.scopes:
        raise errors.no_privilege()
    name = param(req, "name")
    if not isinstance(name, str) or len(name) > MAX_NAME:
        raise errors.invalid("name", f"Enter between 1 and {MAX_NAME} characters.")
    space_id, thread_id = _app_place(store, req)
    app_id = str(max((int(a) for a in store.apps), default=0) + 1)
    stamp = timestamp_text(store.now())
    app = App(
        id=app_id,
        code="",
        name=name,
        description="",
        space_id=space_id if space_id is not None and store.spaces[space_id].guest else None,
        thread_id=thread_id,
        title_field=None,
        fields=_new_fields(),
        layout=[],
        tokens={},
        live_status={},
        preview_status={},
        live_actions={},
        preview_actions={},
        live_revision=1,
        preview_revision=2,
        created_at=stamp,
        modified_at=stamp,
    )
    app.home_space = space_id
    app.settings = default_settings()
    store.apps[app_id] = app
    return {"app": app_id, "revision": str(app.preview_revision)}


def _app_place(store: Store, req: Request) -> tuple[str | None, str | None]:
    """The space and thread of a new app (the space's first thread unless one is named)."""
    if req.params.get("space") in (None, ""):
        if req.guest_space is not None:
            raise errors.required("space")
        return None, None
    space_id = id_param(req, "space")
    space = store.spaces.get(space_id)
    if space is None:
        raise errors.KintoneError(404, "GAIA_SP01", "The specified space is not found.")
    if space.guest != (req.guest_space is not None) or (
        req.guest_space is not None and req.guest_space != space_id
    ):
        raise errors.guest_app_via_normal_path() if space.guest else errors.no_privilege()
    thread = req.params.get("thread")
    thread_id = id_param(req, "thread") if thread not in (None, "") else next(iter(space.threads))
    if thread_id not in space.threads:
        raise errors.KintoneError(404, "GAIA_TH01", "The specified thread is not found.")
    return space_id, thread_id


def _open_for_change(store: Store, req: Request) -> App:
    app = open_app(store, req, MANAGE_WRITE)
    expected = revision_param(req.params.get("revision"))
    if expected is not None and expected != app.preview_revision:
        raise errors.revision_conflict()
    return app


def _changed(store: Store, app: App) -> JsonObj:
    app.preview_revision += 1
    app.modified_at = timestamp_text(store.now())
    return {"revision": str(app.preview_revision)}


def all_codes(form: Mapping[str, Any]) -> set[str]:
    """Every field code of a form, table columns included (codes are unique per app)."""
    codes = set(form)
    for prop in form.values():
        codes.update(prop.get("fields") or {})
    return codes


def post_fields(store: Store, req: Request) -> JsonObj:
    """Add fields to the pre-live form: new codes only, each with its type and label."""
    app = _open_for_change(store, req)
    properties = _properties(req)
    form = app.pending_form()
    problems = Problems()
    taken = all_codes(form)
    added: JsonObj = {}
    for key, raw in properties.items():
        prop = _new_field(key, raw, taken, f"properties.{key}", problems)
        if prop is not None:
            added[key] = prop
            taken.update({key, *(prop.get("fields") or {})})
    problems.raise_if_any()
    form.update(added)
    if app.layout or app.preview_layout is not None:
        layout = pending_layout(app)
        layout.extend(row_of(code, prop) for code, prop in added.items())
    return _changed(store, app)


def _properties(req: Request) -> Mapping[str, Any]:
    properties = param(req, "properties")
    if not isinstance(properties, Mapping) or not properties:
        raise errors.required("properties")
    return properties


def _new_field(
    key: str, raw: Any, taken: set[str], where: str, problems: Problems
) -> JsonObj | None:
    if not isinstance(raw, Mapping):
        problems.add(where, "must be an object")
        return None
    kind, code = raw.get("type"), raw.get("code")
    if kind not in ADDABLE_TYPES:
        problems.add(f"{where}.type", "Enter a field type that can be added.")
    if code != key:
        # KDEV add-form-fields: properties.<code>.code must equal its key.
        problems.add(f"{where}.code", "Enter the same field code as the key.")
    elif not 1 <= len(key) <= MAX_CODE:
        problems.add(f"{where}.code", f"Enter between 1 and {MAX_CODE} characters.")
    elif key in taken:
        problems.add(f"{where}.code", f"The field code ({key}) is already used.")
    if kind not in ("GROUP", "REFERENCE_TABLE", "SUBTABLE") and not raw.get("label"):
        problems.add(f"{where}.label", errors.REQUIRED_PARAM)
    prop = _with_defaults(dict(copy.deepcopy(raw)))
    if kind == "SUBTABLE":
        prop["fields"] = _table_fields(raw.get("fields"), taken | {key}, where, problems)
    return prop


def _table_fields(raw: Any, taken: set[str], where: str, problems: Problems) -> JsonObj:
    if not isinstance(raw, Mapping) or not raw:
        problems.add(f"{where}.fields", errors.REQUIRED_PARAM)
        return {}
    out: JsonObj = {}
    for key, column in raw.items():
        if isinstance(column, Mapping) and column.get("type") in ("SUBTABLE", "GROUP"):
            problems.add(f"{where}.fields.{key}.type", "A table cannot hold this field type.")
            continue
        prop = _new_field(key, column, taken | set(out), f"{where}.fields.{key}", problems)
        if prop is not None:
            out[key] = prop
    return out


def _with_defaults(prop: JsonObj) -> JsonObj:
    """kintone answers every setting, as text where it is a number (indexes, lengths)."""
    prop.setdefault("noLabel", False)
    if prop.get("type") not in ("GROUP", "SUBTABLE", "REFERENCE_TABLE", "CALC"):
        prop.setdefault("required", False)
    options = prop.get("options")
    if isinstance(options, Mapping):
        prop["options"] = {
            name: {"label": str(o.get("label", name)), "index": str(o.get("index", i))}
            for i, (name, o) in enumerate(options.items())
            if isinstance(o, Mapping)
        }
    return prop


def put_fields(store: Store, req: Request) -> JsonObj:
    """Change existing fields of the pre-live form; the type never changes."""
    app = _open_for_change(store, req)
    properties = _properties(req)
    form = app.pending_form()
    problems = Problems()
    changes: list[tuple[str, JsonObj, JsonObj]] = []
    for key, raw in properties.items():
        where = f"properties.{key}"
        current = _find(form, key)
        if current is None:
            problems.add(where, f"The field (code: {key}) is not found.")
        elif not isinstance(raw, Mapping):
            problems.add(where, "must be an object")
        elif raw.get("type") not in (None, current["type"]):
            problems.add(f"{where}.type", "The field type cannot be changed.")
        elif current["type"] in SYSTEM_TYPES and "code" in raw and raw["code"] != key:
            problems.add(f"{where}.code", "The field code of this field cannot be changed.")
        else:
            changes.append((key, current, dict(raw)))
    problems.raise_if_any()
    for key, current, raw in changes:
        _apply(form, key, current, raw)
    return _changed(store, app)


def _find(form: Mapping[str, Any], code: str) -> JsonObj | None:
    if code in form:
        found: JsonObj = form[code]
        return found
    for prop in form.values():
        if code in (prop.get("fields") or {}):
            column: JsonObj = prop["fields"][code]
            return column
    return None


def _apply(form: JsonObj, key: str, current: JsonObj, raw: JsonObj) -> None:
    columns = raw.pop("fields", None)
    current.update(copy.deepcopy(raw))
    _with_defaults(current)
    if isinstance(columns, Mapping) and current["type"] == "SUBTABLE":
        for code, column in columns.items():
            if code in current["fields"] and isinstance(column, Mapping):
                current["fields"][code].update(copy.deepcopy(dict(column)))
    new_code = current.get("code", key)
    if new_code != key and key in form:
        form[new_code] = form.pop(key)


def delete_fields(store: Store, req: Request) -> JsonObj:
    """Delete fields (up to 100) from the pre-live form and its layout."""
    app = _open_for_change(store, req)
    codes = [str(code) for code in list_param(req, "fields", required=True)]
    if len(codes) > MAX_DELETE:
        raise errors.invalid("fields", f"Up to {MAX_DELETE} fields can be specified.")
    form = app.pending_form()
    problems = Problems()
    for index, code in enumerate(codes):
        prop = _find(form, code)
        if prop is None:
            problems.add(f"fields[{index}]", f"The field (code: {code}) is not found.")
        elif prop["type"] in SYSTEM_TYPES:
            problems.add(f"fields[{index}]", f"The field (code: {code}) cannot be deleted.")
    problems.raise_if_any()
    gone = set(codes)
    for code in codes:
        form.pop(code, None)
        for prop in form.values():
            (prop.get("fields") or {}).pop(code, None)
    if app.layout or app.preview_layout is not None:
        app.preview_layout = _without(pending_layout(app), gone)
    return _changed(store, app)


def _without(layout: list[Any], gone: set[str]) -> list[Any]:
    out = []
    for row in layout:
        if row.get("code") in gone:
            continue
        row = dict(row)
        if "fields" in row:
            row["fields"] = [cell for cell in row["fields"] if cell.get("code") not in gone]
        if "layout" in row:
            row["layout"] = _without(row["layout"], gone)
        out.append(row)
    return out


def pending_layout(app: App) -> list[Any]:
    """The pre-live layout (a copy of the live one, or one row per field, until changed)."""
    if app.preview_layout is None:
        app.preview_layout = layout_of(app, preview=True)
    return app.preview_layout


def put_layout(store: Store, req: Request) -> JsonObj:
    """Replace the pre-live layout; every field it places must be on the pre-live form."""
    app = _open_for_change(store, req)
    layout = param(req, "layout")
    if not isinstance(layout, list):
        raise errors.invalid("layout", "must be an array")
    form = app.pending_form()
    problems = Problems()
    for index, row in enumerate(layout):
        _check_row(row, form, f"layout[{index}]", problems, top=True)
    problems.raise_if_any()
    app.preview_layout = copy.deepcopy(layout)
    return _changed(store, app)


def _check_row(row: Any, form: JsonObj, where: str, problems: Problems, *, top: bool) -> None:
    kind = row.get("type") if isinstance(row, Mapping) else None
    allowed = _LAYOUT_ROWS if top else frozenset({"ROW"})
    if kind not in allowed:
        problems.add(f"{where}.type", f"must be one of {', '.join(sorted(allowed))}")
        return
    if kind in ("SUBTABLE", "GROUP"):
        prop = form.get(row.get("code"))
        if prop is None or prop["type"] != kind:
            problems.add(f"{where}.code", f"The field (code: {row.get('code')}) is not found.")
    if kind == "GROUP":
        for index, inner in enumerate(row.get("layout") or []):
            _check_row(inner, form, f"{where}.layout[{index}]", problems, top=False)
        return
    table = form.get(row.get("code"), {}).get("fields") if kind == "SUBTABLE" else None
    for index, cell in enumerate(row.get("fields") or []):
        _check_cell(cell, form if table is None else table, f"{where}.fields[{index}]", problems)


def _check_cell(cell: Any, form: Mapping[str, Any], where: str, problems: Problems) -> None:
    kind = cell.get("type") if isinstance(cell, Mapping) else None
    if kind in _DECORATIONS:
        return
    code = cell.get("code") if isinstance(cell, Mapping) else None
    prop = form.get(code) if isinstance(code, str) else None
    if prop is None:
        problems.add(f"{where}.code", f"The field (code: {code}) is not found.")
    elif kind != prop["type"]:
        problems.add(f"{where}.type", f"The field {prop['code']} is of type {prop['type']}.")


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "preview/app"): post_preview_app,
    ("POST", "preview/app/form/fields"): post_fields,
    ("PUT", "preview/app/form/fields"): put_fields,
    ("DELETE", "preview/app/form/fields"): delete_fields,
    ("PUT", "preview/app/form/layout"): put_layout,
}
