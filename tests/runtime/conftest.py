"""Fixtures: the stand-in on its default seed and a runtime connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.support.standin import SessionCA, https_standin

Connect = Callable[..., ConnectorRuntime]


@pytest.fixture(scope="session")
def package() -> ConnectorPackage:
    return ConnectorPackage.load(GOLDEN)


@pytest.fixture
def kintone(standin_certificates: SessionCA) -> Iterator[StandIn]:
    """The stand-in over HTTPS (the scheme the connector declares), with the session's CA."""
    with https_standin(standin_certificates) as standin:
        yield standin


@pytest.fixture
def connect(
    package: ConnectorPackage, script_engine: CompiledScriptEngine, kintone: StandIn
) -> Connect:
    """A runtime for one connection to the stand-in, running the compiled script.csx."""

    def make(token: str = "deals-full", **options: object) -> ConnectorRuntime:
        connection = {"domain": kintone.domain, "api_key": token}
        options.setdefault("limits", (Limit(100, 60),))
        options.setdefault("transport", trusting_transport(kintone.ca_file))
        return ConnectorRuntime(
            package,
            connection,
            script=script_engine,
            **options,  # type: ignore[arg-type]
        )

    return make
