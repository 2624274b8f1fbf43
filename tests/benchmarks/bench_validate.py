"""Benchmark: the whole validator next to openapi-spec-validator alone, over a folder of connectors.

Usage: python tests/benchmarks/bench_validate.py FOLDER [--repeat N] [--skip RULE ...]

FOLDER holds one sub-folder (or .zip) per connector. For each connector the script times
``validate_files`` (every rule) and ``OpenAPIV2SpecValidator(...).iter_errors()`` on the same
swagger (best of N runs each), then prints per-connector times, totals, the p95, the ratio, and
which connectors get error-level findings from which rules (the false-positive tally when FOLDER
holds certified connectors). Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from openapi_spec_validator import OpenAPIV2SpecValidator

from generator.errors import ConnectorReadError
from generator.findings import Level
from generator.validate import read_connector, validate_files
from generator.validate.reader import SWAGGER, decode


def best_of(repeat: int, *works: Callable[[], object]) -> list[float]:
    """The fastest of ``repeat`` runs of each work, in seconds; runs alternate to share noise."""
    best = [float("inf")] * len(works)
    for _ in range(repeat):
        for index, work in enumerate(works):
            start = time.perf_counter()
            work()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def spec_validator_only(data: bytes | None) -> None:
    """What openapi-spec-validator alone does: parse the JSON, then every error."""
    if data is None:
        return
    value = decode(data).value
    if isinstance(value, dict):
        try:
            list(OpenAPIV2SpecValidator(value).iter_errors())
        except Exception:  # the library gives up on some documents; we time it anyway
            return


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else 0.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], metavar="RULE")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    rows, errors = [], {}
    for path in sorted(p for p in args.folder.iterdir() if p.is_dir() or p.suffix == ".zip"):
        try:
            files = read_connector(path)
        except ConnectorReadError as exc:
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
            continue
        ours, theirs = best_of(
            args.repeat,
            lambda f=files: validate_files(f, skip=args.skip),
            lambda f=files: spec_validator_only(f.get(SWAGGER)),
        )
        found = validate_files(files, skip=args.skip)
        errors[path.name] = sorted({f.rule for f in found if f.level is Level.ERROR})
        rows.append((path.name, len(files.get(SWAGGER, b"")), ours, theirs))
    report(rows, errors, as_json=args.json)
    return 0


def report(
    rows: list[tuple[str, int, float, float]], errors: dict[str, list[str]], *, as_json: bool
) -> None:
    """Per-connector lines, then totals, p95, ratio and the error tally."""
    ours = [row[2] for row in rows]
    theirs = [row[3] for row in rows]
    failing = {name: rules for name, rules in errors.items() if rules}
    by_rule = Counter(rule for rules in failing.values() for rule in rules)
    summary = {
        "connectors": len(rows),
        "total_s": round(sum(ours), 3),
        "spec_validator_total_s": round(sum(theirs), 3),
        "ratio": round(sum(ours) / sum(theirs), 2) if sum(theirs) else None,
        "p95_s": round(p95(ours), 3),
        "median_s": round(statistics.median(ours), 3) if ours else 0,
        "with_errors": len(failing),
        "error_rate": round(len(failing) / len(rows), 3) if rows else 0,
        "errors_by_rule": dict(by_rule.most_common()),
        "failing": failing,
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{'connector':<44} {'bytes':>9} {'all rules':>10} {'spec only':>10}")
    for name, size, mine, spec in rows:
        print(f"{name[:44]:<44} {size:>9} {mine:>10.4f} {spec:>10.4f}")
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
