"""Benchmark (not a test): whole-process times of the CLI beside their baselines, as a table.

Every command runs as its own process, interleaved with its baseline in each repetition, and the
table shows medians: (a) ``validate`` on a typical connector (median swagger size) against
openapi-spec-validator's CLI on the same swagger, (b) ``build --check`` against importing the four
libraries it uses, (c) ``--help``, (d) N connectors validated one process each against one
``validate PATH...`` process, with and without ``--jobs 2``.

    .venv/bin/python tests/benchmarks/bench_startup.py [CORPUS_DIR] [--repeat 5] [--connectors 20]

CORPUS_DIR holds one folder per connector (apiDefinition.swagger.json, apiProperties.json, ...);
without it the committed connector/ stands in for every connector.
"""

from __future__ import annotations

import argparse
import os
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
    """One command and the wall-clock seconds of each of its runs."""

    label: str
    commands: list[list[str]]  # run one after another; the time is their sum
    ok: frozenset[int] = frozenset({0})
    seconds: list[float] = field(default_factory=list)

    def run(self) -> None:
        start = time.perf_counter()
        for command in self.commands:
            code = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True).returncode
            if code not in self.ok:
                raise SystemExit(f"{' '.join(command)} exited {code}")
        self.seconds.append(time.perf_counter() - start)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


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
    t = {name: item.median for name, item in timed.items()}
    rows = [
        (f"`validate` one connector ({typical.name})", t["validate"],
         f"openapi-spec-validator CLI {t['osv']:.2f} s", f"{t['validate'] / t['osv']:.2f}x",
         "≤ 1.2x"),
        ("`build --check`", t["build"], f"`python -c \"{LIBRARIES}\"` {t['imports']:.2f} s",
         f"{t['build'] / t['imports']:.2f}x", "≤ 3x"),
        ("`--help`", t["help"], "", "", "< 0.15 s"),
        (f"`validate` {count} connectors, one process each", t["each"], "", "", ""),
        (f"`validate` {count} connectors in one process", t["one"],
         f"one process each {t['each']:.2f} s", f"{t['each'] / t['one']:.1f}x faster", "≥ 4x"),
        (f"`validate --jobs 2` {count} connectors", t["jobs"],
         f"one process each {t['each']:.2f} s", f"{t['each'] / t['jobs']:.1f}x faster", "≥ 4x"),
    ]  # fmt: skip
    lines = ["| Scenario | kintone-connector | Baseline | Ratio | Target |", "|---" * 5 + "|"]
    lines += [f"| {a} | {b:.2f} s | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    return "\n".join(lines)


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
        item.seconds.clear()
    for repetition in range(args.repeat):
        for item in timed.values():
            item.run()
        print(f"repetition {repetition + 1}/{args.repeat} done", file=sys.stderr)
    print(table(timed, typical, len(sample)))
    print(f"\nmedians of {args.repeat} interleaved runs; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
