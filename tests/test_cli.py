"""The command line: exit codes 0/1/2 with their messages, help on every command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import COMMANDS, load_command, main
from generator.parse import default_description, parse_description
from tests.conftest import DESCRIPTIONS, GOLDEN


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_has_help(runner: CliRunner) -> None:
    for name, lazy in COMMANDS.items():
        command = load_command(name)
        assert command.help, name
        assert command.name == name
        # --help lists the stored line without importing the command; it must not drift.
        assert command.get_short_help_str(limit=200) == lazy.short_help, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, name


def test_build_writes_a_valid_package_and_prints_a_summary(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "connector"
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    model = parse_description(default_description())
    internal = [op for op in model.operations if op.visibility == "internal"]
    actions = len(model.operations) - len(internal)
    counts = f"{actions} actions, {len(model.triggers)} triggers, {len(internal)} internal"
    assert f"{counts} operations" in result.output
    assert "0 findings (0 errors)" in result.output
    assert (out / "apiDefinition.swagger.json").is_file()
    check = runner.invoke(main, ["build", "--out", str(out), "--check"])
    assert check.exit_code == 0 and "is up to date" in check.output


def test_check_reports_drift_and_the_regenerate_command(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "connector"
    shutil.copytree(GOLDEN, out)
    (out / "README.md").write_text("edited by hand\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = runner.invoke(main, ["build", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "changed: README.md" in result.output
    assert f"regenerate it with: kintone-connector build --out {out}" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("defect", ["malformed-yaml", "duplicate-operation-id", "unknown-field"])
def test_bad_description_exits_1_and_keeps_previous_output(
    runner: CliRunner, tmp_path: Path, defect: str
) -> None:
    out = tmp_path / "connector"
    shutil.copytree(GOLDEN, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    path = DESCRIPTIONS / f"{defect}.yaml"
    result = runner.invoke(main, ["build", "--description", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}:")
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_validate_default_package_is_clean(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(GOLDEN)])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_validate_reports_findings_with_rule_and_pointer(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(GOLDEN, broken)
    swagger = (broken / "apiDefinition.swagger.json").read_text()
    (broken / "apiDefinition.swagger.json").write_text(
        swagger.replace('"title": "kintone"', '"title": "kintone API Connector for everything"', 1)
    )
    # certification rules: warnings, which fail with --strict
    assert runner.invoke(main, ["validate", str(broken)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(broken), "--strict"])
    assert result.exit_code == 1
    assert "warning CERT-01 apiDefinition.swagger.json#/info/title" in result.output
    assert "warning CERT-02 apiDefinition.swagger.json#/info/title" in result.output


def test_validate_missing_path_is_an_error_not_a_traceback(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "no such folder or file" in result.output


def test_unknown_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", "--frobnicate"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_package_writes_a_zip(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "kintone.zip"
    result = runner.invoke(main, ["package", "--from", str(GOLDEN), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and "wrote" in result.output


def test_an_internal_error_is_one_line_with_exit_70(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("generator.build_cli.build", explode)
    monkeypatch.delenv("KINTONE_CONNECTOR_DEBUG", raising=False)
    result = runner.invoke(main, ["build", "--check"])
    assert result.exit_code == 70
    assert result.output.startswith("Error: internal error: KeyError: 'boom'")
    assert "this is a bug in kintone-connector" in result.output
    assert "KINTONE_CONNECTOR_DEBUG=1" in result.output
    assert "Traceback" not in result.output


def test_debug_variable_shows_the_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("generator.build_cli.build", explode)
    monkeypatch.setenv("KINTONE_CONNECTOR_DEBUG", "1")
    result = runner.invoke(main, ["build", "--check"])
    assert isinstance(result.exception, KeyError)


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('generator.') "
        "and m not in {'generator.cli', 'generator.clierrors', 'generator.console', "
        "'generator.errors'})\n"
        "print('LOADED', loaded, 'jinja2' in sys.modules, 'http.server' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "LOADED [] False False" in result.stdout


def test_a_closed_pipe_is_no_internal_error() -> None:
    # stdout is a pipe nobody reads any more, as in `kintone-connector rules | head -1`.
    code = (
        "import os\n"
        "read_end, write_end = os.pipe()\n"
        "os.close(read_end)\n"
        "os.dup2(write_end, 1)\n"
        "from generator.cli import main\n"
        "main(['rules'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 141
    assert result.stderr == ""
