"""Polling triggers end to end against the kintone stand-in: Python reference and C# (live).

Both engines poll the same way the platform does: the first call without state, then each
time the URL in the previous answer's Location header. Between polls the test writes records
through the stand-in's REST API, with bulk calls and within one second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from generator.customcode import poll_added, poll_updated
from generator.devtools.csharp import ScriptSession
from generator.devtools.runtime.messages import HttpRequest
from generator.devtools.standin import StandIn
from tests.standin.helpers import Client, Clock, request, token_headers
from tests.test_customcode_csharp import FIELDS_PATH, POLL_ADDED, POLL_UPDATED, open_session

Answer = tuple[int, dict[str, str], Any]
Poll = Callable[[str, str, str], Answer]  # (kind, url, token) -> status, headers, JSON body

ADDED = "/k/v1/connector/poll/added.json"
UPDATED = "/k/v1/connector/poll/updated.json"
DEALS_TOKEN = "deals-full"


@pytest.fixture(scope="module")
def session() -> Iterator[ScriptSession]:
    yield from open_session()


def python_poll(kind: str, url: str, token: str) -> Answer:
    def send(method: str, upstream: str) -> tuple[int, bytes]:
        reply = request(upstream, method, headers=token_headers(token))
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        return reply.status, body

    result = poll_added(url, send) if kind == "added" else poll_updated(url, send, FIELDS_PATH)
    return result.status, result.headers, json.loads(result.body) if result.body else None


def csharp_poll(session: ScriptSession) -> Poll:
    def poll(kind: str, url: str, token: str) -> Answer:
        operation = POLL_ADDED if kind == "added" else POLL_UPDATED
        headers = (("X-Cybozu-API-Token", token),)
        response = session.execute(operation, HttpRequest("GET", url, headers))
        return response.status, dict(response.headers), response.json()

    return poll


@pytest.fixture(params=["python", "csharp"])
def poll(request: pytest.FixtureRequest) -> Poll:
    if request.param == "python":
        return python_poll
    return csharp_poll(request.getfixturevalue("session"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kintone(clock: Clock) -> Iterator[StandIn]:
    with StandIn(clock=clock) as standin:
        yield standin


class Trigger:
    """One polling trigger: remembers the Location the platform would call next."""

    def __init__(self, poll: Poll, kind: str, url: str, token: str) -> None:
        self.poll, self.kind, self.url, self.token = poll, kind, url, token

    def next(self) -> Answer:
        status, headers, body = self.poll(self.kind, self.url, self.token)
        if status in (200, 202):
            self.url = headers["Location"]
        if status == 202:
            assert headers["Retry-After"] == "60"
        return status, headers, body

    def fired(self) -> list[str]:
        """Titles of the records a 200 delivered; [] for a 202."""
        status, _, body = self.next()
        assert status in (200, 202), body
        return [r["Title"]["value"] for r in body["value"]] if status == 200 else []


def titles(*names: str) -> list[dict[str, Any]]:
    """Deals records (Amount is required there)."""
    return [{"Title": {"value": name}, "Amount": {"value": "1"}} for name in names]


def test_added_records_fire_once_each(poll: Poll, kintone: StandIn) -> None:
    deals = Client(kintone.url, token_headers(DEALS_TOKEN))
    trigger = Trigger(poll, "added", f"{kintone.url}{ADDED}?app=2", DEALS_TOKEN)
    assert trigger.fired() == []  # starts now: the seed records are not delivered
    assert deals.post("records", {"app": 2, "records": titles("A", "B", "C")}).status == 200
    assert trigger.fired() == ["A", "B", "C"]
    assert trigger.fired() == []
    assert deals.post("record", {"app": 2, "record": titles("D")[0]}).status == 200
    assert trigger.fired() == ["D"]


def test_updated_records_fire_for_bulk_and_same_minute_changes(
    poll: Poll, kintone: StandIn, clock: Clock
) -> None:
    deals = Client(kintone.url, token_headers(DEALS_TOKEN))
    trigger = Trigger(poll, "updated", f"{kintone.url}{UPDATED}?app=2", DEALS_TOKEN)
    assert trigger.fired() == []
    clock.advance(5)
    updates = [{"id": i, "record": titles(f"U{i}")[0]} for i in (1, 2)]
    assert deals.put("records", {"app": 2, "records": updates}).status == 200
    assert trigger.fired() == ["U1", "U2"]
    assert trigger.fired() == []
    # The same second (and minute) again: record 1 changes once more and fires, 2 does not.
    assert deals.put("record", {"app": 2, "id": 1, "record": titles("U1 again")[0]}).status == 200
    assert trigger.fired() == ["U1 again"]
    assert trigger.fired() == []
    clock.advance(1)
    assert deals.post("record", {"app": 2, "record": titles("New")[0]}).status == 200
    assert trigger.fired() == ["New"]
    clock.advance(60)
    assert deals.put("record", {"app": 2, "id": 2, "record": titles("Later")[0]}).status == 200
    assert trigger.fired() == ["Later"]
    assert trigger.fired() == []


def test_guest_space_apps_poll_through_the_guest_path(poll: Poll, kintone: StandIn) -> None:
    guest = Client(kintone.url, token_headers("guest-full"), guest="5")
    url = f"{kintone.url}{ADDED}?app=4&guestSpaceId=5"
    trigger = Trigger(poll, "added", url, "guest-full")
    assert trigger.fired() == []
    assert "guestSpaceId=5" in trigger.url
    assert guest.post("record", {"app": 4, "record": {"Task": {"value": "T"}}}).status == 200
    status, _, body = trigger.next()
    assert status == 200
    assert [r["Task"]["value"] for r in body["value"]] == ["T"]


def test_updated_needs_an_updated_time_field(poll: Poll, kintone: StandIn) -> None:
    url = f"{kintone.url}{UPDATED}?app=4&guestSpaceId=5"
    status, _, body = poll("updated", url, "guest-full")
    assert status == 400
    assert body["code"] == "CONNECTOR_PL01"


def test_kintone_errors_come_back_unchanged(poll: Poll, kintone: StandIn) -> None:
    # A normal-path call for an app in a guest space, and a token for another app.
    for url, token in [
        (f"{kintone.url}{ADDED}?app=4&state=1", "guest-full"),
        (f"{kintone.url}{UPDATED}?app=2", "guest-full"),
    ]:
        status, _, body = poll("added" if ADDED in url else "updated", url, token)
        assert status >= 400
        assert body["code"] != "" and not body["code"].startswith("CONNECTOR_")
