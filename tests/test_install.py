"""`pip install .` into a fresh virtualenv, offline: check-script runs the shipped vectors."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import GOLDEN, ROOT
from tests.support.toolchain import toolchain_or_skip


def _run(command: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the project installed from this checkout (not editable, no network).

    Its dependencies (and hatchling, the build backend) come from this interpreter's
    site-packages through a .pth line, so pip needs no index.
    """
    toolchain_or_skip()
    target = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin" / "python"
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], ROOT
    )
    (Path(site.stdout.strip()) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation"]
    done = _run([*pip, "--quiet", str(ROOT)], ROOT)
    assert done.returncode == 0, done.stderr
    return target


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    python = str(installed / "bin" / "python")
    code = "import generator.devtools.csharp.vectors as v; print(v.VECTORS)"
    found = _run([python, "-c", code], installed.parent)
    assert found.returncode == 0, found.stderr
    vectors = Path(found.stdout.strip())
    assert vectors.is_relative_to(installed) and any(vectors.glob("*.json"))
    assert not vectors.is_relative_to(ROOT)


def test_installed_check_script_runs_the_vectors(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(GOLDEN, tmp_path / "connector")
    result = _run(
        [str(installed / "bin" / "kintone-connector"), "check-script", "connector"], tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "run in the compiled script" in result.stdout
    assert "no test vectors" not in result.stdout + result.stderr


def test_installed_check_script_fails_a_broken_script(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "connector"
    shutil.copytree(GOLDEN, folder)
    script = folder / "script.csx"
    text = script.read_text(encoding="utf-8")
    assert "HttpStatusCode.Created" in text
    script.write_text(text.replace("HttpStatusCode.Created", "HttpStatusCode.OK"), encoding="utf-8")
    result = _run(
        [str(installed / "bin" / "kintone-connector"), "check-script", "connector"], tmp_path
    )
    assert result.returncode == 1
    assert "error CODE-12 script.csx: vector subscribe/" in result.stderr


def test_this_interpreter_is_not_the_fresh_one(installed: Path) -> None:
    assert not Path(sys.executable).is_relative_to(installed)
