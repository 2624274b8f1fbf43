"""Benchmark (not a test): time and peak memory of every fuzzing reproducer of tests/reproducers.py.

Each case writes its input into a fresh temporary folder and runs ``python -m generator`` on it
in a child process; the table shows the exit code, wall time and CPU time (the machine may be
shared: CPU time is the steadier number), the child's peak resident memory (VmHWM, read as it
exits; ru_maxrss would count the parent's memory from before exec) and whether the result is the
expected one (exit code, message, no traceback). Bounds to meet: 2 s and 512 MB per case. The
first row, a clean connector, is the cost of starting the command.

    .venv/bin/python tests/benchmarks/bench_bounded.py [--timeout 120] [CASE ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.reproducers import CASES, Case  # noqa: E402

MAX_SECONDS = 2.0
MAX_MB = 512.0


# Runs the CLI in the child and, as it exits, writes its peak resident memory (kB) to a file.
CHILD = """
import atexit, os, re, sys
def peak():
    status = open("/proc/self/status").read()
    open(os.environ["BENCH_PEAK"], "w").write(re.search(r"VmHWM:\\s+(\\d+)", status)[1])
atexit.register(peak)
sys.argv[0] = "kintone-connector"
from generator.cli import main
main()
"""


@dataclass(frozen=True)
class Result:
    """One run of one case."""

    exit_code: int | None
    seconds: float
    cpu_seconds: float
    peak_mb: float
    output: str


def run(case: Case, timeout: float) -> tuple[Result, int]:
    """Write the case's input, run the command in a child process; (result, input bytes)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        args = case.make(folder)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        log, peak = folder / "output.log", folder / "peak.txt"
        with log.open("wb") as sink:
            start = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, *args],
                cwd=ROOT,
                stdout=sink,
                stderr=sink,
                env={**os.environ, "BENCH_PEAK": str(peak)},
            )
            code, cpu = _wait(child, timeout)
            seconds = time.perf_counter() - start
        output = log.read_text(encoding="utf-8", errors="replace")
        peak_mb = int(peak.read_text()) / 1024 if peak.exists() else float("nan")
    return Result(code, seconds, cpu, peak_mb, output), size


def _wait(child: subprocess.Popen[bytes], timeout: float) -> tuple[int | None, float]:
    """Exit code (None when killed after ``timeout``) and CPU seconds of the child."""
    deadline = time.monotonic() + timeout
    code: int | None = None
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            code = child.returncode = os.waitstatus_to_exitcode(status)
            return code, usage.ru_utime + usage.ru_stime
        time.sleep(0.01)
    child.kill()
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = -9
    return None, usage.ru_utime + usage.ru_stime


def verdict(case: Case, result: Result) -> str:
    """'ok', or what went wrong."""
    if result.exit_code is None:
        return "TIMEOUT"
    if "Traceback" in result.output:
        return "TRACEBACK"
    if result.exit_code != case.exit_code:
        return f"EXIT {result.exit_code}"
    if case.expected not in result.output:
        return "MESSAGE"
    if result.cpu_seconds > MAX_SECONDS:
        return "SLOW"
    if not result.peak_mb <= MAX_MB:
        return "MEMORY"
    return "ok"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help="run only these cases")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a kill")
    parser.add_argument("--verbose", action="store_true", help="print each command's output")
    args = parser.parse_args(argv)
    chosen = [c for c in CASES if not args.cases or c.name in args.cases]
    print(f"| {'case':<38} | {'input':>9} | exit | wall s | CPU s | peak MB | result |")
    print(f"|{'-' * 40}|{'-' * 11}|------|--------|-------|---------|--------|")
    failed = 0
    for case in chosen:
        result, size = run(case, args.timeout)
        outcome = verdict(case, result)
        failed += outcome != "ok"
        code = "-" if result.exit_code is None else str(result.exit_code)
        print(
            f"| {case.name:<38} | {_size(size):>9} | {code:>4} | {result.seconds:6.2f} "
            f"| {result.cpu_seconds:5.2f} | {result.peak_mb:7.1f} | {outcome:<6} |",
            flush=True,
        )
        if args.verbose or outcome != "ok":
            print("    " + result.output.strip()[-600:].replace("\n", "\n    "), flush=True)
    return 1 if failed else 0


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
