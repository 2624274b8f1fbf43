"""Calibration: the error rate of ``validate`` over a corpus of connectors that are known to work.

Usage: python tests/benchmarks/bench_corpus.py DIR [--sample N] [--json]

DIR holds one sub-folder (or .zip) per connector, e.g. Microsoft's certified connectors. Every
connector there imports and runs on the platform, so an error-level finding on one of them is a
false positive unless the construct really breaks the import or the run. The script validates
every connector in this process and prints

- the parse failures apart (a file that is not UTF-8 JSON is a real defect: the import fails),
  and connectors that cannot be read at all;
- the share of parseable connectors with an error, overall and per rule, with example names;
- every remaining error (connector, rule, place, message), to explain each one;
- time per connector (median, p95, total) next to openapi-spec-validator's ``validate()`` on
  the same swagger files. ``--sample N`` also times N connectors in a subprocess each.

Not a test: timings depend on the machine, and the corpus is not part of the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openapi_spec_validator import validate as spec_validate

from generator.errors import ConnectorReadError
from generator.findings import Finding, Level
from generator.validate import read_connector, validate_files
from generator.validate.reader import SWAGGER, decode

EXAMPLES = 3


@dataclass
class Tally:
    """What one pass over the corpus found."""

    unreadable: dict[str, str] = field(default_factory=dict)
    parse_failures: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, list[Finding]] = field(default_factory=dict)
    ours: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)

    @property
    def parseable(self) -> int:
        return len(self.errors)

    def failing(self) -> dict[str, list[Finding]]:
        return {name: found for name, found in self.errors.items() if found}


def connectors(folder: Path) -> list[Path]:
    """The connector folders and zips directly under ``folder``, by name."""
    return sorted(p for p in folder.iterdir() if p.is_dir() or p.suffix == ".zip")


def spec_validator(data: bytes | None) -> float:
    """Seconds openapi-spec-validator's validate() takes on one swagger (parse included)."""
    start = time.perf_counter()
    value = decode(data).value if data is not None else None
    if isinstance(value, dict):
        with contextlib.suppress(Exception):  # invalid documents raise; timed all the same
            spec_validate(value)
    return time.perf_counter() - start


def run(folder: Path) -> Tally:
    """Validate every connector in ``folder`` in this process."""
    tally = Tally()
    for path in connectors(folder):
        try:
            files = read_connector(path)
        except ConnectorReadError as exc:
            tally.unreadable[path.name] = str(exc)
            continue
        start = time.perf_counter()
        found = validate_files(files)
        tally.ours.append(time.perf_counter() - start)
        tally.theirs.append(spec_validator(files.get(SWAGGER)))
        broken = [f.render() for f in found if f.rule == "JSON-01"]
        if broken:
            tally.parse_failures[path.name] = broken
        else:
            tally.errors[path.name] = [f for f in found if f.level is Level.ERROR]
    return tally


def subprocess_times(folder: Path, sample: int) -> list[float]:
    """Wall time of ``kintone-connector validate`` in a fresh process, for ``sample`` connectors."""
    paths = connectors(folder)
    step = max(1, len(paths) // sample) if sample else len(paths) + 1
    times = []
    for path in paths[::step][:sample]:
        command = [sys.executable, "-m", "generator", "validate", str(path), "--format", "json"]
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else 0.0


def timing(values: list[float]) -> dict[str, float]:
    """Median, p95 and total of some timings, in seconds."""
    if not values:
        return {"median_s": 0.0, "p95_s": 0.0, "total_s": 0.0}
    return {
        "median_s": round(statistics.median(values), 4),
        "p95_s": round(p95(values), 4),
        "total_s": round(sum(values), 3),
    }


def summary(tally: Tally, spawned: list[float]) -> dict[str, object]:
    """The numbers: rates overall and per rule, the remaining errors, the timings."""
    failing = tally.failing()
    by_rule: dict[str, list[str]] = defaultdict(list)
    for name, found in failing.items():
        for rule_id in sorted({f.rule for f in found}):
            by_rule[rule_id].append(name)
    parseable = tally.parseable or 1
    return {
        "connectors": tally.parseable + len(tally.parse_failures) + len(tally.unreadable),
        "unreadable": tally.unreadable,
        "parse_failures": tally.parse_failures,
        "parseable": tally.parseable,
        "with_errors": len(failing),
        "error_rate": round(len(failing) / parseable, 4),
        "by_rule": {
            rule_id: {
                "connectors": len(names),
                "rate": round(len(names) / parseable, 4),
                "examples": names[:EXAMPLES],
            }
            for rule_id, names in sorted(by_rule.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
        "remaining": {name: [f.render() for f in found] for name, found in failing.items()},
        "validate": timing(tally.ours),
        "openapi_spec_validator": timing(tally.theirs),
        "validate_subprocess": timing(spawned),
    }


def render(numbers: dict[str, object]) -> str:
    """The summary as readable text."""
    lines = [f"connectors: {numbers['connectors']}"]
    for title, key in (("unreadable", "unreadable"), ("parse failures", "parse_failures")):
        entries = numbers[key]
        assert isinstance(entries, dict)
        lines.append(f"{title}: {len(entries)}")
        lines += [f"  {name}: {detail}" for name, detail in entries.items()]
    lines.append(
        f"parseable: {numbers['parseable']}, with an error: {numbers['with_errors']} "
        f"({float(str(numbers['error_rate'])):.1%})"
    )
    by_rule = numbers["by_rule"]
    assert isinstance(by_rule, dict)
    for rule_id, row in by_rule.items():
        examples = ", ".join(row["examples"])
        lines.append(f"  {rule_id:<11} {row['connectors']:>4} ({row['rate']:.1%})  {examples}")
    remaining = numbers["remaining"]
    assert isinstance(remaining, dict)
    lines.append("remaining errors:")
    for name, found in remaining.items():
        lines += [f"  {name}: {line}" for line in found]
    for key in ("validate", "openapi_spec_validator", "validate_subprocess"):
        lines.append(f"{key}: {numbers[key]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sample", type=int, default=0, metavar="N", help="subprocess timings")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    tally = run(args.folder)
    numbers = summary(tally, subprocess_times(args.folder, args.sample))
    sys.stdout.write(json.dumps(numbers, indent=2) + "\n" if args.json else render(numbers))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
