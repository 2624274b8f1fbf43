"""README.md's command reference is the commands' current --help (python -m generator.docs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import docs
from generator.cli import COMMANDS, main
from tests.conftest import ROOT


def test_readme_command_reference_is_current() -> None:
    readme = docs.README.read_text(encoding="utf-8")
    assert docs.updated(readme) == readme, "README.md is stale: run python -m generator.docs"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_help_is_in_the_readme(name: str) -> None:
    """What `kintone-connector NAME --help` prints (in its own process, 80 columns) is there."""
    text = docs.help_text(name)
    assert text.startswith(f"Usage: kintone-connector {name} ") and "  -h, --help " in text
    block = f"### kintone-connector {name}\n\n```text\n{text.rstrip()}\n```"
    assert block in docs.README.read_text(encoding="utf-8")


def test_exit_codes_come_from_the_group_help() -> None:
    codes = docs.exit_codes()
    assert [code for code, _ in codes] == ["0", "1", "2", "70", "130", "141"]
    assert all(meaning in " ".join((main.help or "").split()) for _, meaning in codes)


def test_check_fails_on_a_stale_readme_and_regeneration_fixes_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    current = docs.updated(f"# x\n\n{docs.BEGIN}\n{docs.END}\n")
    readme.write_text(current.replace("Zip a validated", "Zips a validated"), encoding="utf-8")
    assert docs.run(["--check"], readme) == 1
    assert "Zips a validated" in readme.read_text(encoding="utf-8")  # --check writes nothing
    assert docs.run([], readme) == 0
    assert readme.read_text(encoding="utf-8") == current
    assert docs.run(["--check"], readme) == 0


def test_a_readme_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="has no"):
        docs.updated("# no block\n")


def test_the_module_runs_as_a_script() -> None:
    command = [sys.executable, "-m", "generator.docs", "--check"]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (completed.returncode, completed.stderr) == (0, "")
