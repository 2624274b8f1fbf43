"""`listen` unsubscribes on SIGTERM and SIGHUP as on Ctrl-C: no webhook is left in kintone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.devtools.runtime.stopsignals import Stopped, stop_signals
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN, ROOT
from tests.support.calls import TOKENS


def _wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_listen_unsubscribes_when_stopped_by_a_signal(
    kintone: StandIn, throttle_state: Path, signum: int
) -> None:
    command = [
        sys.executable,
        "-m",
        "generator",
        "listen",
        "AddWebhookForAddingRecord",
        "--package",
        str(GOLDEN),
        "--domain",
        kintone.domain,
        "--ca-file",
        str(kintone.ca_file),
        "--api-token",
        TOKENS,
        "--param",
        "app=2",
    ]
    env = {**os.environ, "KINTONE_CONNECTOR_STATE_DIR": str(throttle_state)}
    listen = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert _wait_until(lambda: bool(kintone.store.webhooks)), "listen never subscribed"
        listen.send_signal(signum)
        _, stderr = listen.communicate(timeout=60)
    finally:
        if listen.poll() is None:
            listen.kill()
    assert listen.returncode == 0, stderr
    assert "subscribed; kintone will post to" in stderr and "unsubscribed" in stderr
    assert "Traceback" not in stderr
    assert kintone.store.webhooks == []


def test_a_signal_during_a_deferred_section_waits_for_its_end() -> None:
    with stop_signals() as stop:
        with stop.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler has run by now and only noted the signal
            finished = True
        assert finished
        with pytest.raises(Stopped, match="SIGTERM"):
            stop.raise_pending()
        with pytest.raises(Stopped, match="SIGHUP"):
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(1.0)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
