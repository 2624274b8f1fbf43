"""Fixtures: the stand-in, the compiled script and `serve`'s gateway in front of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.devtools.gateway import GatewayServer
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.runtime.conftest import kintone, package  # noqa: F401  (shared fixtures)
from tests.runtime.test_compiled_script_end_to_end import require_toolchain
from tests.runtime.test_end_to_end import TOKENS


@pytest.fixture
def engine(kintone: StandIn) -> Iterator[CompiledScriptEngine]:  # noqa: F811
    """The compiled script.csx; its SendAsync trusts this test's stand-in."""
    require_toolchain()
    with CompiledScriptEngine.open(GOLDEN, ca_file=kintone.ca_file) as compiled:
        yield compiled


@pytest.fixture
def gateway(
    package: object,  # noqa: F811
    engine: CompiledScriptEngine,
    kintone: StandIn,  # noqa: F811
) -> Iterator[GatewayServer]:
    """`serve` for one API-token connection to the stand-in, on a free port."""
    connection = {"domain": kintone.domain, "api_key": TOKENS}
    runtime = ConnectorRuntime(
        package,  # type: ignore[arg-type]
        connection,
        script=engine,
        limits=(Limit(100, 60),),
        transport=trusting_transport(kintone.ca_file),
    )
    with GatewayServer(runtime, port=0, log=lambda line: None) as server:
        yield server
