"""`kintone-connector serve` itself is an MCP server both official SDK clients can use."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.mcp_clients.test_typescript_sdk import _run
from tests.support.toolchain import toolchain_or_skip as require_toolchain


async def _python_client(url: str) -> tuple[int, Any]:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        tools = (await s.list_tools()).tools
        result = await s.call_tool("kintone-get-records", {"app": 3, "fields": ["Title"]})
        return len(tools), json.loads(result.content[0].text)  # type: ignore[union-attr]


def test_both_sdks_through_the_serve_command(kintone: StandIn, tmp_path: Path) -> None:
    require_toolchain()
    command = [sys.executable, "-m", "generator", "serve", "--port", "0", "--package", str(GOLDEN)]
    command += ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    command += ["--api-token", "invoices-full"]
    env = {**os.environ, "KINTONE_CONNECTOR_STATE_DIR": str(tmp_path)}
    spec = ConnectorPackage.load(GOLDEN).operation("InvokeMCP")
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base = process.stdout.readline().strip()
            assert base.startswith("http://127.0.0.1:")
            url = base + spec.path
            count, answer = anyio.run(_python_client, url)
            assert count >= 34
            assert answer == {"records": [{"Title": "Website renewal (deposit)"}]}
            out = _run({"token": url}, tmp_path, [["read", "kintone-get-app", {"id": 3}]])
            assert json.loads(out["errors"]["read"]["text"])["name"] == "Invoices"
            assert len(out["tools"]) == count
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
