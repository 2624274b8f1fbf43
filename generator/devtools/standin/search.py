"""Cross-domain search (POST search.json) over records, record comments, spaces and threads.

Request and answer as @kintone/rest-api-client 6.x documents them (docs/search.md,
types/search): query entries with AND/OR/NOT keywords, types, scopes and excludeScopes,
createdAfter/Before, creators, sort, limit (1 to 20, default 20) and page tokens. Not in
Cybozu's OpenAPI description (2025-04-23). Keywords match case-insensitively as substrings;
kintone's own full-text index also splits words, which the stand-in does not imitate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.devtools.standin import errors
from generator.devtools.standin.auth import VIEW, may
from generator.devtools.standin.errors import JsonObj, Problems
from generator.devtools.standin.request import Handler, Request
from generator.devtools.standin.store import App, Record, Space, Store

MAX_ENTRIES = 20
MAX_KEYWORDS = 20
MAX_KEYWORD = 50
MAX_LIMIT = 20
HIT_TYPES = (
    "RECORD",
    "RECORD_COMMENT",
    "SPACE",
    "THREAD",
    "THREAD_COMMENT",
    "PEOPLE_COMMENT",
    "MESSAGE_COMMENT",
    "ATTACHMENT",
)
SCOPES = ("SPACE", "APP", "PEOPLE", "MESSAGE")
_TEXT_TYPES = frozenset(
    {"SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "RICH_TEXT", "LINK", "NUMBER", "DROP_DOWN"}
)
_SNIPPET = 40


@dataclass(frozen=True)
class Hit:
    kind: str
    body: JsonObj
    texts: tuple[str, ...]
    created: str
    creator: str
    app: str | None
    space: str | None
    fields: tuple[tuple[JsonObj, str], ...] = ()


def post_search(store: Store, req: Request) -> JsonObj:
    if req.principal.kind == "token":
        raise errors.token_not_allowed()  # user authentication only
    problems = Problems()
    entries = _query(req.params.get("query"), problems)
    types = _types(req.params.get("types"), problems)
    scopes = _scopes(req.params.get("scopes"), "scopes", problems)
    excluded = _scopes(req.params.get("excludeScopes"), "excludeScopes", problems)
    limit = _limit(req.params.get("limit"), problems)
    by, order = _sort(req.params.get("sort"), problems)
    after = _instant(req.params.get("createdAfter"), "createdAfter", problems)
    before = _instant(req.params.get("createdBefore"), "createdBefore", problems)
    offset = _page(req.params.get("pageToken"), problems)
    problems.raise_if_any()
    if not any(operator in ("AND", "OR") for operator, _ in entries):
        return {"hits": [], "nextPageToken": None}
    creators = {str(c) for c in req.params.get("creators") or []}
    found = [
        hit
        for hit in _candidates(store, req)
        if (not types or hit.kind in types)
        and _in_scopes(hit, scopes, default=True)
        and not _in_scopes(hit, excluded, default=False)
        and (not creators or hit.creator in creators)
        and _within(hit.created, after, before)
        and _matches(hit.texts, entries)
    ]
    found = _ordered(found, entries, by, order)
    page = found[offset : offset + limit]
    more = offset + limit < len(found)
    hits = [_answer(hit, entries) for hit in page]
    return {"hits": hits, "nextPageToken": f"p{offset + limit}" if more else None}


def _answer(hit: Hit, entries: list[tuple[str, list[str]]]) -> JsonObj:
    """The hit as kintone sends it: its snippets, and for records up to 3 matched fields."""
    body = {**hit.body, "snippets": _snippets(hit.texts, entries)}
    if hit.kind == "RECORD":
        words = [w for operator, ws in entries if operator != "NOT" for w in ws]
        matched = [f for f, text in hit.fields if any(w in text.lower() for w in words)]
        body["record"] = {**body["record"], "matchedFields": matched[:3]}
    return body


def _query(raw: Any, problems: Problems) -> list[tuple[str, list[str]]]:
    if not isinstance(raw, list) or not raw:
        problems.add("query", errors.REQUIRED_PARAM)
        return []
    if len(raw) > MAX_ENTRIES:
        problems.add("query", f"Up to {MAX_ENTRIES} conditions can be specified.")
    entries: list[tuple[str, list[str]]] = []
    for index, entry in enumerate(raw):
        where = f"query[{index}]"
        entry = entry if isinstance(entry, Mapping) else {}
        operator, keywords = entry.get("operator"), entry.get("keywords")
        if operator not in ("AND", "OR", "NOT"):
            problems.add(f"{where}.operator", "must be AND, OR or NOT")
        if not isinstance(keywords, list) or not keywords:
            problems.add(f"{where}.keywords", errors.REQUIRED_PARAM)
            continue
        for k, word in enumerate(keywords):
            if not isinstance(word, str) or not word.strip() or len(word) > MAX_KEYWORD:
                problems.add(f"{where}.keywords[{k}]", f"Enter 1 to {MAX_KEYWORD} characters.")
        entries.append((str(operator), [str(word).lower() for word in keywords]))
    if sum(len(words) for _, words in entries) > MAX_KEYWORDS:
        problems.add("query", f"Up to {MAX_KEYWORDS} keywords can be specified in all.")
    return entries


def _types(raw: Any, problems: Problems) -> set[str]:
    if raw in (None, []):
        return set()
    values = raw if isinstance(raw, list) else [raw]
    for index, value in enumerate(values):
        if value not in HIT_TYPES:
            problems.add(f"types[{index}]", f"must be one of {', '.join(HIT_TYPES)}")
    return {str(value) for value in values}


def _scopes(raw: Any, key: str, problems: Problems) -> list[tuple[str, set[str]]]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_ENTRIES:
        problems.add(key, f"Up to {MAX_ENTRIES} scopes can be specified.")
        return []
    out: list[tuple[str, set[str]]] = []
    for index, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        scope = item.get("scope")
        if scope not in SCOPES:
            problems.add(f"{key}[{index}].scope", f"must be one of {', '.join(SCOPES)}")
            continue
        by_id = scope in ("APP", "SPACE")
        wrong = "codes" if by_id else "ids"
        if item.get(wrong) not in (None, []):
            problems.add(f"{key}[{index}].{wrong}", f"cannot be specified for {scope}")
        values = item.get("ids" if by_id else "codes") or []
        out.append((str(scope), {str(v) for v in values}))
    return out


def _limit(raw: Any, problems: Problems) -> int:
    if raw in (None, ""):
        return MAX_LIMIT
    text = str(raw)
    if isinstance(raw, bool) or not text.isdecimal() or not 1 <= int(text) <= MAX_LIMIT:
        problems.add("limit", f"Enter a number from 1 to {MAX_LIMIT}.")
        return MAX_LIMIT
    return int(text)


def _sort(raw: Any, problems: Problems) -> tuple[str, str]:
    sort = raw if isinstance(raw, Mapping) else {}
    by, order = sort.get("by") or "RELEVANCE", sort.get("order") or "DESC"
    if by not in ("RELEVANCE", "CREATED_AT"):
        problems.add("sort.by", "must be RELEVANCE or CREATED_AT")
    if order not in ("ASC", "DESC"):
        problems.add("sort.order", "must be ASC or DESC")
    elif by == "RELEVANCE" and order == "ASC":
        # docs/search.md: {by: RELEVANCE, order: ASC} is not supported.
        problems.add("sort.order", "RELEVANCE can only be sorted DESC.")
    return str(by), str(order)


def _instant(raw: Any, key: str, problems: Problems) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        problems.add(key, "Enter a date and time such as 2026-01-31T09:00:00Z.")
        return None


def _page(raw: Any, problems: Problems) -> int:
    if raw in (None, ""):
        return 0
    text = str(raw)
    if not text.startswith("p") or not text[1:].isdecimal():
        problems.add("pageToken", "The page token is not valid.")
        return 0
    return int(text[1:])


def _candidates(store: Store, req: Request) -> Iterator[Hit]:
    login = req.principal.login
    for app in sorted(store.apps.values(), key=lambda a: int(a.id)):
        if may(store, req.principal, app, VIEW):
            yield from _app_hits(store, app)
    for space in store.spaces.values():
        if not space.members or login in space.members:
            yield from _space_hits(store, space)


def _app_hits(store: Store, app: App) -> Iterator[Hit]:
    space_id = app.space_id or app.home_space
    place: JsonObj = {}
    if space_id is not None and space_id in store.spaces:
        place = {"spaceId": space_id, "spaceName": store.spaces[space_id].name}
    for record in app.records.values():
        base = {
            "appId": app.id,
            "appName": app.name,
            "recordId": str(record.id),
            "recordTitle": _title(app, record),
        }
        texts = _record_texts(app, record)
        record_body = {
            **base,
            "createdAt": record.created_at,
            "creator": store.person(record.creator),
            "matchedFields": [],
            **place,
        }
        url = f"{store.base_url}/k/{app.id}/show#record={record.id}"
        hit_body = {"type": "RECORD", "url": url, "record": record_body}
        yield Hit(
            "RECORD",
            hit_body,
            tuple(t for _, t in texts),
            record.created_at,
            record.creator,
            app.id,
            space_id,
            tuple(texts),
        )
        for comment in record.comments:
            comment_body = {
                **base,
                "commentId": str(comment.id),
                "createdAt": comment.created_at,
                "creator": store.person(comment.creator),
                **place,
            }
            body = {
                "type": "RECORD_COMMENT",
                "url": f"{url}&comment={comment.id}",
                "recordComment": comment_body,
            }
            yield Hit(
                "RECORD_COMMENT",
                body,
                (comment.text,),
                comment.created_at,
                comment.creator,
                app.id,
                space_id,
            )


def _title(app: App, record: Record) -> str:
    if app.title_field is None:
        return str(record.id)
    return str(record.values.get(app.title_field) or "")


def _record_texts(app: App, record: Record) -> list[tuple[JsonObj, str]]:
    out = []
    for code, prop in app.fields.items():
        value = record.values.get(code)
        if prop["type"] in _TEXT_TYPES and value not in (None, ""):
            out.append(({"code": code, "label": prop.get("label", code)}, str(value)))
    return out


def _space_hits(store: Store, space: Space) -> Iterator[Hit]:
    creator = store.person(space.creator)
    base = {"spaceId": space.id, "spaceName": space.name}
    url = f"{store.base_url}/k/#/space/{space.id}"
    body = {"type": "SPACE", "url": url, "space": {**base, "createdAt": "", "creator": creator}}
    yield Hit("SPACE", body, (space.name, space.body), "", space.creator, None, space.id)
    for thread in space.threads.values():
        thread_base = {**base, "threadId": thread.id, "threadName": thread.name}
        thread_url = f"{url}/thread/{thread.id}"
        thread_body = {**thread_base, "createdAt": "", "creator": creator}
        body = {"type": "THREAD", "url": thread_url, "thread": thread_body}
        yield Hit("THREAD", body, (thread.name, thread.body), "", space.creator, None, space.id)
        for comment in thread.comments:
            author = comment["creator"]
            comment_body = {
                "commentId": comment["id"],
                **thread_base,
                "createdAt": comment["createdAt"],
                "creator": author,
            }
            body = {
                "type": "THREAD_COMMENT",
                "url": f"{thread_url}/{comment['id']}",
                "threadComment": comment_body,
            }
            yield Hit(
                "THREAD_COMMENT",
                body,
                (comment["text"],),
                comment["createdAt"],
                author["code"],
                None,
                space.id,
            )


def _in_scopes(hit: Hit, scopes: list[tuple[str, set[str]]], *, default: bool) -> bool:
    if not scopes:
        return default
    for scope, ids in scopes:
        if scope == "APP" and hit.app is not None and (not ids or hit.app in ids):
            return True
        in_space = hit.app is None and hit.space is not None
        if scope == "SPACE" and in_space and (not ids or hit.space in ids):
            return True
    return False


def _within(created: str, after: datetime | None, before: datetime | None) -> bool:
    if after is None and before is None:
        return True
    if not created:
        return False
    moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    return (after is None or moment >= after) and (before is None or moment <= before)


def _matches(texts: tuple[str, ...], entries: list[tuple[str, list[str]]]) -> bool:
    text = " ".join(texts).lower()
    for operator, words in entries:
        found = [word in text for word in words]
        if operator == "AND" and not all(found):
            return False
        if operator == "OR" and not any(found):
            return False
        if operator == "NOT" and any(found):
            return False
    return True


def _ordered(
    hits: list[Hit], entries: list[tuple[str, list[str]]], by: str, order: str
) -> list[Hit]:
    if by == "CREATED_AT":
        return sorted(hits, key=lambda h: h.created, reverse=order == "DESC")
    words = [w for operator, ws in entries if operator != "NOT" for w in ws]

    def relevance(hit: Hit) -> int:
        text = " ".join(hit.texts).lower()
        return sum(text.count(word) for word in words)

    return sorted(hits, key=lambda h: (-relevance(h), h.created), reverse=False)


def _snippets(texts: tuple[str, ...], entries: list[tuple[str, list[str]]]) -> list[str]:
    """Up to 3 pieces of text around a matched keyword."""
    words = [w for operator, ws in entries if operator != "NOT" for w in ws]
    out: list[str] = []
    for text in texts:
        lower = text.lower()
        for word in words:
            at = lower.find(word)
            if at >= 0:
                out.append(text[max(0, at - _SNIPPET) : at + len(word) + _SNIPPET])
                break
        if len(out) == 3:
            break
    return out


ROUTES: dict[tuple[str, str], Handler] = {("POST", "search"): post_search}
