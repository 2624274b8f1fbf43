"""Fixtures: a stand-in, the compiled script.csx, and `serve`'s gateway for each connection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from generator.devtools.gateway import GatewayServer
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.mcp_clients.plan import CONNECTIONS
from tests.support.toolchain import toolchain_or_skip as require_toolchain

OPERATION = "InvokeMCP"
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


def mcp_url(runtime: ConnectorRuntime) -> str:
    """Where the connection's endpoint answers InvokeMCP (basePath + the operation's path)."""
    return runtime.operations_url + runtime.package.operation(OPERATION).path


@pytest.fixture
def endpoint(kintone: StandIn, engine: CompiledScriptEngine) -> Iterator[Endpoint]:
    """The MCP URL of a new connection (API token, or user and password) served as `serve` does."""
    package = ConnectorPackage.load(GOLDEN)
    with ExitStack() as stack:

        def make(connection: dict[str, str]) -> str:
            runtime = ConnectorRuntime(
                package,
                {"domain": kintone.domain, **connection},
                script=engine,
                limits=(Limit(100, 60),),
                transport=trusting_transport(kintone.ca_file),
            )
            stack.enter_context(GatewayServer(runtime, port=0, log=lambda line: None))
            return mcp_url(runtime)

        yield make


@pytest.fixture
def plan_urls(endpoint: Endpoint) -> dict[str, str]:
    """One endpoint per connection the plan uses."""
    return {name: endpoint(values) for name, values in CONNECTIONS.items()}
