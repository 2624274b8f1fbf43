"""Record comments: list them (10 per page), post one (with mentions), delete one."""

from __future__ import annotations

from collections.abc import Mapping

from generator.devtools.standin import errors
from generator.devtools.standin.auth import COMMENT, VIEW
from generator.devtools.standin.errors import JsonObj
from generator.devtools.standin.fields import timestamp_text
from generator.devtools.standin.records import find_record
from generator.devtools.standin.request import (
    Handler,
    Request,
    id_param,
    int_param,
    open_app,
    param,
)
from generator.devtools.standin.store import Comment, Store
from generator.devtools.standin.webhooks import comment_event, comment_view

MAX_LIMIT = 10
MAX_TEXT = 65_535
MAX_MENTIONS = 10
MENTION_TYPES = ("USER", "GROUP", "ORGANIZATION")


def get_comments(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, VIEW)
    record = find_record(app, id_param(req, "record"))
    order = str(req.params.get("order") or "desc").lower()
    if order not in ("asc", "desc"):
        raise errors.invalid("order", "must be one of the enum value")
    offset = int_param(req, "offset", 0, 0, 2**31 - 1)
    limit = int_param(req, "limit", MAX_LIMIT, 0, MAX_LIMIT)
    ordered = sorted(record.comments, key=lambda c: c.id, reverse=order == "desc")
    page = ordered[offset : offset + limit]
    before, after = offset > 0, offset + limit < len(ordered)
    # "older"/"newer" name comments outside this page, whichever way the page is sorted.
    older, newer = (after, before) if order == "desc" else (before, after)
    return {"comments": [comment_view(store, c) for c in page], "older": older, "newer": newer}


def post_comment(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, COMMENT)
    record = find_record(app, id_param(req, "record"))
    raw = param(req, "comment")
    if not isinstance(raw, Mapping):
        raise errors.invalid("comment", "must be an object")
    text = raw.get("text")
    if not isinstance(text, str) or not text:
        raise errors.required("comment.text")
    if len(text) > MAX_TEXT:
        raise errors.invalid("comment.text", f"Enter less than {MAX_TEXT + 1} characters.")
    mentions = _mentions(store, raw.get("mentions"))
    # kintone puts the mentioned names in front of the text it stores.
    names = [store.entity_name(m["type"], m["code"]) or m["code"] for m in mentions]
    stored = f"{' '.join(names)} \n{text}" if names else text
    comment = Comment(
        record.next_comment, stored, timestamp_text(store.now()), req.principal.login, mentions
    )
    record.next_comment += 1
    record.comments.append(comment)
    comment_event(store, app, record, comment)
    return {"id": str(comment.id)}


def _mentions(store: Store, raw: object) -> list[JsonObj]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_MENTIONS:
        raise errors.invalid("comment.mentions", f"Up to {MAX_MENTIONS} mentions can be specified.")
    out = []
    for index, item in enumerate(raw):
        kind = item.get("type") if isinstance(item, Mapping) else None
        code = str(item.get("code")) if isinstance(item, Mapping) else ""
        if kind not in MENTION_TYPES or store.entity_name(str(kind), code) is None:
            raise errors.invalid(
                f"comment.mentions[{index}].code", f"The {kind} ({code}) is not found."
            )
        out.append({"code": code, "type": kind})
    return out


def delete_comment(store: Store, req: Request) -> JsonObj:
    app = open_app(store, req, COMMENT)
    record = find_record(app, id_param(req, "record"))
    comment_id = int(id_param(req, "comment"))
    comment = next((c for c in record.comments if c.id == comment_id), None)
    if comment is None:
        raise errors.comment_not_found()
    if comment.creator != req.principal.login:
        raise errors.no_privilege()  # only the author may delete a comment
    record.comments.remove(comment)
    return {}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "record/comments"): get_comments,
    ("POST", "record/comment"): post_comment,
    ("DELETE", "record/comment"): delete_comment,
}
