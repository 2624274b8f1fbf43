"""The cursor API: create a cursor over a query, read it page by page, delete it."""

from __future__ import annotations

from datetime import timedelta

from generator.devtools.standin import errors
from generator.devtools.standin.auth import VIEW, authorize
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.query import check_fields, parse, select
from generator.devtools.standin.records import query_context
from generator.devtools.standin.request import (
    Handler,
    Request,
    check_space,
    int_param,
    list_param,
    open_app,
    param,
)
from generator.devtools.standin.store import Cursor, Store
from generator.devtools.standin.views import record_view

MAX_CURSORS = 10
MAX_SIZE = 500
LIFETIME = timedelta(minutes=10)


def _expire(store: Store) -> None:
    now = store.now()
    for cursor_id in [c.id for c in store.cursors.values() if now - c.created >= LIFETIME]:
        del store.cursors[cursor_id]


def create_cursor(store: Store, req: Request) -> JsonObj:
    """The records are read when the cursor is made; limit and offset are not allowed."""
    app = open_app(store, req, VIEW)
    size = int_param(req, "size", 100, 1, MAX_SIZE)
    query = parse(str(req.params.get("query") or ""))
    if query.limit is not None or query.offset is not None:
        raise errors.invalid("query", "limit and offset cannot be used in a cursor query.")
    check_fields(query, app)
    _expire(store)
    if len(store.cursors) >= MAX_CURSORS:
        raise errors.cursor_limit()
    only = [str(code) for code in list_param(req, "fields")] or None
    matched = select(query, app, list(app.records.values()), query_context(store, req.principal))
    cursor = Cursor(
        id=store.new_key("cursor"),
        app=app.id,
        records=[record_view(store, app, record, only) for record in matched],
        size=size,
        created=store.now(),
    )
    store.cursors[cursor.id] = cursor
    return {"id": cursor.id, "totalCount": str(len(cursor.records))}


def _open_cursor(store: Store, req: Request) -> Cursor:
    _expire(store)
    cursor = store.cursors.get(str(param(req, "id")))
    if cursor is None:
        raise errors.cursor_not_found()
    app = store.app(cursor.app)
    check_space(req, app)
    authorize(store, req.principal, app, VIEW)
    return cursor


def read_cursor(store: Store, req: Request) -> JsonObj:
    """The next page; a cursor read to its end is freed, as in kintone."""
    cursor = _open_cursor(store, req)
    page = cursor.records[cursor.position : cursor.position + cursor.size]
    cursor.position += len(page)
    more = cursor.position < len(cursor.records)
    if more:
        cursor.created = store.now()  # reading extends the cursor's life
    else:
        del store.cursors[cursor.id]
    return {"records": page, "next": more}


def delete_cursor(store: Store, req: Request) -> JsonObj:
    cursor = _open_cursor(store, req)
    del store.cursors[cursor.id]
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "records/cursor"): create_cursor,
    ("GET", "records/cursor"): read_cursor,
    ("DELETE", "records/cursor"): delete_cursor,
}
