"""Benchmark (not a test): whole-process times of the CLI beside their baselines, as a table.

Every command runs as its own process, interleaved with its baseline in each repetition, and the
table shows medians of wall-clock time and, in brackets, CPU time (user + system, which waiting
for a busy core does not inflate): (a) ``validate`` on a typical connector (median swagger
size) against openapi-spec-validator's CLI on the same swagger, (b) ``build --check`` against
importing the four libraries it uses, (c) ``--help``, (d) N connectors validated one process
each against one ``validate PATH...`` process, with and without ``--jobs 2``.

    .venv/bin/python tests/benchmarks/bench_startup.py [CORPUS_DIR] [--repeat 5] [--connectors 20]

CORPUS_DIR holds one folder per connector (apiDefinition.swagger.json, apiProperties.json, ...);
without it the committed connector/ stands in for every connector.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLI = str(BIN / "kintone-connector")
OSV = str(BIN / "openapi-spec-validator")
SWAGGER = "apiDefinition.swagger.json"
LIBRARIES = "import jinja2, yaml, openapi_spec_validator, click"
# An installed tool runs from bytecode pip compiled at install time, as the libraries here do;
# with PYTHONDONTWRITEBYTECODE an editable checkout would recompile its modules on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Timed:
    """One command and, for each of its runs, the wall-clock and the CPU seconds it took."""

    label: str
    commands: list[list[str]]  # run one after another; the times are their sums
    ok: frozenset[int] = frozenset({0})
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self) -> None:
        before, start = _children_cpu(), time.perf_counter()
        for command in self.commands:
            code = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True).returncode
            if code not in self.ok:
                raise SystemExit(f"{' '.join(command)} exited {code}")
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(_children_cpu() - before)

    def clear(self) -> None:
        self.wall.clear()
        self.cpu.clear()

    def medians(self) -> tuple[float, float]:
        return statistics.median(self.wall), statistics.median(self.cpu)


def _children_cpu() -> float:
    """User plus system seconds of every finished child process (they run one at a time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def connectors(corpus: Path | None, count: int) -> tuple[Path, list[Path]]:
    """The typical connector (median swagger size) and ``count`` spread evenly by name."""
    if corpus is None:
        return ROOT / "connector", [ROOT / "connector"] * count
    folders = sorted(p for p in corpus.iterdir() if (p / SWAGGER).is_file())
    by_size = sorted(folders, key=lambda p: (p / SWAGGER).stat().st_size)
    step = max(1, len(folders) // count)
    return by_size[len(by_size) // 2], folders[::step][:count]


def scenarios(typical: Path, sample: Sequence[Path]) -> dict[str, Timed]:
    findings = frozenset({0, 1})  # certified connectors may have failing findings
    many = [str(p) for p in sample]
    return {
        "validate": Timed("validate", [[CLI, "validate", str(typical)]], findings),
        "osv": Timed("osv", [[OSV, "--schema", "2.0", str(typical / SWAGGER)]], findings),
        "build": Timed("build", [[CLI, "build", "--check"]]),
        "imports": Timed("imports", [[sys.executable, "-c", LIBRARIES]]),
        "help": Timed("help", [[CLI, "--help"]]),
        "each": Timed("each", [[CLI, "validate", p] for p in many], findings),
        "one": Timed("one", [[CLI, "validate", *many]], findings),
        "jobs": Timed("jobs", [[CLI, "validate", "--jobs", "2", *many]], findings),
    }


def table(timed: dict[str, Timed], typical: Path, count: int) -> str:
    """Markdown: each scenario beside its baseline, wall-clock seconds with CPU seconds after."""
    t = {name: item.medians() for name, item in timed.items()}
    imports = f'`python -c "{LIBRARIES}"`'
    rows = [
        (f"`validate` one connector ({typical.name})", "validate", "osv",
         "openapi-spec-validator CLI", "≤ 1.2x"),
        ("`build --check`", "build", "imports", imports, "≤ 3x"),
        ("`--help`", "help", None, "", "< 0.15 s"),
        (f"`validate` {count} connectors in one process", "one", "each",
         "one process per connector", "≥ 4x faster"),
        (f"`validate --jobs 2` {count} connectors", "jobs", "each",
         "one process per connector", "≥ 4x faster"),
    ]  # fmt: skip
    lines = [
        "| Scenario | kintone-connector | Baseline | Ratio | Target |",
        "|---|---|---|---|---|",
    ]
    for title, ours, base, name, target in rows:
        baseline = f"{name} {_pair(t[base])}" if base else ""
        ratio = _ratio(t[ours], t[base]) if base else ""
        lines.append(f"| {title} | {_pair(t[ours])} | {baseline} | {ratio} | {target} |")
    return "\n".join(lines)


def _pair(times: tuple[float, float]) -> str:
    return f"{times[0]:.2f} s ({times[1]:.2f} s CPU)"


def _ratio(ours: tuple[float, float], base: tuple[float, float]) -> str:
    if ours[0] < base[0]:  # faster: say how many times
        return f"{base[0] / ours[0]:.1f}x faster ({base[1] / ours[1]:.1f}x CPU)"
    return f"{ours[0] / base[0]:.2f}x ({ours[1] / base[1]:.2f}x CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="a folder of connector folders")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each scenario")
    parser.add_argument("--connectors", type=int, default=20, help="connectors for (d)")
    args = parser.parse_args()
    typical, sample = connectors(args.corpus, args.connectors)
    timed = scenarios(typical, sample)
    for item in timed.values():  # warm the file cache, write the bytecode; not counted
        item.run()
        item.clear()
    for repetition in range(args.repeat):
        for item in timed.values():
            item.run()
        print(f"repetition {repetition + 1}/{args.repeat} done", file=sys.stderr)
    print(table(timed, typical, len(sample)))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nmedians of {args.repeat} interleaved runs; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} cores, load average {load} at the end"
    )


if __name__ == "__main__":
    main()
