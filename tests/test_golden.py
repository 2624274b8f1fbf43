"""connector/ is the golden record: a fresh build equals it byte for byte, every time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.package import package_drift
from generator.pipeline import Build
from tests.conftest import GOLDEN, ROOT

REGENERATE = "kintone-connector build   (or: python -m generator build)"


def test_fresh_build_equals_the_committed_connector(kintone_build: Build) -> None:
    drift = package_drift(kintone_build.files, GOLDEN)
    assert not drift, (
        "connector/ is out of date; regenerate with " + REGENERATE + "\n" + "\n".join(drift)
    )


def test_shipped_connector_has_no_findings(kintone_build: Build) -> None:
    assert [f.render() for f in kintone_build.findings] == []


def _build_in_subprocess(out: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    first = _build_in_subprocess(tmp_path / "one")
    second = _build_in_subprocess(tmp_path / "two")
    assert first == second
    assert set(first) == {p.name for p in GOLDEN.iterdir()}
