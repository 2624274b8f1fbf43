"""Benchmark (not a test): records moved per API call and per simulated minute under the
connector's throttling policy (100 calls per 60 seconds per connection).

Runs the generated connector through the runtime against a local kintone stand-in. Time is
simulated: a throttled call sleeps on a fake clock, so the script finishes in real seconds while
reporting how many minutes the same work takes on the platform.

    .venv/bin/python tests/benchmarks/bench_throughput.py [--records 10000] [--read 50000]
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.devtools.runtime.connector import ConnectorPackage  # noqa: E402
from generator.devtools.runtime.runtime import ConnectorRuntime  # noqa: E402
from generator.devtools.runtime.script import CompiledScriptEngine  # noqa: E402
from generator.devtools.runtime.throttle import Limit  # noqa: E402
from generator.devtools.runtime.transport import trusting_transport  # noqa: E402
from generator.devtools.standin import StandIn  # noqa: E402

APP = "3"  # the Invoices app of the stand-in's default seed
TOKEN = "invoices-full"


class SimulatedClock:
    """Seconds that pass only when a throttled call waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Row:
    """One scenario; minutes are the simulated time the calls need at 100 calls per minute."""

    scenario: str
    records: int
    calls: int
    waited_minutes: float
    real_seconds: float

    @property
    def minutes(self) -> float:
        # The clock shows the waits; the last window's calls still take their share of a minute.
        return max(self.waited_minutes, self.calls / 100)

    def line(self) -> str:
        per_call = self.records / self.calls if self.calls else 0.0
        per_minute = self.records / self.minutes
        return (
            f"| {self.scenario} | {self.records:,} | {self.calls:,} | {per_call:,.0f} | "
            f"{self.minutes:,.1f} | {per_minute:,.0f} | {self.real_seconds:,.1f} |"
        )


