"""Benchmark (not a test): how long Add / Update / Delete records (up to 2,000) take per size.

The platform stops custom code after 5 seconds, counted around ExecuteAsync, which includes
the one bulkRequest the script sends to kintone. For each size this measures, with the
compiled script.csx (mono):

- script alone: the C# host's time with kintone's answer canned (parsing the input, cutting it
  into chunks, serialising the bulkRequest, merging the results);
- script + stand-in: the same time with the request really sent to the local stand-in (HTTPS);
- stand-in alone: the bulkRequest posted to the stand-in directly.

Medians of --repeat runs after one warm-up. Records are the Invoices app's (three fields);
real kintone's own time per record is not known here: see the README for the guidance.

    .venv/bin/python tests/benchmarks/bench_bulk_sizes.py [--sizes 100,500,1000,2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# kintone takes at most 100 records per records.json call; the script cuts lists into chunks of it.
BULK_CHUNK = 100
sys.path.insert(0, str(ROOT))

from generator.devtools.csharp import compile_script  # noqa: E402
from generator.devtools.messages import HttpRequest, HttpResponse  # noqa: E402
from generator.devtools.runtime.connector import ConnectorPackage  # noqa: E402
from generator.devtools.runtime.runtime import ConnectorRuntime  # noqa: E402
from generator.devtools.runtime.script import CompiledScriptEngine  # noqa: E402
from generator.devtools.runtime.transport import trusting_transport  # noqa: E402
from generator.devtools.standin import StandIn  # noqa: E402

APP = "3"  # Invoices in the stand-in's default seed
TOKEN = "invoices-full"
OPERATIONS = {"add": "AddRecordsBulk", "update": "UpdateRecordsBulk", "delete": "DeleteRecordsBulk"}
URLS = {
    "add": "/k/v1/connector/bulk/add-records.json",
    "update": "/k/v1/connector/bulk/update-records.json",
    "delete": "/k/v1/connector/bulk/delete-records.json",
}


def invoice(i: int) -> dict[str, Any]:
    return {
        "Title": {"value": f"Invoice {i} with a longer title to look like real data"},
        "Deal_code": {"value": f"SIZE-{i}"},
        "Amount": {"value": i},
    }


def body(kind: str, ids: list[str]) -> dict[str, Any]:
    if kind == "add":
        return {"app": APP, "records": [invoice(i) for i in range(len(ids))]}
    if kind == "update":
        changes = [{"id": i, "record": {"Amount": {"value": 7}}} for i in ids]
        return {"app": APP, "records": changes}
    return {"app": APP, "ids": ids}


def canned(kind: str, size: int) -> HttpResponse:
    """kintone's answer to the bulkRequest, so that only the script's work is timed."""
    results: list[Any] = []
    for start in range(0, size, BULK_CHUNK):
        n = min(BULK_CHUNK, size - start)
        ids = [str(start + i + 1) for i in range(n)]
        if kind == "add":
            results.append({"ids": ids, "revisions": ["1"] * n})
        elif kind == "update":
            results.append({"records": [{"id": i, "revision": "2"} for i in ids]})
        else:
            results.append({})
    return HttpResponse(200, (("Content-Type", "application/json"),), _json({"results": results}))


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples):,.0f}"


def script_alone(kind: str, size: int, repeat: int) -> tuple[float, list[float]]:
    """(the first run in a fresh host, JIT included; then the warm runs), in ms."""
    script = compile_script(ROOT / "connector").script()
    ids = [str(i + 1) for i in range(size)]
    request = HttpRequest(
        "POST",
        "https://example.cybozu.com" + URLS[kind],
        (("X-Cybozu-API-Token", TOKEN), ("Content-Type", "application/json")),
        _json(body(kind, ids)),
    )
    with script.session() as session:
        first = session.run(OPERATIONS[kind], request, [canned(kind, size)]).elapsed_ms
        warm = [
            session.run(OPERATIONS[kind], request, [canned(kind, size)]).elapsed_ms
            for _ in range(repeat)
        ]
        return first, warm


def with_standin(kind: str, size: int, repeat: int) -> tuple[list[float], list[float]]:
    """(script + stand-in ms, stand-in alone ms); every run meets the seed's records only."""
    package = ConnectorPackage.load(ROOT / "connector")
    through, alone = [], []
    with (
        StandIn(https=True) as kintone,
        CompiledScriptEngine.open(ROOT / "connector", ca_file=kintone.ca_file) as engine,
    ):
        connection = {"domain": kintone.domain, "api_key": TOKEN}
        transport = trusting_transport(kintone.ca_file)
        rt = ConnectorRuntime(package, connection, script=engine, transport=transport)
        direct = _direct(kintone)
        seeded = set(kintone.store.apps[APP].records)
        for run in range(repeat + 1):
            _reset(kintone, seeded)
            ids = _prepare(rt, kind, size)
            result = rt.call(OPERATIONS[kind], body=body(kind, ids))
            assert 200 <= result.response.status < 300, result.response.body[:300]
            _reset(kintone, seeded)
            ids = _prepare(rt, kind, size)
            started = time.perf_counter()
            direct(_bulk_request(kind, body(kind, ids)))
            if run:  # the first run warms up mono and the stand-in
                through.append(result.response.elapsed_ms)
                alone.append((time.perf_counter() - started) * 1000)
    return through, alone


def _reset(kintone: StandIn, seeded: set[int]) -> None:
    """Back to the seed's records, so that every run meets a store of the same size."""
    with kintone.store.lock:
        app = kintone.store.apps[APP]
        app.records = {k: v for k, v in app.records.items() if k in seeded}


def _prepare(rt: ConnectorRuntime, kind: str, size: int) -> list[str]:
    """Record IDs to update or delete (added with the same action); [] placeholders for add."""
    if kind == "add":
        return ["0"] * size
    added = rt.call(OPERATIONS["add"], body=body("add", ["0"] * size))
    return [str(i) for i in added.body["ids"]]


def _bulk_request(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    method = {"add": "POST", "update": "PUT", "delete": "DELETE"}[kind]
    items = payload["records"] if kind != "delete" else payload["ids"]
    key = "records" if kind != "delete" else "ids"
    requests = [
        {
            "method": method,
            "api": "/k/v1/records.json",
            "payload": {"app": APP, key: items[start : start + BULK_CHUNK]},
        }
        for start in range(0, len(items), BULK_CHUNK)
    ]
    return {"requests": requests}


def _direct(kintone: StandIn) -> Callable[[dict[str, Any]], None]:
    import ssl

    context = ssl.create_default_context(cafile=str(kintone.ca_file))
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )

    def post(document: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"https://{kintone.domain}/k/v1/bulkRequest.json",
            data=_json(document),
            method="POST",
            headers={"X-Cybozu-API-Token": TOKEN, "Content-Type": "application/json"},
        )
        with opener.open(request, timeout=60) as response:
            response.read()

    return post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,2000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        "| Action | Records | Request body | Script alone, first run (ms) | Script alone (ms) "
        "| Script + stand-in (ms) | Stand-in alone (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind in OPERATIONS:
        for size in sizes:
            first, alone_script = script_alone(kind, size, args.repeat)
            through, standin = with_standin(kind, size, args.repeat)
            kib = len(_json(body(kind, [str(i) for i in range(size)]))) / 1024
            print(
                f"| {OPERATIONS[kind]} | {size:,} | {kib:,.0f} KiB | {first:,.0f} "
                f"| {median_ms(alone_script)} "
                f"| {median_ms(through)} | {median_ms(standin)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
