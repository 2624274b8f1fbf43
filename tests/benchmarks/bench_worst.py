"""Benchmark (not a test): each reader's worst cases by shape, generated at the size limits.

Unlike bench_bounded.py (past reproducers), the inputs here are made from shapes, not from
bugs: deep, wide, long, repeated and escaped, for the swagger (a whole file of the shape, and
a valid swagger carrying it as info.description), apiProperties.json, the YAML description,
a solution's customizations.xml and script.csx, each sized to just under its reader's input
limit (generator/limits.py), so that what the README promises for "any input under N MB" is
what is measured. Each runs as ``python -m generator`` in a child process (bench_bounded.run):
exit code, CPU seconds and peak resident memory. A row fails when the command crashes, prints
a traceback, exits outside 0/1, or takes more than 2 s of CPU or 512 MB.

    .venv/bin/python tests/benchmarks/bench_worst.py [--timeout 120] [--scale 1.0] [CASE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.limits import (  # noqa: E402
    MAX_DESCRIPTION_BYTES,
    MAX_FILE_BYTES,
    MAX_SCRIPT_ANALYSED_BYTES,
)
from tests.benchmarks.bench_bounded import MAX_MB, MAX_SECONDS, run  # noqa: E402
from tests.fuzzing import JSON_KINDS, XML_KINDS, YAML_KINDS, json_shape, xml_shape, yaml_shape  # noqa: E402
from tests.reproducers import CLEAN, Case, clean_copy  # noqa: E402

SWAGGER = "apiDefinition.swagger.json"
PROPERTIES = "apiProperties.json"
SCRIPT = "script.csx"


def _fit(make: Callable[[int], bytes], limit: int) -> bytes:
    """The largest output of ``make(n)`` not over ``limit`` bytes, to within 0.5 % (n found by
    doubling, then bisection). A shape that stops growing before the limit is taken as it is."""
    low, high, previous = 0, 1, -1
    while (size := len(make(high))) <= limit:
        if size == previous:
            return make(high)
        low, high, previous = high, high * 2, size
    while high - low > max(1, low // 200):
        middle = (low + high) // 2
        low, high = (middle, high) if len(make(middle)) <= limit else (low, middle)
    return make(low)


def _swagger_file(kind: str, limit: int) -> Case:
    def make(folder: Path) -> list[str]:
        connector = clean_copy(folder)
        (connector / SWAGGER).write_bytes(_fit(lambda n: json_shape(kind, n), limit))
        return ["validate", str(connector)]

    return Case(f"swagger-file-{kind}", make, -1, "")


def _swagger_value(kind: str, limit: int) -> Case:
    """A valid swagger whose info.description is the shape (as a JSON value)."""
    swagger = (CLEAN / SWAGGER).read_text(encoding="utf-8")
    head, tail = swagger.split('"info": {', 1)

    def with_value(n: int) -> bytes:
        value = json_shape(kind, n).decode()
        return (head + '"info": {"description": ' + value + ", " + tail).encode()

    def make(folder: Path) -> list[str]:
        connector = clean_copy(folder)
        (connector / SWAGGER).write_bytes(_fit(with_value, limit))
        return ["validate", str(connector)]

    return Case(f"swagger-value-{kind}", make, -1, "")


def _properties(kind: str, limit: int) -> Case:
    def make(folder: Path) -> list[str]:
        connector = clean_copy(folder)
        document = json.loads((connector / PROPERTIES).read_text(encoding="utf-8"))
        text = json.dumps(document)[:-1] + ', "x": '

        def shaped(n: int) -> bytes:
            return (text + json_shape(kind, n).decode() + "}").encode()

        (connector / PROPERTIES).write_bytes(_fit(shaped, limit))
        return ["validate", str(connector)]

    return Case(f"properties-{kind}", make, -1, "")


def _description(kind: str, limit: int) -> Case:
    def make(folder: Path) -> list[str]:
        path = folder / "description.yaml"
        path.write_bytes(_fit(lambda n: yaml_shape(kind, n).encode(), limit))
        return ["build", "--description", str(path), "--out", str(folder / "out")]

    return Case(f"description-{kind}", make, -1, "")


def _solution(kind: str, limit: int) -> Case:
    def make(folder: Path) -> list[str]:
        path = folder / "solution.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("solution.xml", "<ImportExportXml/>")
            archive.writestr("customizations.xml", _fit(lambda n: xml_shape(kind, n), limit))
        return ["validate", str(path)]

    return Case(f"solution-xml-{kind}", make, -1, "")


SCRIPT_SHAPES: dict[str, Callable[[int], str]] = {
    "deep-braces": lambda n: "{" * n + "}" * n,
    "long-identifier": lambda n: "var " + "a" * n + " = 1;",
    "escaped-string": lambda n: 'var s = "' + "\\\\" * n + '";',
    "verbatim-quotes": lambda n: 'var s = @"' + '""' * n + '";',
    "comments": lambda n: "/*" + "*" * n + "*/",
    "repeated-operation-ids": lambda n: "var o = this.Context.OperationId;\n" * n,
    "repeated-overrides": lambda n: "public override async Task<HttpResponseMessage> X() {}\n" * n,
}


def _script(kind: str, limit: int) -> Case:
    source = (CLEAN / SCRIPT).read_text(encoding="utf-8")

    def make(folder: Path) -> list[str]:
        connector = clean_copy(folder)
        body = _fit(lambda n: (source + "\n" + SCRIPT_SHAPES[kind](n)).encode(), limit)
        (connector / SCRIPT).write_bytes(body)
        return ["validate", str(connector)]

    return Case(f"script-{kind}", make, -1, "")


def cases(scale: float) -> list[Case]:
    """Every shape for every reader, at ``scale`` times its reader's limit (1.0: just under)."""
    file_limit = int((MAX_FILE_BYTES - 1024) * scale)
    found: list[Case] = []
    found += [_swagger_file(kind, file_limit) for kind in JSON_KINDS]
    found += [_swagger_value(kind, file_limit) for kind in JSON_KINDS]
    found += [_properties(kind, file_limit) for kind in JSON_KINDS]
    found += [_description(kind, int((MAX_DESCRIPTION_BYTES - 64) * scale)) for kind in YAML_KINDS]
    found += [_solution(kind, file_limit) for kind in XML_KINDS]
    script_limit = int(MAX_SCRIPT_ANALYSED_BYTES * scale)
    found += [_script(kind, script_limit) for kind in SCRIPT_SHAPES]
    return found


