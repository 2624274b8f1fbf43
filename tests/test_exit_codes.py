"""The README's table of exit codes, checked against the commands: each example gives its code."""

from __future__ import annotations

import fcntl
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.reproducers import ROOT, as_at_a_terminal

README = (ROOT / "README.md").read_text(encoding="utf-8")
_ROW = re.compile(r"^\| (\d+) \| (.+?) \| (.+?) \|$", re.MULTILINE)


def _table() -> dict[int, str]:
    """Exit code → its example cell, from the table under "Exit codes"."""
    start = README.index("Exit codes, the same for every command")
    section = README[start : README.index("\n\n", README.index("| code |", start))]
    return {int(code): example for code, _, example in _ROW.findall(section)}


TABLE = _table()


def _example(code: int) -> list[str]:
    """The example command of a row, as argv (without the `kintone-connector` word)."""
    match = re.match(r"`kintone-connector ([^`|\\]+)", TABLE[code])
    assert match is not None, TABLE[code]
    return shlex.split(match.group(1))


def test_the_table_lists_every_code_the_tool_uses() -> None:
    from generator.clierrors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_INTERRUPTED

    assert set(TABLE) == {0, 1, 2, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE}


@pytest.mark.parametrize("code", [0, 1, 2])
def test_each_plain_example_exits_with_its_code(code: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, _example(code))
    assert result.exit_code == code, result.output


def test_an_internal_error_exits_70_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.validate.cli as validate_cli

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(validate_cli, "check_many", broken)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, _example(0))
    assert result.exit_code == 70
    assert result.stderr.count("\n") == 1 and "internal error: RuntimeError: a bug" in result.stderr


def test_the_closed_pipe_example_exits_141() -> None:
    argv = _example(141)
    reader = subprocess.Popen(
        [sys.executable, "-m", "generator", *argv], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert reader.stdout is not None
    # The smallest pipe (a page), so the command's output cannot all fit in it before the reader
    # goes away: the command meets the closed pipe however slowly this test reads.
    fcntl.fcntl(reader.stdout, fcntl.F_SETPIPE_SZ, 4096)
    reader.stdout.readline()
    reader.stdout.close()  # `| head -1` goes away
    _, err = reader.communicate(timeout=30)
    assert reader.returncode == 141, err
    assert err == b""


def test_ctrl_c_during_build_exits_130_and_leaves_the_old_or_the_new_folder(tmp_path: Path) -> None:
    """SIGINT at several moments of a real build: exit 0 (too late) or 130, and the out folder is
    always whole — the earlier build or the new one, and no staging folder is left."""
    argv = _example(130)
    out = tmp_path / "out"
    argv[argv.index("--out") + 1] = str(out)
    first = subprocess.run([sys.executable, "-m", "generator", *argv], cwd=ROOT, timeout=120)
    assert first.returncode == 0
    whole = sorted(p.name for p in out.iterdir())
    codes = set()
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3):
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", *argv, "--force"], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=as_at_a_terminal,
        )  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        codes.add(process.returncode)
        assert process.returncode in (0, 130), err
        assert b"Traceback" not in err
        assert sorted(p.name for p in out.iterdir()) == whole
        assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no .out.new-* / .out.old-*
    assert 130 in codes


_LATE_INTERRUPT = """
import os, signal, threading
import generator.cli as cli
from generator.console import run

def late():
    threading.main_thread().join()  # returns once the interpreter has begun to shut down
    os.kill(os.getpid(), signal.SIGINT)

def command():
    threading.Thread(target=late).start()
    print("done")
    raise SystemExit(0)

cli.main = command
run()
"""


def test_a_ctrl_c_after_the_command_ended_changes_nothing() -> None:
    """A SIGINT that lands while the interpreter shuts down (a build's held signal can) neither
    prints a traceback nor kills the process by the signal: the command's own code stands."""
    done = subprocess.run(
        [sys.executable, "-c", _LATE_INTERRUPT], cwd=ROOT, capture_output=True, timeout=60,
        preexec_fn=as_at_a_terminal,
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, b"done\n", b"")


_INTERRUPT_WHILE_LOADING = """
import sys

class Interrupt:  # Ctrl-C while the CLI's modules load, before any command runs
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            raise KeyboardInterrupt

sys.meta_path.insert(0, Interrupt())
from generator.console import run
run()
"""


def test_a_ctrl_c_while_the_tool_loads_exits_130_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_WHILE_LOADING], cwd=ROOT, capture_output=True,
        timeout=60, preexec_fn=as_at_a_terminal,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (130, b"Interrupted\n")


_INTERRUPT_IN_A_STRING_EXEC = """
import generator.cli as cli
from generator.console import run

def command():
    exec("raise KeyboardInterrupt")  # Ctrl-C as a dataclass builds its methods from source

cli.main = command
run()
"""


def test_a_ctrl_c_inside_generated_code_still_exits_130_under_python_m(tmp_path: Path) -> None:
    """``python -m``: CPython would otherwise kill the process by SIGINT after it chose 130."""
    (tmp_path / "interrupted_in_exec.py").write_text(_INTERRUPT_IN_A_STRING_EXEC)
    done = subprocess.run(
        [sys.executable, "-m", "interrupted_in_exec"], cwd=tmp_path, capture_output=True,
        timeout=60, preexec_fn=as_at_a_terminal, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (130, b"Interrupted\n")
