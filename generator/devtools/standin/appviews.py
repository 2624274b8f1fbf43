"""App views (GET app/views.json): the list, calendar and custom views of an app's settings."""

from __future__ import annotations

import copy
from typing import Any

from generator.devtools.standin.auth import APP_READ
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.request import Handler, Request, open_app
from generator.devtools.standin.store import Store

# kintone sends these as strings, like every ID and count.
_TEXT_KEYS = ("id", "index")


def get_views(store: Store, req: Request) -> JsonObj:
    """{"views": {<name>: view}, "revision"}: the live views, keyed by name, in index order."""
    app = open_app(store, req, APP_READ)
    return {"views": ordered_views(app.views), "revision": str(app.live_revision)}


def ordered_views(stored: JsonObj) -> JsonObj:
    """Views keyed by name, in index order, with IDs and indexes as text."""
    ordered = sorted(stored.items(), key=lambda item: _index(item[1]))
    return {name: _view(name, view) for name, view in ordered}


def _view(name: str, stored: Any) -> JsonObj:
    view: JsonObj = copy.deepcopy(dict(stored))
    view["name"] = name
    for key in _TEXT_KEYS:
        if key in view:
            view[key] = str(view[key])
    return view


def _index(view: Any) -> int:
    raw = str(dict(view).get("index", "0"))
    return int(raw) if raw.isdecimal() else 0


ROUTES: dict[tuple[str, str], Handler] = {("GET", "app/views"): get_views}
