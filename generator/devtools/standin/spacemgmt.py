"""Spaces: get, create from a template, update, delete; body, members, threads and guests.

Behaviour from Cybozu's documentation (KDEV get-space, add-space-from-template, update-space,
delete-space, update-space-body, get/update-space-members, add-thread, update-thread,
add-guests, delete-guests, update-space-guests). Space APIs take no API token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.request import Handler, Request, id_param, list_param, param
from generator.devtools.standin.spaces import MAX_TEXT, open_space
from generator.devtools.standin.store import Space, Store, Thread
from generator.devtools.standin.views import app_view

MAX_NAME = 128
MAX_GUESTS = 100
ENTITY_TYPES = ("USER", "GROUP", "ORGANIZATION")
_SWITCHES = (
    "isPrivate",
    "fixedMember",
    "useMultiThread",
    "showAnnouncement",
    "showThreadList",
    "showAppList",
    "showMemberList",
    "showRelatedLinkList",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GUEST_KEYS = {"code": 256, "name": 128, "password": 64}


def _user(req: Request) -> str:
    user = req.principal.user
    return user.login if user else ""


def entries(store: Store, space: Space) -> list[JsonObj]:
    """The member entries; seeded spaces make their first member (or the admins) space admins."""
    if space.entries is not None:
        return space.entries
    logins = list(space.members) or [u.login for u in store.users.values() if u.admin]
    if not logins:
        return []
    ordered = sorted(logins, key=lambda login: (login != _first_admin(store, logins), login))
    return [
        {"entity": {"type": "USER", "code": login}, "isAdmin": index == 0}
        for index, login in enumerate(ordered)
    ]


def _first_admin(store: Store, logins: list[str]) -> str:
    admins = [login for login in logins if (user := store.users.get(login)) and user.admin]
    return admins[0] if admins else logins[0]


def _require_admin(store: Store, req: Request, space: Space) -> None:
    """Changing a space needs its administrator (KDEV: space administrator permission)."""
    login = _user(req)
    for entry in entries(store, space):
        entity = entry["entity"]
        if entry.get("isAdmin") and login in _logins(store, entity["type"], entity["code"]):
            return
    raise errors.no_privilege()


def _logins(store: Store, kind: str, code: str) -> list[str]:
    return [code] if kind == "USER" else store.members(kind, code)


def _bool(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def get_space(store: Store, req: Request) -> JsonObj:
    space = open_space(store, req, "id")
    apps = [
        app
        for app in sorted(store.apps.values(), key=lambda a: int(a.id))
        if space.id in (app.space_id, app.home_space)
    ]
    return {
        "id": space.id,
        "name": space.name,
        "defaultThread": next(iter(space.threads), None),
        "isPrivate": space.settings["isPrivate"],
        "creator": store.person(space.creator),
        "modifier": store.person(space.modifier),
        "memberCount": str(len(_member_logins(store, space))),
        "coverType": "PRESET",
        "coverKey": "GREEN",
        "coverUrl": "",
        "body": space.body,
        "useMultiThread": space.settings["useMultiThread"],
        "isGuest": space.guest,
        "attachedApps": [app_view(store, app) for app in apps],
        **{key: space.settings[key] for key in _SWITCHES if key.startswith("show")},
        "fixedMember": space.settings["fixedMember"],
        "permissions": dict(space.settings["permissions"]),
    }


def _member_logins(store: Store, space: Space) -> set[str]:
    out: set[str] = set()
    for entry in entries(store, space):
        out.update(_logins(store, entry["entity"]["type"], entry["entity"]["code"]))
    return out


def put_space(store: Store, req: Request) -> JsonObj:
    space = open_space(store, req, "id")
    _require_admin(store, req, space)
    problems = Problems()
    if "name" in req.params:
        _check_name(req.params["name"], "name", problems)
    permissions = req.params.get("permissions")
    if permissions is not None and (
        not isinstance(permissions, Mapping)
        or permissions.get("createApp") not in ("EVERYONE", "ADMIN")
    ):
        problems.add("permissions.createApp", "must be EVERYONE or ADMIN")
    problems.raise_if_any()
    if "name" in req.params:
        space.name = req.params["name"]
    for key in _SWITCHES:
        if key in req.params:
            space.settings[key] = _bool(req.params[key])
    if isinstance(permissions, Mapping):
        space.settings["permissions"] = {"createApp": permissions["createApp"]}
    space.modifier = _user(req)
    return {}


def _check_name(value: Any, key: str, problems: Problems) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME:
        problems.add(key, f"Enter between 1 and {MAX_NAME} characters.")


def delete_space(store: Store, req: Request) -> JsonObj:
    """Delete a space with its threads and the apps created in it."""
    space = open_space(store, req, "id")
    _require_admin(store, req, space)
    for app_id in [a.id for a in store.apps.values() if space.id in (a.space_id, a.home_space)]:
        del store.apps[app_id]
    del store.spaces[space.id]
    return {}


def put_space_body(store: Store, req: Request) -> JsonObj:
    space = open_space(store, req, "id")
    _require_admin(store, req, space)
    body = param(req, "body")
    if not isinstance(body, str) or len(body) > MAX_TEXT:
        raise errors.invalid("body", f"Enter up to {MAX_TEXT} characters.")
    space.body = body
    return {}


def get_members(store: Store, req: Request) -> JsonObj:
    space = open_space(store, req, "id")
    out = []
    for entry in entries(store, space):
        item = {"entity": dict(entry["entity"]), "isAdmin": bool(entry.get("isAdmin"))}
        if entry["entity"]["type"] == "ORGANIZATION":
            item["includeSubs"] = bool(entry.get("includeSubs"))
        if entry["entity"]["type"] == "USER":
            item["isImplicit"] = False
        out.append(item)
    return {"members": out}


def put_members(store: Store, req: Request) -> JsonObj:
    """Replace the members: at least one administrator, every member known (KDEV)."""
    space = open_space(store, req, "id")
    _require_admin(store, req, space)
    new = _member_entries(store, list_param(req, "members", required=True), "members")
    space.entries = new
    space.members = frozenset(_member_logins(store, space))
    return {}


def _member_entries(store: Store, raw: list[Any], key: str) -> list[JsonObj]:
    problems = Problems()
    out: list[JsonObj] = []
    for index, item in enumerate(raw):
        where = f"{key}[{index}]"
        entity = item.get("entity") if isinstance(item, Mapping) else None
        kind = entity.get("type") if isinstance(entity, Mapping) else None
        code = entity.get("code") if isinstance(entity, Mapping) else None
        if kind not in ENTITY_TYPES:
            problems.add(f"{where}.entity.type", f"must be one of {', '.join(ENTITY_TYPES)}")
        elif not isinstance(code, str) or store.entity_name(kind, code) is None:
            problems.add(f"{where}.entity.code", f"The {kind.lower()} ({code}) is not found.")
        else:
            entry: JsonObj = {"entity": {"type": kind, "code": code}}
            entry["isAdmin"] = _bool(item.get("isAdmin"))
            if kind == "ORGANIZATION":
                entry["includeSubs"] = _bool(item.get("includeSubs"))
            out.append(entry)
    if not problems and not any(entry["isAdmin"] for entry in out):
        problems.add(key, "Specify at least one space administrator.")
    problems.raise_if_any()
    return out


def post_template_space(store: Store, req: Request) -> JsonObj:
    """Create a space from a template: always on the normal path, guest spaces included."""
    if req.principal.kind == "token":
        raise errors.token_not_allowed()
    template = id_param(req, "id")
    if template not in store.space_templates:
        raise errors.KintoneError(404, "GAIA_ST06", "The specified space template is not found.")
    problems = Problems()
    _check_name(req.params.get("name"), "name", problems)
    problems.raise_if_any()
    members = _member_entries(store, list_param(req, "members", required=True), "members")
    guest = _bool(req.params.get("isGuest"))
    space_id = _next_id(store)
    thread_id = _next_id(store, int(space_id))
    space = Space(
        space_id,
        str(req.params["name"]),
        guest,
        frozenset(),
        {thread_id: Thread(thread_id, "")},
        entries=members,
        creator=_user(req),
        modifier=_user(req),
    )
    space.settings["isPrivate"] = guest or _bool(req.params.get("isPrivate"))
    space.settings["fixedMember"] = _bool(req.params.get("fixedMember"))
    space.members = frozenset(_member_logins(store, space))
    store.spaces[space_id] = space
    return {"id": space_id}


def _next_id(store: Store, above: int = 0) -> str:
    """A space or thread ID no space, thread or app uses yet."""
    used = [int(s) for s in store.spaces] + [int(a) for a in store.apps] + [above]
    used += [int(t) for s in store.spaces.values() for t in s.threads]
    return str(max(used) + 1)


def post_thread(store: Store, req: Request) -> JsonObj:
    """Add a thread to a multi-thread space (KDEV add-thread)."""
    space = open_space(store, req)
    problems = Problems()
    _check_name(req.params.get("name"), "name", problems)
    problems.raise_if_any()
    if not space.settings["useMultiThread"]:
        # Code assumed: kintone refuses threads in single-thread spaces.
        raise errors.KintoneError(400, "GAIA_SP04", "Threads cannot be added to this space.")
    thread_id = _next_id(store)
    space.threads[thread_id] = Thread(thread_id, str(req.params["name"]))
    return {"id": thread_id}


def put_thread(store: Store, req: Request) -> JsonObj:
    thread_id = id_param(req, "id")
    space = next((s for s in store.spaces.values() if thread_id in s.threads), None)
    if space is None:
        raise errors.KintoneError(404, "GAIA_TH01", "The specified thread is not found.")
    open_space(store, req, value=space.id)
    problems = Problems()
    if "name" in req.params:
        _check_name(req.params["name"], "name", problems)
    body = req.params.get("body")
    if body is not None and (not isinstance(body, str) or len(body) > MAX_TEXT):
        problems.add("body", f"Enter up to {MAX_TEXT} characters.")
    problems.raise_if_any()
    thread = space.threads[thread_id]
    if "name" in req.params:
        thread.name = req.params["name"]
    if isinstance(body, str):
        thread.body = body
    return {}


def post_guests(store: Store, req: Request) -> JsonObj:
    """Add guest users (KDEV add-guests): e-mail code, name, password and time zone each."""
    user = req.principal.user
    if req.principal.kind == "token":
        raise errors.token_not_allowed()
    if user is None or not user.admin:
        raise errors.no_privilege()
    guests = list_param(req, "guests", required=True)
    if len(guests) > MAX_GUESTS:
        raise errors.invalid("guests", f"Up to {MAX_GUESTS} guests can be added at once.")
    problems = Problems()
    added: dict[str, JsonObj] = {}
    for index, raw in enumerate(guests):
        guest = _guest(raw, f"guests[{index}]", problems)
        if guest is not None:
            if guest["code"] in store.guests or guest["code"] in added:
                problems.add(f"guests[{index}].code", "The guest user already exists.")
            added[guest["code"]] = guest
    problems.raise_if_any()
    store.guests.update(added)
    return {}


def _guest(raw: Any, where: str, problems: Problems) -> JsonObj | None:
    if not isinstance(raw, Mapping):
        problems.add(where, "must be an object")
        return None
    for key, limit in _GUEST_KEYS.items():
        value = raw.get(key)
        if not isinstance(value, str) or not value or len(value) > limit:
            problems.add(f"{where}.{key}", errors.REQUIRED_PARAM)
    if not isinstance(raw.get("timezone"), str) or not raw.get("timezone"):
        problems.add(f"{where}.timezone", errors.REQUIRED_PARAM)
    if isinstance(raw.get("code"), str) and not _EMAIL.match(raw["code"]):
        problems.add(f"{where}.code", "Enter an e-mail address.")
    return {k: v for k, v in raw.items() if k != "password"}


def delete_guests(store: Store, req: Request) -> JsonObj:
    user = req.principal.user
    if req.principal.kind == "token":
        raise errors.token_not_allowed()
    if user is None or not user.admin:
        raise errors.no_privilege()
    codes = [str(code) for code in list_param(req, "guests", required=True)]
    if len(codes) > MAX_GUESTS:
        raise errors.invalid("guests", f"Up to {MAX_GUESTS} guests can be deleted at once.")
    for code in codes:
        store.guests.pop(code, None)
        for space in store.spaces.values():
            if code in space.guests:
                space.guests.remove(code)
    return {}


def put_space_guests(store: Store, req: Request) -> JsonObj:
    """Set the guests of a guest space (called on its guest path); they must exist."""
    space = open_space(store, req, "id")
    _require_admin(store, req, space)
    if not space.guest:
        # Code assumed: only guest spaces have guests.
        raise errors.KintoneError(400, "GAIA_SP05", "The specified space is not a guest space.")
    codes = list_param(req, "guests", required=True)
    problems = Problems()
    for index, code in enumerate(codes):
        if code not in store.guests:
            problems.add(f"guests[{index}]", f"The guest user ({code}) is not found.")
    problems.raise_if_any()
    space.guests = [str(code) for code in codes]
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "space"): get_space,
    ("PUT", "space"): put_space,
    ("DELETE", "space"): delete_space,
    ("PUT", "space/body"): put_space_body,
    ("GET", "space/members"): get_members,
    ("PUT", "space/members"): put_members,
    ("POST", "space/thread"): post_thread,
    ("PUT", "space/thread"): put_thread,
    ("POST", "template/space"): post_template_space,
    ("POST", "guests"): post_guests,
    ("DELETE", "guests"): delete_guests,
    ("PUT", "space/guests"): put_space_guests,
}