def verdict(code: int | None, output: str, cpu: float, peak: float) -> str:
    if code is None:
        return "TIMEOUT"
    if "Traceback" in output or "internal error" in output:
        return "CRASH"
    if code not in (0, 1) and not (code == 2 and "Invalid value for PATH" in output):
        return f"EXIT {code}"  # 2 is documented for a path that holds no connector
    if cpu > MAX_SECONDS:
        return "SLOW"
    if not peak <= MAX_MB:
        return "MEMORY"
    return "ok"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="CASE", help="run only these cases")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a kill")
    parser.add_argument("--scale", type=float, default=1.0, help="share of each size limit")
    parser.add_argument("--verbose", action="store_true", help="print each command's output")
    args = parser.parse_args(argv)
    chosen = [c for c in cases(args.scale) if not args.names or c.name in args.names]
    print(f"| {'case':<34} | {'input':>9} | exit | wall s | CPU s | peak MB | result |")
    print(f"|{'-' * 36}|{'-' * 11}|------|--------|-------|---------|--------|")
    failed = 0
    for case in chosen:
        result, size = run(case, args.timeout)
        outcome = verdict(result.exit_code, result.output, result.cpu_seconds, result.peak_mb)
        failed += outcome != "ok"
        code = "-" if result.exit_code is None else str(result.exit_code)
        print(
            f"| {case.name:<34} | {_size(size):>9} | {code:>4} | {result.seconds:6.2f} "
            f"| {result.cpu_seconds:5.2f} | {result.peak_mb:7.1f} | {outcome:<6} |",
            flush=True,
        )
        if args.verbose or outcome != "ok":
            print("    " + result.output.strip()[-400:].replace("\n", "\n    "), flush=True)
    return 1 if failed else 0


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
