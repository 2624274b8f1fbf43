"""Fixtures: a running stand-in on the default seed with a fixed clock, clients, a receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from generator.devtools.standin import DEFAULT_SEED, StandIn

from .helpers import Client, Clock, Receiver, start_receiver, token_headers


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def seed_doc() -> dict[str, Any]:
    """The default seed as a document the test may change before starting the stand-in."""
    return yaml.safe_load(DEFAULT_SEED.read_text(encoding="utf-8"))


@pytest.fixture
def kintone(clock: Clock) -> Iterator[StandIn]:
    with StandIn(clock=clock) as standin:
        yield standin


@pytest.fixture
def start(clock: Clock) -> Iterator[Callable[..., StandIn]]:
    """Start stand-ins on other seeds; all are stopped after the test."""
    running: list[StandIn] = []

    def make(seed: Any, **options: Any) -> StandIn:
        standin = StandIn(seed, clock=options.pop("clock", clock), **options).start()
        running.append(standin)
        return standin

    yield make
    for standin in running:
        standin.stop()


@pytest.fixture
def deals(kintone: StandIn) -> Client:
    """A client with the Deals app's full-permission token."""
    return Client(kintone.url, token_headers("deals-full"))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver, thread = start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join()
