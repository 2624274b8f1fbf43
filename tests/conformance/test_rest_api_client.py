"""@kintone/rest-api-client against the stand-in over HTTPS: one test per step of scenario.js."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from generator.devtools.standin import StandIn

from .conftest import HERE, Node, client_env

SCENARIO = HERE / "scenario.js"
STEPS = re.findall(r'^step\("([a-z_0-9]+)"', SCENARIO.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.fixture(scope="module")
def results(node: Node, kintone: StandIn) -> dict[str, dict[str, Any]]:
    """Run the whole scenario once (steps build on each other) and index its report by step."""
    done = node.run([str(SCENARIO)], client_env(kintone))
    assert done.returncode == 0, f"scenario.js exited {done.returncode}:\n{done.stderr}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {entry["step"]: entry for entry in report["results"]}


def test_the_scenario_has_steps() -> None:
    assert len(STEPS) >= 30
    assert len(set(STEPS)) == len(STEPS), "step names must be unique"


@pytest.mark.parametrize("step", STEPS)
def test_step(results: dict[str, dict[str, Any]], step: str) -> None:
    assert step in results, f"scenario.js did not report step {step}"
    outcome = results[step]
    assert outcome["ok"], f"{step} failed:\n{outcome.get('error')}"
