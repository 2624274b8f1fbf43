"""Records and apps as kintone returns them: every value as {type, value}, IDs as strings."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.fields import ENTITY_KIND, value_fields
from generator.devtools.standin.store import ADMINISTRATOR, App, Record, Store

# kintone returns null for these types when they hold no value.
_NULL_WHEN_EMPTY = frozenset({"DROP_DOWN", "DATE", "TIME"})


def record_view(
    store: Store, app: App, record: Record, only: Collection[str] | None = None
) -> JsonObj:
    """The record in Get Record format; `only` limits it to these field codes (`fields`)."""
    out: JsonObj = {}
    for code, prop in value_fields(app.fields).items():
        if only is None or code in only:
            out[code] = {"type": prop["type"], "value": _record_value(store, record, prop)}
    if only is None or "$id" in only:
        out["$id"] = {"type": "__ID__", "value": str(record.id)}
    if only is None or "$revision" in only:
        out["$revision"] = {"type": "__REVISION__", "value": str(record.revision)}
    return out


def _record_value(store: Store, record: Record, prop: JsonObj) -> Any:
    kind = prop["type"]
    if kind == "RECORD_NUMBER":
        return str(record.id)
    if kind in ("CREATOR", "MODIFIER"):
        return store.person(record.creator if kind == "CREATOR" else record.modifier)
    if kind in ("CREATED_TIME", "UPDATED_TIME"):
        return record.created_at if kind == "CREATED_TIME" else record.updated_at
    if kind == "STATUS":
        return record.status
    if kind == "STATUS_ASSIGNEE":
        return [store.person(login) for login in record.assignees]
    return cell_value(store, prop, record.values.get(prop["code"]))


def cell_value(store: Store, prop: JsonObj, stored: Any) -> Any:
    """One stored value in API shape (also used for table cells)."""
    kind = prop["type"]
    if kind in ENTITY_KIND:
        kind_name = ENTITY_KIND[kind]
        return [{"code": c, "name": store.entity_name(kind_name, c) or c} for c in stored or []]
    if kind == "FILE":
        return [_file_value(store, key) for key in stored or []]
    if kind == "SUBTABLE":
        return [_row_value(store, prop["fields"], row) for row in stored or []]
    if kind in ("CHECK_BOX", "MULTI_SELECT", "CATEGORY"):
        return list(stored or [])
    if kind in _NULL_WHEN_EMPTY and not stored:
        return None
    return "" if stored is None else stored


def _row_value(store: Store, inner: Mapping[str, JsonObj], row: JsonObj) -> JsonObj:
    cells = {
        code: {"type": prop["type"], "value": cell_value(store, prop, row["value"].get(code))}
        for code, prop in inner.items()
    }
    return {"id": row["id"], "value": cells}


def _file_value(store: Store, key: str) -> JsonObj:
    blob = store.files.get(key)
    if blob is None:
        return {"contentType": "", "fileKey": key, "name": "", "size": "0"}
    return {
        "contentType": blob.content_type,
        "fileKey": key,
        "name": blob.name,
        "size": str(len(blob.data)),
    }


def record_title(store: Store, app: App, record: Record) -> str:
    """The record title webhooks carry: the app's title field, else its first text field."""
    code = app.title_field
    if code is None:
        code = next((c for c, p in app.fields.items() if p["type"] == "SINGLE_LINE_TEXT"), None)
    if code is None or code not in app.fields:
        return ""
    value = _record_value(store, record, app.fields[code])
    return value if isinstance(value, str) else ""


def record_url(store: Store, app: App, record_id: int) -> str:
    space = f"guest/{app.space_id}/" if app.space_id else ""
    return f"{store.base_url}/k/{space}{app.id}/show#record={record_id}"


def app_view(store: Store, app: App) -> JsonObj:
    """GET /k/v1/app.json for one app."""
    owner = next((user.login for user in store.users.values() if user.admin), ADMINISTRATOR)
    return {
        "appId": app.id,
        "code": app.code,
        "name": app.name,
        "description": app.description,
        "spaceId": app.space_id or app.home_space,
        "threadId": app.thread_id,
        "createdAt": app.created_at,
        "creator": store.person(owner),
        "modifiedAt": app.modified_at,
        "modifier": store.person(owner),
    }
