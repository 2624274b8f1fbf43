"""build/package --out never destroy what the tool did not write; outputs get normal modes."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.outguard import MANIFEST, protected_reason
from tests.conftest import GOLDEN, ROOT


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_build_refuses_a_folder_with_foreign_files_and_touches_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes.txt").write_text("keep\n")
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 1
    assert f"Error: refusing to replace {out}: it holds files kintone-connector did not write" in (
        result.output
    )
    assert "notes.txt; nothing written" in result.output and "--force" in result.output
    assert _tree(out) == {"notes.txt": b"keep\n"}
    assert [p.name for p in tmp_path.iterdir()] == ["d"]  # no staging folder left behind


def test_build_into_a_clone_is_refused_even_with_force(runner: CliRunner, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    for name in (".git/HEAD", "generator/cli.py", "tests/test_cli.py", "pyproject.toml"):
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_text(name)
    before = _tree(clone)
    for extra in ([], ["--force"]):
        result = runner.invoke(main, ["build", "--out", str(clone), *extra])
        assert result.exit_code == 1
        assert f"refusing to replace {clone}: it holds .git, so it is or contains a project" in (
            result.output
        )
        assert "--force" not in result.output.split("nothing written")[1]
        assert _tree(clone) == before


def test_force_never_replaces_a_folder_with_a_project_inside(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "work"
    (out / "app").mkdir(parents=True)
    (out / "app" / "pyproject.toml").write_text("[project]\n")
    result = runner.invoke(main, ["build", "--out", str(out), "--force"])
    assert result.exit_code == 1
    assert "it holds app/pyproject.toml, so it is or contains a project" in result.output
    assert (out / "app" / "pyproject.toml").is_file()


def test_force_never_replaces_home(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "diary.txt").write_text("private")
    monkeypatch.setenv("HOME", str(home))
    result = runner.invoke(main, ["build", "--out", str(home), "--force"])
    assert result.exit_code == 1
    assert f"refusing to replace {home}: it is your home folder" in result.output
    assert (home / "diary.txt").read_text() == "private"


def test_places_that_are_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert protected_reason(Path("/")) == "it is the filesystem root"
    assert protected_reason(Path("/tmp")).startswith("it sits directly under the filesystem root")
    assert protected_reason(ROOT / "generator") == "it is kintone-connector's own source"
    assert protected_reason(ROOT) == "it holds kintone-connector's own source"
    monkeypatch.chdir(tmp_path)
    assert protected_reason(tmp_path) == "it is the current folder"
    assert protected_reason(tmp_path / "connector") is None


def test_force_replaces_foreign_files_of_an_ordinary_folder(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "d"
    out.mkdir()
    (out / "notes.txt").write_text("old notes")
    result = runner.invoke(main, ["build", "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in GOLDEN.iterdir())


def test_the_committed_connector_folder_is_recognised(runner: CliRunner, tmp_path: Path) -> None:
    assert (GOLDEN / MANIFEST).is_file()
    out = tmp_path / "connector"
    shutil.copytree(GOLDEN, out)
    (out / "README.md").write_text("stale")
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _tree(out) == _tree(GOLDEN)


def test_a_package_written_before_manifests_is_recognised_by_its_file_set(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "connector"
    shutil.copytree(GOLDEN, out)
    (out / MANIFEST).unlink()
    check = runner.invoke(main, ["build", "--out", str(out), "--check"])
    assert check.exit_code == 1 and f"missing: {MANIFEST}" in check.output
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _tree(out) == _tree(GOLDEN)


def test_a_folder_with_only_some_package_names_and_no_manifest_is_foreign(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "README.md").write_text("my own readme")
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 1
    assert f"(it has no {MANIFEST} manifest): README.md; nothing written" in result.output
    assert (out / "README.md").read_text() == "my own readme"


def test_a_file_added_to_a_built_folder_is_named_and_kept(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "connector"
    assert runner.invoke(main, ["build", "--out", str(out)]).exit_code == 0
    (out / "sub").mkdir()
    (out / "TODO").write_text("mine")
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 1
    assert "did not write: TODO, sub; nothing written" in result.output
    assert (out / "TODO").read_text() == "mine"


def test_build_writes_normal_modes(runner: CliRunner, tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "new" / "connector"
    assert runner.invoke(main, ["build", "--out", str(out)]).exit_code == 0
    assert _mode(out) == 0o755 and _mode(out.parent) == 0o755
    assert {p.name: _mode(p) for p in out.iterdir()} == {p.name: 0o644 for p in GOLDEN.iterdir()}
    assert runner.invoke(main, ["build", "--out", str(out)]).exit_code == 0  # the replace path
    assert _mode(out) == 0o755


def test_modes_follow_the_umask(runner: CliRunner, tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        out, target = tmp_path / "connector", tmp_path / "k.zip"
        assert runner.invoke(main, ["build", "--out", str(out)]).exit_code == 0
        packaged = runner.invoke(main, ["package", "--from", str(out), "--out", str(target)])
        assert packaged.exit_code == 0
    finally:
        os.umask(previous)
    assert _mode(out) == 0o750 and _mode(out / "icon.png") == 0o640
    assert _mode(target) == 0o640


def test_package_writes_a_0644_zip_and_overwrites_its_own(
    runner: CliRunner, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "kintone.zip"
    for _ in range(2):
        result = runner.invoke(main, ["package", "--from", str(GOLDEN), "--out", str(target)])
        assert result.exit_code == 0, result.output
    assert _mode(target) == 0o644
    with zipfile.ZipFile(target) as archive:
        assert MANIFEST not in archive.namelist()


def test_package_refuses_to_overwrite_a_file_that_is_not_its_zip(
    runner: CliRunner, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep")
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("holiday.jpg", b"...")  # stamped with the current time
    for target in (notes, other):
        before = target.read_bytes()
        result = runner.invoke(main, ["package", "--from", str(GOLDEN), "--out", str(target)])
        assert result.exit_code == 1
        assert f"Error: refusing to overwrite {target}: it is not a zip written by" in (
            result.output
        )
        assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "photos.zip"]


def test_package_out_that_is_a_folder_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["package", "--from", str(GOLDEN), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.output


@pytest.mark.parametrize(
    "manifest",
    ["notes.txt\n", "# Written by kintone-connector build\n../notes.txt\n", ""],
    ids=["no-header", "path-outside", "empty"],
)
def test_a_manifest_the_tool_did_not_write_is_not_trusted(
    runner: CliRunner, tmp_path: Path, manifest: str
) -> None:
    out = tmp_path / "d"
    out.mkdir()
    (out / MANIFEST).write_text(manifest)
    (out / "notes.txt").write_text("keep")
    result = runner.invoke(main, ["build", "--out", str(out)])
    assert result.exit_code == 1
    assert f"did not write (it has no {MANIFEST} manifest): {MANIFEST}, notes.txt" in result.output
    assert (out / "notes.txt").read_text() == "keep"
