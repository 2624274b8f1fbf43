"""The 100-calls-per-60-s limit holds across separate `call` runs: one state file per connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.throttlestate import SharedThrottle, state_dir, state_file
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN, ROOT


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_two_throttles_on_one_file_share_the_window(tmp_path: Path) -> None:
    clock, path = FakeClock(), tmp_path / "state.json"
    first = SharedThrottle((Limit(3, 60),), path, clock)
    second = SharedThrottle((Limit(3, 60),), path, clock)
    assert [first.try_acquire(), second.try_acquire(), first.try_acquire()] == [0.0, 0.0, 0.0]
    clock.now += 45
    assert second.try_acquire() == 15.0  # the 4th call within 60 s waits for the 1st to expire
    clock.now += 15
    assert first.try_acquire() == 0.0


def test_a_damaged_or_future_state_counts_as_no_recent_calls(tmp_path: Path) -> None:
    clock, path = FakeClock(), tmp_path / "state.json"
    path.write_text("{not json")
    assert SharedThrottle((Limit(1, 60),), path, clock).try_acquire() == 0.0
    path.write_text(json.dumps({"calls": [clock.now + 500]}))  # the clock went back
    assert SharedThrottle((Limit(1, 60),), path, clock).try_acquire() == 0.0
    assert json.loads(path.read_text()) == {"calls": [clock.now]}


def test_the_state_file_names_the_domain_and_hides_the_credential(tmp_path: Path) -> None:
    token = "s3cret-token-value"
    path = state_file({"domain": "example.cybozu.com", "api_key": token}, tmp_path)
    other = state_file({"domain": "example.cybozu.com", "api_key": "another"}, tmp_path)
    user = state_file(
        {"domain": "example.cybozu.com", "username": "sato", "password": "a"}, tmp_path
    )
    same_user = state_file({"domain": "example.cybozu.com", "username": "sato", "password": "b"})
    assert path.name.startswith("throttle-example.cybozu.com-") and token not in path.name
    assert len({path.name, other.name, user.name}) == 3 and same_user.name == user.name
    SharedThrottle((Limit(1, 60),), path).try_acquire()
    assert token not in path.read_text()


def test_the_state_folder_follows_xdg_and_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINTONE_CONNECTOR_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", "/xdg/state")
    assert state_dir() == Path("/xdg/state/kintone-connector")
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", "/home/sato")
    assert state_dir() == Path("/home/sato/.local/state/kintone-connector")
    monkeypatch.setenv("KINTONE_CONNECTOR_STATE_DIR", "/elsewhere")
    assert state_dir() == Path("/elsewhere")


_GRAB = """
import sys, time
from pathlib import Path
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.throttlestate import SharedThrottle
throttle = SharedThrottle((Limit(5, 60),), Path(sys.argv[1]))
time.sleep(float(sys.argv[2]) - time.time())  # start together
print(sum(throttle.try_acquire() == 0.0 for _ in range(3)))
"""


def test_concurrent_processes_never_exceed_the_limit(tmp_path: Path) -> None:
    start = str(time.time() + 2.0)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _GRAB, str(tmp_path / "state.json"), start],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    granted = [int(run.communicate(timeout=60)[0]) for run in runs]
    assert sum(granted) == 5  # 12 attempts in 4 processes, 5 allowed in the window
    assert len(json.loads((tmp_path / "state.json").read_text())["calls"]) == 5


def _args(kintone: StandIn) -> list[str]:
    return [
        "call",
        "GetApp",
        "--package",
        str(GOLDEN),
        "--domain",
        kintone.domain,
        "--ca-file",
        str(kintone.ca_file),
        "--api-token",
        "deals-full",
        "--param",
        "id=2",
    ]


def _earlier_runs(kintone: StandIn, calls: int) -> None:
    """``calls`` calls made by earlier `call` runs on this connection, just now."""
    path = state_file({"domain": kintone.domain, "api_key": "deals-full"})
    throttle = SharedThrottle((Limit(100, 60),), path)
    assert all(throttle.try_acquire() == 0.0 for _ in range(calls))


def test_the_101st_call_within_60_s_is_refused_across_runs(kintone: StandIn) -> None:
    _earlier_runs(kintone, 99)
    runner = CliRunner()
    hundredth = runner.invoke(main, _args(kintone))
    assert hundredth.exit_code == 0, hundredth.output
    refused = runner.invoke(main, _args(kintone))
    assert refused.exit_code == 1
    assert "HTTP 429" in refused.output and "Rate limit is exceeded. Try again in" in refused.output
    assert "Error: GetApp answered HTTP 429" in refused.output
    other = runner.invoke(
        main, [*_args(kintone)[:-3], "deals-full,customers-view", "--param", "id=2"]
    )
    assert other.exit_code == 0, other.output  # another connection has its own count


def test_separate_call_processes_share_the_limit(kintone: StandIn, throttle_state: Path) -> None:
    _earlier_runs(kintone, 98)
    env = {**os.environ, "KINTONE_CONNECTOR_STATE_DIR": str(throttle_state)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", *_args(kintone)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
    assert sorted(code for code, _ in outcomes) == [0, 0, 1]
    refused = next(err for code, err in outcomes if code == 1)
    assert "HTTP 429" in refused and "GetApp answered HTTP 429" in refused


def test_an_unwritable_state_folder_is_a_clear_error(
    kintone: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("KINTONE_CONNECTOR_STATE_DIR", str(blocker))
    result = CliRunner().invoke(main, _args(kintone))
    assert result.exit_code == 1
    assert f"Error: cannot record the call in {blocker}/throttle-127.0.0.1_" in result.output
    assert "set KINTONE_CONNECTOR_STATE_DIR to a writable folder" in result.output