class CountingRuntime(ConnectorRuntime):
    """Counts the calls a flow makes (the runtime's own schema look-ups are not calls)."""

    calls = 0

    def call(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return super().call(*args, **kwargs)


_ENGINES = contextlib.ExitStack()
atexit.register(_ENGINES.close)


def runtime(kintone: StandIn, clock: SimulatedClock | None) -> CountingRuntime:
    package = ConnectorPackage.load(ROOT / "connector")
    # The compiled script.csx, one mono host per stand-in (its SendAsync trusts that CA).
    engine = _ENGINES.enter_context(CompiledScriptEngine.open(ROOT / "connector", kintone.ca_file))
    options: dict[str, Any] = {
        "script": engine,
        "transport": trusting_transport(kintone.ca_file),
    }
    if clock is not None:
        options.update(
            limits=(Limit(100, 60),), clock=clock, sleep=clock.sleep, retry_throttled=True
        )
    return CountingRuntime(package, {"domain": kintone.domain, "api_key": TOKEN}, **options)


def invoice(i: int) -> dict[str, Any]:
    return {
        "Title": {"value": f"Invoice {i}"},
        "Deal_code": {"value": f"BENCH-{i}"},
        "Amount": {"value": i},
    }


def expect(result: Any) -> Any:
    if not 200 <= result.response.status < 300:
        raise SystemExit(f"{result.operation_id} failed: {result.response.body[:300]!r}")
    return result.body


def count(kintone: StandIn, prefix: str) -> tuple[int, int]:
    """(records whose Deal_code starts with prefix, distinct codes among them)."""
    with kintone.store.lock:
        codes = [
            str(r.values["Deal_code"])
            for r in kintone.store.apps[APP].records.values()
            if str(r.values["Deal_code"]).startswith(prefix)
        ]
    return len(codes), len(set(codes))


Work = Callable[[CountingRuntime, StandIn], None]


def measure(scenario: str, total: int, work: Work, seeded: int = 0) -> Row:
    """Run ``work`` on a fresh stand-in (with ``seeded`` records) under the throttle."""
    with StandIn(https=True) as kintone:
        seed_invoices(kintone, seeded)
        clock, started = SimulatedClock(), time.perf_counter()
        rt = runtime(kintone, clock)
        work(rt, kintone)
        return Row(scenario, total, rt.calls, clock.now / 60, time.perf_counter() - started)


def seed_invoices(kintone: StandIn, total: int) -> None:
    """Records for the read and update scenarios, 2,000 per call (not measured)."""
    loader = runtime(kintone, None)
    for start in range(0, total, 2000):
        batch = [invoice(i) for i in range(start, min(start + 2000, total))]
        expect(loader.call("AddRecordsBulk", body={"app": APP, "records": batch}))


def check_stored(kintone: StandIn, total: int) -> None:
    stored, distinct = count(kintone, "BENCH-")
    assert stored == distinct == total, (stored, distinct)


def import_single(total: int) -> Row:
    def work(rt: CountingRuntime, kintone: StandIn) -> None:
        for i in range(total):
            expect(rt.call("AddRecord", body={"app": APP, "record": invoice(i)}))
        check_stored(kintone, total)

    return measure("Add a record, one call per record", total, work)


def _add_in_batches(operation: str, size: int, total: int, title: str) -> Row:
    """Add ``total`` invoices through ``operation``, ``size`` records per connector call."""

    def work(rt: CountingRuntime, kintone: StandIn) -> None:
        for start in range(0, total, size):
            batch = [invoice(i) for i in range(start, min(start + size, total))]
            expect(rt.call(operation, body={"app": APP, "records": batch}))
        check_stored(kintone, total)

    return measure(title, total, work)


def import_bulk(total: int) -> Row:
    return _add_in_batches("AddRecords", 100, total, "Add records, 100 per call")


def import_bulk_request(total: int) -> Row:
    """Add records (up to 2,000): one connector call is one bulkRequest of 20 x 100."""
    return _add_in_batches(
        "AddRecordsBulk", 2000, total, "Add records through bulkRequest, 2,000 per call"
    )


def update_bulk_request(total: int) -> Row:
    """Update records (up to 2,000) on seeded records; every record ends at revision 2."""

    def work(rt: CountingRuntime, kintone: StandIn) -> None:
        with kintone.store.lock:
            ids = sorted(
                r.id
                for r in kintone.store.apps[APP].records.values()
                if str(r.values["Deal_code"]).startswith("BENCH-")
            )
        for start in range(0, total, 2000):
            changes = [
                {"id": str(i), "record": {"Amount": {"value": i + 1}}}
                for i in ids[start : start + 2000]
            ]
            expect(rt.call("UpdateRecordsBulk", body={"app": APP, "records": changes}))
        check_updated(kintone, total)

    return measure("Update records through bulkRequest, 2,000 per call", total, work, seeded=total)


def check_updated(kintone: StandIn, total: int) -> None:
    """Each seeded record updated exactly once: revision 2 and its new amount."""
    with kintone.store.lock:
        bench = [
            r
            for r in kintone.store.apps[APP].records.values()
            if str(r.values["Deal_code"]).startswith("BENCH-")
        ]
        assert len(bench) == total, len(bench)
        assert all(r.revision == 2 for r in bench), "a record was lost or updated twice"
        assert all(str(r.values["Amount"]) == str(r.id + 1) for r in bench)


def read_cursor(total: int) -> Row:
    def work(rt: CountingRuntime, kintone: StandIn) -> None:
        body = {"app": APP, "query": 'Deal_code like "BENCH-"', "fields": ["$id"], "size": 500}
        cursor = expect(rt.call("CreateCursor", body=body))
        seen: set[str] = set()
        while True:
            page = expect(rt.call("GetCursorRecords", {"id": cursor["id"]}))
            seen.update(r["$id"]["value"] for r in page["records"])
            if not page["next"]:
                break
        assert len(seen) == total, len(seen)

    return measure("Read with a cursor, 500 per call", total, work, seeded=total)


def read_seek(total: int) -> Row:
    """Cybozu's recommended paging: $id > last, 500 per call, no cursor to create."""

    def work(rt: CountingRuntime, kintone: StandIn) -> None:
        seen: list[str] = []
        matching: int | None = None
        while matching is None or len(seen) < matching:
            last = seen[-1] if seen else "0"
            query = f'Deal_code like "BENCH-" and $id > {last} order by $id asc limit 500'
            inputs = {"app": APP, "query": query, "fields": ["$id"], "totalCount": matching is None}
            page = expect(rt.call("GetRecords", inputs))
            if matching is None:
                matching = int(page["totalCount"])
            if not page["records"]:
                break
            seen += [r["$id"]["value"] for r in page["records"]]
        assert len(seen) == len(set(seen)) == total, len(seen)

    return measure("Read with Get records, $id > last, 500 per call", total, work, seeded=total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--read", type=int, default=50_000)
    args = parser.parse_args()
    print(
        "| Scenario | Records | API calls | Records per call | Simulated minutes "
        "| Records per minute | Real seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    scenarios = (
        lambda: import_single(args.records),
        lambda: import_bulk(args.records),
        lambda: import_bulk_request(args.records),
        lambda: update_bulk_request(args.records),
        lambda: read_cursor(args.read),
        lambda: read_seek(args.read),
    )
    for scenario in scenarios:
        row = scenario()
        print(row.line(), flush=True)


if __name__ == "__main__":
    main()
