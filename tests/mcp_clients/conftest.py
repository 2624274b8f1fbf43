"""Fixtures: a stand-in, the compiled script.csx, and MCP endpoints for its connections."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.mcp_clients.adapter import McpAdapter
from tests.mcp_clients.plan import CONNECTIONS
from tests.runtime.test_compiled_script_end_to_end import require_toolchain

Endpoint = Callable[[dict[str, str]], str]


@pytest.fixture
def kintone() -> Iterator[StandIn]:
    with StandIn(https=True) as standin:
        yield standin


@pytest.fixture
def engine(kintone: StandIn) -> Iterator[CompiledScriptEngine]:
    require_toolchain()
    with CompiledScriptEngine.open(GOLDEN, ca_file=kintone.ca_file) as compiled:
        yield compiled


@pytest.fixture
def endpoint(kintone: StandIn, engine: CompiledScriptEngine) -> Iterator[Endpoint]:
    """The MCP URL of a new connection with these values (API token, or user and password)."""
    package = ConnectorPackage.load(GOLDEN)
    with ExitStack() as stack:

        def make(connection: dict[str, str]) -> str:
            adapter = McpAdapter(package, engine, kintone, connection)
            return stack.enter_context(adapter).url

        yield make


@pytest.fixture
def plan_urls(endpoint: Endpoint) -> dict[str, str]:
    """One endpoint per connection the plan uses."""
    return {name: endpoint(values) for name, values in CONNECTIONS.items()}
