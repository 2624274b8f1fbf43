"""Space threads (POST space/thread/comment.json): comments with mentions and files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.fields import datetime_text
from generator.devtools.standin.request import Handler, Request, id_param
from generator.devtools.standin.store import Space, Store

MAX_TEXT = 65_535
MAX_FILES = 5
MENTION_TYPES = ("USER", "GROUP", "ORGANIZATION")


def post_thread_comment(store: Store, req: Request) -> JsonObj:
    """→ {"id": "<comment id>"}; users only (kintone takes no API token for space APIs)."""
    if req.principal.kind == "token":
        raise errors.token_not_allowed()
    space = open_space(store, req)
    thread = space.threads.get(id_param(req, "thread"))
    if thread is None:
        raise errors.KintoneError(404, "GAIA_TH01", "The specified thread is not found.")
    comment = req.params.get("comment")
    if not isinstance(comment, Mapping):
        raise errors.required("comment")
    problems = Problems()
    text = _text(comment.get("text"), problems)
    mentions = _mentions(store, comment.get("mentions"), problems)
    keys = _file_keys(store, comment.get("files"), problems)
    if not text and not keys and not problems:
        problems.add("comment.text", "Enter the text or attach a file.")
    problems.raise_if_any()
    files = [_attach(store, key) for key in keys]
    login = req.principal.login
    created = datetime_text(store.now())
    comment_id = str(store.next_number("thread-comment"))
    thread.comments.append(
        {
            "id": comment_id,
            "text": text,
            "mentions": mentions,
            "files": files,
            "creator": store.person(login),
            "createdAt": created,
        }
    )
    return {"id": comment_id}


def open_space(store: Store, req: Request, name: str = "space", value: Any = None) -> Space:
    """The space a parameter names, after kintone's guest-path and membership checks."""
    if req.principal.kind == "token":
        raise errors.token_not_allowed()  # kintone takes no API token for space APIs
    space = store.spaces.get(id_param(req, name, value))
    if space is None:
        raise errors.KintoneError(404, "GAIA_SP01", "The specified space is not found.")
    if req.guest_space is None and space.guest:
        raise errors.guest_app_via_normal_path()
    if req.guest_space is not None and req.guest_space != space.id:
        raise errors.no_privilege()
    user = req.principal.user
    if space.members and (user is None or user.login not in space.members):
        raise errors.no_privilege()
    return space


def _text(value: Any, problems: Problems) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add("comment.text", "must be a string")
        return ""
    if len(value) > MAX_TEXT:
        problems.add("comment.text", f"Enter up to {MAX_TEXT} characters.")
    return value


def _mentions(store: Store, value: Any, problems: Problems) -> list[JsonObj]:
    out: list[JsonObj] = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        where = f"comment.mentions[{index}]"
        mention = item if isinstance(item, Mapping) else {}
        kind, code = mention.get("type"), mention.get("code")
        if kind not in MENTION_TYPES:
            problems.add(f"{where}.type", f"must be one of {', '.join(MENTION_TYPES)}")
        elif not isinstance(code, str) or store.entity_name(kind, code) is None:
            problems.add(f"{where}.code", f"The {kind.lower()} ({code}) is not found.")
        else:
            out.append({"code": code, "type": kind})
    return out


def _file_keys(store: Store, value: Any, problems: Problems) -> list[str]:
    """The upload keys of the files to attach (checked; taken only once the comment is posted)."""
    items = value if isinstance(value, list) else []
    if len(items) > MAX_FILES:
        problems.add("comment.files", f"Up to {MAX_FILES} files can be attached.")
    keys: list[str] = []
    for index, item in enumerate(items):
        key = item.get("fileKey") if isinstance(item, Mapping) else None
        if not isinstance(key, str) or key not in store.uploads:
            problems.add(f"comment.files[{index}].fileKey", "The file is not found.")
        else:
            keys.append(key)
    return keys


def _attach(store: Store, key: str) -> JsonObj:
    blob = store.uploads.pop(key)
    return {"name": blob.name, "contentType": blob.content_type, "size": str(len(blob.data))}


ROUTES: dict[tuple[str, str], Handler] = {("POST", "space/thread/comment"): post_thread_comment}
