"""Benchmark (not a test): tools/call time per MCP tool, compiled script.csx against the stand-in.

Usage: .venv/bin/python tests/benchmarks/bench_mcp.py [--repeat N]

Each repetition walks the plan of tests/mcp_clients/plan.py (every tool at least once) on a
fresh stand-in through the connector runtime, as `serve` runs InvokeMCP: "script" is what the C#
host measures around ExecuteAsync, which includes the tool's kintone calls to the local stand-in
over HTTPS (the part the platform's 5-second limit counts); "call" adds the runtime around it.
The first walk (JIT compilation) is left out, and each walk starts with one untimed call (the
new mono process's first TLS handshake); --repeat counts the timed walks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.devtools.csharp import PLATFORM_LIMIT_MS  # noqa: E402
from generator.devtools.runtime.connector import ConnectorPackage  # noqa: E402
from generator.devtools.runtime.runtime import ConnectorRuntime  # noqa: E402
from generator.devtools.runtime.script import CompiledScriptEngine  # noqa: E402
from generator.devtools.runtime.transport import trusting_transport  # noqa: E402
from generator.devtools.standin import StandIn  # noqa: E402
from tests.mcp_clients.plan import CONNECTIONS, PLAN, resolve  # noqa: E402

Times = dict[str, list[float]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connector", type=Path, default=ROOT / "connector")
    parser.add_argument("--repeat", type=int, default=9, help="warm walks over every tool")
    args = parser.parse_args()
    package = ConnectorPackage.load(args.connector)
    script: Times = defaultdict(list)
    call: Times = defaultdict(list)
    for index in range(args.repeat + 1):
        walk(
            package,
            args.connector,
            script if index else defaultdict(list),
            call if index else defaultdict(list),
        )
    print_table(script, call, args.repeat)
    return 0


def walk(package: ConnectorPackage, folder: Path, script: Times, call: Times) -> None:
    """One walk of the plan on a fresh stand-in; times per tool in ms."""
    with (
        StandIn(https=True) as kintone,
        CompiledScriptEngine.open(folder, kintone.ca_file) as engine,
    ):
        runtimes = {
            name: ConnectorRuntime(
                package,
                {"domain": kintone.domain, **values},
                script=engine,
                transport=trusting_transport(kintone.ca_file),
            )
            for name, values in CONNECTIONS.items()
        }
        # Warm-up, not timed: the new mono process's JIT and its first TLS handshake.
        warm = {"name": "kintone-get-app", "arguments": {"id": 3}}
        runtimes["token"].call("InvokeMCP", body=_message(-1, warm))
        answers: dict[str, Any] = {}
        for number, step in enumerate(PLAN):
            arguments = resolve(step["arguments"], answers)
            message = _message(number, {"name": step["tool"], "arguments": arguments})
            started = time.perf_counter()
            result = runtimes[step["connection"]].call("InvokeMCP", body=message)
            call[step["tool"]].append((time.perf_counter() - started) * 1000)
            script[step["tool"]].append(result.response.elapsed_ms)
            answer = result.body["result"]
            if answer["isError"]:
                raise SystemExit(f"{step['id']} failed: {answer['content'][0]['text']}")
            answers[step["id"]] = json.loads(answer["content"][0]["text"])


def _message(number: int, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": number, "method": "tools/call", "params": params}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(script: Times, call: Times, repeat: int) -> None:
    print("| Tool | Calls | Script p50 (ms) | Script p95 (ms) | Call p50 (ms) | Call p95 (ms) |")
    print("|---|---|---|---|---|---|")
    worst = 0.0
    for tool in sorted(script):
        s, c = script[tool], call[tool]
        worst = max(worst, p95(s))
        print(
            f"| {tool} | {len(s)} | {statistics.median(s):.1f} | {p95(s):.1f} "
            f"| {statistics.median(c):.1f} | {p95(c):.1f} |"
        )
    share = worst / PLATFORM_LIMIT_MS
    slowest = f"the slowest tool's script p95 is {worst:.0f} ms, {share:.1%} of 5 s"
    print(f"\n{repeat} warm walks; {slowest}")


if __name__ == "__main__":
    raise SystemExit(main())
