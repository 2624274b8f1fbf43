"""Shared fixtures: paths to the test data and the repository's golden record."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DESCRIPTIONS = DATA / "descriptions"
GOLDEN = ROOT / "connector"


@pytest.fixture(scope="session")
def kintone_build():  # type: ignore[no-untyped-def]
    """One in-memory build of the shipped kintone description."""
    from generator.pipeline import build

    return build()


@pytest.fixture(autouse=True)
def throttle_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test's own throttle state folder for `call`, never the user's ~/.local/state."""
    folder = tmp_path_factory.mktemp("throttle-state")
    monkeypatch.setenv("KINTONE_CONNECTOR_STATE_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def standin_certificates(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One CA and server certificate for every HTTPS stand-in of the session, and its CA file."""
    from generator.devtools.standin import tls

    certificates = tls.make_certificates()
    ca_file = tls.write_ca(certificates, tmp_path_factory.mktemp("standin-ca") / "ca.pem")
    return certificates, ca_file


@pytest.fixture(scope="session")
def script_engine(standin_certificates):  # type: ignore[no-untyped-def]
    """connector/script.csx compiled once (cached by content) in ONE mono host for the session.

    Its SendAsync trusts the session's stand-in CA; with canned answers it never leaves the host.
    """
    from generator.devtools.runtime.script import CompiledScriptEngine
    from tests.support.toolchain import toolchain_or_skip

    toolchain_or_skip()
    with CompiledScriptEngine.open(GOLDEN, ca_file=standin_certificates[1]) as engine:
        yield engine


@pytest.fixture(scope="session")
def script_session(script_engine):  # type: ignore[no-untyped-def]
    """The session's script host, for runs on canned kintone answers."""
    return script_engine.session


@pytest.fixture
def interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt in this process while the test runs, as at a terminal."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
