"""Without node the conformance tests skip on a laptop but fail under CI=true, saying why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import HERE

ROOT = HERE.parent.parent
TARGET = "tests/conformance/test_cli_kintone.py::test_export_through_localhost"


def run_without_node(ci: str) -> subprocess.CompletedProcess[str]:
    """pytest on one conformance test with a PATH that holds no node executable."""
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("ci", "exit_code", "outcome"),
    [("true", 1, "1 error"), ("", 0, "1 skipped")],
    ids=["ci-fails", "laptop-skips"],
)
def test_missing_node(ci: str, exit_code: int, outcome: str) -> None:
    done = run_without_node(ci)
    assert done.returncode == exit_code, done.stdout
    assert outcome in done.stdout
    assert "node is not installed (Node 20 or later is needed)" in done.stdout
