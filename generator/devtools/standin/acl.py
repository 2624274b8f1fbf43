"""Permissions: evaluate the caller's rights on records; the app, record and field ACL settings.

The stand-in keeps kintone's default permissions of a new app (KDEV get-app-permissions: the
app creator manages the app; Everyone may view, add, edit, delete, import and export records)
and no record or field restrictions; the answers have the shapes Cybozu documents.
"""

from __future__ import annotations

from generator.devtools.standin import errors
from generator.devtools.standin.appforms import SYSTEM_TYPES
from generator.devtools.standin.auth import MANAGE_READ, Need
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.request import Handler, Request, id_text, list_param, open_app
from generator.devtools.standin.store import App, Store

MAX_IDS = 100
# KDEV evaluate-record-permissions: record view or add permission.
EVALUATE = Need(frozenset({"view", "add"}), "k:app_record:read")
# Fields the record update APIs cannot write, so not part of the evaluation.
_NOT_EVALUATED = SYSTEM_TYPES | {"CALC", "GROUP", "REFERENCE_TABLE"}


def evaluate(store: Store, req: Request) -> JsonObj:
    """→ {rights: [{id, record: {viewable, editable, deletable}, fields: {code: {...}}}]}."""
    if req.principal.kind == "token":
        raise errors.token_not_allowed()  # KDEV: password and session authentication only
    app = open_app(store, req, EVALUATE)
    ids = [id_text(raw, f"ids[{i}]") for i, raw in enumerate(list_param(req, "ids", required=True))]
    if len(ids) > MAX_IDS:
        raise errors.invalid("ids", f"Up to {MAX_IDS} records can be specified.")
    for record_id in ids:
        if int(record_id) not in app.records:
            raise errors.record_not_found(record_id)
    fields = _evaluated_fields(app)
    rights = [
        {
            "id": record_id,
            "record": {"viewable": True, "editable": True, "deletable": True},
            "fields": {code: {"viewable": True, "editable": True} for code in fields},
        }
        for record_id in ids
    ]
    return {"rights": rights}


def _evaluated_fields(app: App) -> list[str]:
    """Top-level and table fields at one level, as KDEV describes `rights[].fields`."""
    codes: list[str] = []
    for code, prop in app.fields.items():
        if prop["type"] in _NOT_EVALUATED:
            continue
        codes.append(code)
        codes.extend(prop.get("fields") or {})
    return codes


def get_app_acl(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    everyone = {
        "appEditable": False,
        "recordViewable": True,
        "recordAddable": True,
        "recordEditable": True,
        "recordDeletable": True,
        "recordImportable": True,
        "recordExportable": True,
    }
    creator = {key: True for key in everyone}
    rights = [
        {"entity": {"type": "CREATOR", "code": None}, "includeSubs": False, **creator},
        {"entity": {"type": "GROUP", "code": "everyone"}, "includeSubs": False, **everyone},
    ]
    return {"rights": rights, "revision": str(app.live_revision)}


def get_record_acl(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"rights": [], "revision": str(app.live_revision)}


def get_field_acl(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, MANAGE_READ)
    return {"rights": [], "revision": str(app.live_revision)}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "records/acl/evaluate"): evaluate,
    ("GET", "app/acl"): get_app_acl,
    ("GET", "record/acl"): get_record_acl,
    ("GET", "field/acl"): get_field_acl,
}
