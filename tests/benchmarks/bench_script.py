"""Benchmark (not a test): run time of the compiled script.csx per operation on the shared vectors.

Usage: .venv/bin/python tests/benchmarks/bench_script.py [--connector DIR] [--repeat N]

Times are what the C# host measures around ExecuteAsync (upstream answers are canned, so they
cost nothing); the platform stops custom code after 5000 ms. "first pass" is the first run of
each vector in a fresh process (JIT compilation included); the other columns cover --repeat
warm passes. "fresh process" is one request in its own mono process, as CompiledScript.run does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.devtools.csharp import PLATFORM_LIMIT_MS, CompiledScript, compile_script  # noqa: E402
from generator.devtools.csharp.vectors import VECTORS, Vector, applies, load_vectors  # noqa: E402
from generator.parse import default_description, parse_description  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connector", type=Path, default=ROOT / "connector")
    parser.add_argument("--vectors", type=Path, default=VECTORS)
    parser.add_argument("--repeat", type=int, default=20, help="warm passes over the vectors")
    args = parser.parse_args()
    script, vectors = prepare(args.connector, args.vectors)
    first, warm = measure(script, vectors, args.repeat)
    print_table(first, warm, args.repeat)
    print_fresh_process(script, vectors[0])
    return 0


def prepare(connector: Path, folder: Path) -> tuple[CompiledScript, list[Vector]]:
    started = time.perf_counter()
    result = compile_script(connector)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"compile: {elapsed:.0f} ms ({'cached' if result.cached else 'mcs'})")
    model = parse_description(default_description())
    roles = {op.id: op.script.kind for op in model.all_operations}
    vectors = [v for v in load_vectors(folder) if applies(v, roles)]
    print(f"vectors: {len(vectors)}")
    return result.script(), vectors


def measure(
    script: CompiledScript, vectors: list[Vector], repeat: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Host-measured ms per operation: the first pass in a fresh process, then warm passes."""
    first: dict[str, list[float]] = defaultdict(list)
    warm: dict[str, list[float]] = defaultdict(list)
    with script.session() as session:
        for index in range(repeat + 1):
            for vector in vectors:
                run = session.run(vector.operation_id, vector.request, vector.upstream)
                (first if index == 0 else warm)[vector.operation_id].append(run.elapsed_ms)
    return first, warm


def print_table(first: dict[str, list[float]], warm: dict[str, list[float]], repeat: int) -> None:
    print(f"\nrun time per operation in ms (platform limit {PLATFORM_LIMIT_MS} ms)")
    header = f"{'operation':<34} {'runs':>6} {'first max':>10} {'p50':>8} {'p90':>8} {'max':>8}"
    print(header)
    print("-" * len(header))
    for operation in sorted(first):
        values = sorted(warm.get(operation) or first[operation])
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        print(
            f"{operation:<34} {len(values):>6} {max(first[operation]):>10.2f} "
            f"{statistics.median(values):>8.2f} {p90:>8.2f} {values[-1]:>8.2f}"
        )
    print(f"(runs: {repeat} warm passes; 'first max' includes JIT in a fresh process)")


def print_fresh_process(script: CompiledScript, vector: Vector) -> None:
    walls = []
    for _ in range(5):
        started = time.perf_counter()
        script.run(vector.operation_id, vector.request, vector.upstream)
        walls.append((time.perf_counter() - started) * 1000)
    print(f"\nfresh process per request ({vector.name}): median {statistics.median(walls):.0f} ms")


if __name__ == "__main__":
    raise SystemExit(main())
