"""What each command imports: validate, rules and diff load none of the build or runtime code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, ROOT

# Runs the CLI as the console script does, then writes the names of the loaded modules.
WRAPPER = """
import atexit, json, sys
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(sorted(sys.modules))))
from generator.cli import main
main(sys.argv[2:], prog_name="kintone-connector")
"""
BUILD_AND_RUNTIME = (
    "jinja2",
    "http.server",
    "generator.build_cli",
    "generator.devtools.csharp",
    "generator.pipeline",
    "generator.render",
    "generator.devtools.runtime",
    "generator.devtools.standin",
)
# The only modules of ours outside generator.validate that the validator commands may load.
SHARED = {
    f"generator{m}"
    for m in ("", ".cli", ".cliparams", ".clierrors", ".console", ".errors", ".findings", ".limits")
}
SWAGGER_LIBRARY = ("openapi_spec_validator", "pydantic", "jsonschema", "yaml")


def loaded_modules(tmp_path: Path, *args: str) -> list[str]:
    listing = tmp_path / "modules.json"
    command = [sys.executable, "-c", WRAPPER, str(listing), *args]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    modules: list[str] = json.loads(listing.read_text())
    return modules


def under(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


@pytest.mark.parametrize(
    "args",
    [
        ("validate", str(GOLDEN)),
        ("validate", str(GOLDEN), str(GOLDEN), "--format", "json"),
        ("rules",),
        ("rules", "--explain", "VAL-45"),
        ("diff", str(GOLDEN), str(GOLDEN)),
    ],
    ids=["validate", "validate-many", "rules", "rules-explain", "diff"],
)
def test_validator_commands_import_no_build_or_runtime_code(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    modules = loaded_modules(tmp_path, *args)
    assert "generator.validate" in modules
    assert under(modules, BUILD_AND_RUNTIME) == []
    ours = set(under(modules, ("generator",)))
    assert ours - SHARED - set(under(modules, ("generator.validate",))) == set()


@pytest.mark.parametrize(
    "args", [("rules",), ("rules", "--explain", "SWAGGER-01"), ("diff", str(GOLDEN), str(GOLDEN))]
)
def test_rules_and_diff_do_not_load_the_swagger_library(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert under(loaded_modules(tmp_path, *args), SWAGGER_LIBRARY) == []


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    modules = loaded_modules(tmp_path, "--help")
    ours = [m for m in modules if m.startswith("generator")]
    assert ours == [
        "generator", "generator.cli", "generator.clierrors", "generator.console", "generator.errors"
    ]


@pytest.mark.parametrize(
    "args",
    [("build", "--check"), ("validate", str(GOLDEN))],
    ids=["build", "validate"],
)
def test_build_and_validate_load_none_of_the_developer_tooling(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    modules = loaded_modules(tmp_path, *args)
    assert "generator.cli" in modules
    assert under(modules, ("generator.devtools",)) == []


def test_the_csharp_harness_does_not_import_the_runtime(tmp_path: Path) -> None:
    """csharp and runtime do not import each other both ways: the runtime uses the harness."""
    command = [
        sys.executable,
        "-c",
        "import sys, generator.devtools.csharp.cli, generator.devtools.csharp.vectors; "
        "print([m for m in sys.modules if m.startswith('generator.devtools.runtime')])",
    ]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
