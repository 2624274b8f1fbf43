"""Benchmark (not a test): fuzz every reader and CLI entry point for minutes, with fresh seeds.

The targets are those of tests/fuzzing.py (JSON, YAML and solution XML readers, the reports,
call's inputs, argv, the stand-in's HTTP front end) plus validate on mutated connectors and
build on mutated descriptions (tests/test_fuzz.py). Each target runs in batches of examples,
each batch under a new random seed, round-robin until the time is used. A failure (an internal
error, an exit code outside the documented set, a traceback, an example over its deadline, a
batch over its alarm) is printed with the example hypothesis reduced it to; the table gives the
examples run, the failures and the largest peak memory of one batch per target.

Each batch runs in a forked child, so its peak is that batch's own. Run in one process, the
RSS of validate-mutated-connectors grew by about 7 MB per 50 examples (3.2 GB over 22,600).
That growth is validate's, not hypothesis's: the same 50 mutants validated again and again
grow it as much. tracemalloc's traced memory stays flat, so the memory is held outside
Python's allocator (not yet found; issue 19).

    .venv/bin/python tests/benchmarks/fuzz_long.py --minutes 30 [--batch 50] [TARGET ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from generator.devtools.standin import StandIn  # noqa: E402
from tests import test_fuzz  # noqa: E402
from tests.fuzzing import READERS, StandInTarget, Target, standin_requests  # noqa: E402

BATCH_ALARM = 300  # seconds: a batch still running then is a hang


@dataclass
class Tally:
    """What one target did over the run."""

    examples: int = 0
    batches: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def _validate(files: dict[str, bytes]) -> None:
    test_fuzz.test_validate_never_crashes.hypothesis.inner_test(files, False, "sarif")  # type: ignore[attr-defined]


def _build(text: str) -> None:
    test_fuzz.test_build_never_crashes_and_keeps_out_on_failure.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def targets(standin_url: str) -> list[Target]:
    standin = StandInTarget(standin_url)
    return [
        *READERS,
        Target("validate-mutated-connectors", test_fuzz.mutated_connectors(), _validate),
        Target("build-mutated-descriptions", test_fuzz.mutated_descriptions(), _build),
        Target("standin-front-end", standin_requests, standin.check),
    ]


def run_batch(target: Target, examples: int, seed_value: int, tally: Tally) -> float:
    """One batch in a forked child (see the module's note); its peak memory in MB."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: run, report, leave without the parent's cleanup
        os.close(reader)
        own = Tally()
        try:
            _run_batch(target, examples, seed_value, own)
        finally:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report = {**asdict(own), "peak": peak}
            with os.fdopen(writer, "w") as out:
                json.dump(report, out)
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as into:
        text = into.read()
    _, status = os.waitpid(child, 0)
    if not text:
        tally.batches += 1
        tally.failures.append(f"seed {seed_value}: the batch's process ended with status {status}")
        return 0.0
    report = json.loads(text)
    tally.examples += report["examples"]
    tally.batches += report["batches"]
    tally.seconds += report["seconds"]
    tally.failures.extend(report["failures"])
    return float(report["peak"])


def _run_batch(target: Target, examples: int, seed_value: int, tally: Tally) -> None:
    """``examples`` examples of ``target`` under one seed; a failure is noted, not raised."""
    counted: list[int] = [0]

    def check(value: Any) -> None:
        counted[0] += 1
        target.check(value)

    test: Callable[[], None] = seed(seed_value)(
        settings(
            max_examples=examples,
            deadline=timedelta(seconds=10),
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )(given(value=target.strategy)(check))
    )
    signal.alarm(BATCH_ALARM)
    start = time.perf_counter()
    try:
        test()
    except Exception as exc:
        tally.failures.append(f"seed {seed_value}: {_described(exc)[:3000]}")
    finally:
        signal.alarm(0)
        tally.seconds += time.perf_counter() - start
        tally.examples += counted[0]
        tally.batches += 1


def _described(exc: BaseException) -> str:
    """The failure with what hypothesis reduced it to (its notes), each of a group's parts."""
    if isinstance(exc, BaseExceptionGroup):
        return " | ".join(_described(part) for part in exc.exceptions)
    notes = " ".join(getattr(exc, "__notes__", []))
    return f"{type(exc).__name__}: {str(exc)[:1000]} {notes[:1000]}".rstrip()


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"a batch ran over {BATCH_ALARM} s (a hang?)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="TARGET", help="fuzz only these targets")
    parser.add_argument("--minutes", type=float, default=5.0, help="total time (default 5)")
    parser.add_argument("--batch", type=int, default=50, help="examples per seed (default 50)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the seeds (default: any)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    chooser = random.Random(args.seed)
    with StandIn() as standin:
        chosen = [t for t in targets(standin.url) if not args.names or t.name in args.names]
        tallies = {t.name: Tally() for t in chosen}
        peaks: dict[str, float] = {}
        deadline = time.monotonic() + args.minutes * 60
        while time.monotonic() < deadline:
            for target in chosen:
                if time.monotonic() >= deadline:
                    break
                peak = run_batch(target, args.batch, chooser.randrange(2**32), tallies[target.name])
                peaks[target.name] = max(peaks.get(target.name, 0.0), peak)
                for failure in tallies[target.name].failures[-1:]:
                    if not failure.startswith("printed"):
                        print(f"[{target.name}] {failure}\n", flush=True)
                        tallies[target.name].failures[-1] = "printed " + failure
    print(f"| {'target':<30} | examples | batches | seconds | failures | batch peak MB |")
    print(f"|{'-' * 32}|----------|---------|---------|----------|---------------|")
    for name, tally in tallies.items():
        print(
            f"| {name:<30} | {tally.examples:>8} | {tally.batches:>7} | {tally.seconds:>7.0f} "
            f"| {len(tally.failures):>8} | {peaks.get(name, 0):>13.0f} |"
        )
    return 1 if any(t.failures for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
