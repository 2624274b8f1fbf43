"""Garbage in valid requests gets a kintone-shaped 4xx, never a 500 (a seeded mutation fuzz)."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

from generator.devtools.standin import StandIn

from .helpers import password_headers, request, token_headers

GARBAGE: list[Any] = [
    None,
    "",
    "x",
    -1,
    0,
    3.5,
    True,
    [],
    [1],
    {},
    {"value": 1},
    "²",
    10**30,
    [{}],
    "1e400",
]
DEAL = {
    "Title": {"value": "t"},
    "Amount": {"value": "1"},
    "Items": {"value": [{"id": "1", "value": {"Item": {"value": "a"}, "Qty": {"value": "2"}}}]},
    "Tags": {"value": ["red"]},
    "Owner": {"value": [{"code": "sato"}]},
    "Meeting": {"value": "2025-01-01T00:00:00Z"},
    "Customer_ID": {"value": "C-001"},
}
STATES = {
    "A": {
        "name": "A",
        "index": "0",
        "assignee": {"type": "ONE", "entities": [{"entity": {"type": "USER", "code": "sato"}}]},
    },
    "B": {"name": "B", "index": "1"},
}
ACTION = {
    "name": "Send",
    "index": "1",
    "destApp": {"app": "3"},
    "mappings": [{"srcType": "FIELD", "srcField": "Title", "destField": "Title"}],
    "entities": [{"type": "USER", "code": "sato"}],
}
EXAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "record", {"app": 2, "record": DEAL}),
    (
        "PUT",
        "record",
        {"app": 2, "updateKey": {"field": "Deal_code", "value": "D-001"}, "record": DEAL},
    ),
    (
        "PUT",
        "records",
        {"app": 2, "upsert": True, "records": [{"id": 1, "record": DEAL, "revision": 1}]},
    ),
    ("DELETE", "records", {"app": 2, "ids": [1, 2], "revisions": [1, -1]}),
    (
        "GET",
        "records",
        {"app": 2, "query": 'Amount > 1 and Tags in ("red") order by $id asc', "fields": ["$id"]},
    ),
    ("POST", "records/cursor", {"app": 2, "query": "Amount > 1", "size": 2}),
    (
        "POST",
        "record/comment",
        {
            "app": 2,
            "record": 1,
            "comment": {"text": "hi", "mentions": [{"code": "sato", "type": "USER"}]},
        },
    ),
    (
        "PUT",
        "records/status",
        {"app": 2, "records": [{"id": 1, "action": "Start", "assignee": "sato"}]},
    ),
    ("PUT", "record/assignees", {"app": 2, "id": 1, "assignees": ["sato"], "revision": 1}),
    (
        "PUT",
        "preview/app/status",
        {
            "app": 2,
            "enable": True,
            "states": STATES,
            "actions": [{"name": "go", "from": "A", "to": "B"}],
        },
    ),
    ("PUT", "preview/app/actions", {"app": 2, "actions": {"Send": ACTION}}),
    ("POST", "preview/app/deploy", {"apps": [{"app": 2, "revision": 5}], "revert": False}),
    ("GET", "apps", {"ids": [1], "limit": 2}),
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, child in items:
        yield from _paths(child, (*prefix, key))


def _mutate(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, last = rng.choice(list(_paths(body)))
    target: Any = body
    for key in parents:
        target = target[key]
    target[last] = copy.deepcopy(rng.choice(GARBAGE))
    return body


def test_mutated_requests_never_fail_with_500() -> None:
    rng = random.Random(20250501)
    token = token_headers("deals-full", "customers-view")
    with StandIn() as kintone:
        for _ in range(200):
            method, api, example = rng.choice(EXAMPLES)
            headers = password_headers("sato", "sato-pass") if api == "apps" else token
            body = _mutate(example, rng)
            reply = request(
                f"{kintone.url}/k/v1/{api}.json",
                "POST",
                body,
                {**headers, "X-HTTP-Method-Override": method},
            )
            assert reply.status < 500, (method, api, body, reply.body)
            if reply.status >= 400:
                assert set(reply.body) >= {"code", "id", "message"}
