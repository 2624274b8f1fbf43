"""`serve`: operations at their swagger paths on 127.0.0.1, as a connection's endpoint answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from generator.devtools.gateway import GatewayServer
from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.standin import StandIn, tls
from tests.conftest import GOLDEN
from tests.runtime.test_compiled_script_end_to_end import require_toolchain
from tests.runtime.test_end_to_end import DEAL, TOKENS


def fetch(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def test_add_a_record_and_read_it_back(gateway: GatewayServer) -> None:
    status, _, body = fetch("POST", f"{gateway.url}/k/v1/record.json", {"app": "2", "record": DEAL})
    assert status == 200, body
    record_id = json.loads(body)["id"]
    status, _, body = fetch("GET", f"{gateway.url}/k/v1/record.json?app=2&id={record_id}")
    assert status == 200, body
    assert json.loads(body)["record"]["Title"]["value"] == DEAL["Title"]["value"]


def test_a_dynamic_schema_operation_is_reachable_like_any_other(gateway: GatewayServer) -> None:
    url = f"{gateway.url}/k/v1/connector/record-schema.json?app=2&mode=add"
    status, _, body = fetch("GET", url)
    assert status == 200, body
    assert "Title" in json.loads(body)["schema"]["properties"]


def test_kintone_errors_and_headers_pass_through_unchanged(gateway: GatewayServer) -> None:
    status, headers, body = fetch("GET", f"{gateway.url}/k/v1/record.json?app=2&id=999999")
    assert status == 404
    assert json.loads(body)["code"] == "GAIA_RE01"
    assert headers["Content-Type"].startswith("application/json")


class _Echo(BaseHTTPRequestHandler):
    """A backend that answers a POST with what it received and a session header of its own."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Mcp-Session-Id", "from-backend")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def echo(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS backend on 127.0.0.1 with its own CA: (domain, CA file)."""
    certificates = tls.make_certificates()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.socket = tls.server_context(certificates).wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            f"127.0.0.1:{server.server_address[1]}",
            tls.write_ca(certificates, tmp_path / "ca.pem"),
        )
    finally:
        server.shutdown()
        server.server_close()


def test_a_json_post_and_its_answer_pass_through_unchanged(
    package: ConnectorPackage, echo: tuple[str, Path]
) -> None:
    """What an MCP client needs: body bytes, Accept and session headers both ways, untouched."""
    require_toolchain()
    domain, ca_file = echo
    raw = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"x":"\\u00e9  spaced"}}'
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "Mcp-Session-Id": "session-1",
        "MCP-Protocol-Version": "2025-06-18",
    }
    with CompiledScriptEngine.open(GOLDEN, ca_file=ca_file) as engine:
        runtime = ConnectorRuntime(package, {"domain": domain, "api_key": "t"}, script=engine)
        with GatewayServer(runtime, port=0, log=lambda line: None) as server:
            request = urllib.request.Request(
                f"{server.url}/k/v1/record.json", data=raw, method="POST", headers=headers
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                assert answer.status == 200
                assert answer.read() == raw
                assert answer.headers["Mcp-Session-Id"] == "from-backend"
                assert answer.headers["Content-Type"] == "application/json"
    seen, seen_body = _Echo.seen[-1]
    seen_headers = {name.lower(): value for name, value in seen.items()}  # names are caseless
    assert seen_body == raw
    for name, value in headers.items():
        assert seen_headers.get(name.lower()) == value, name
    assert seen_headers.get("x-cybozu-api-token") == "t"  # the connection's policy applied


def test_an_unknown_path_or_method_is_the_gateways_404(gateway: GatewayServer) -> None:
    status, _, body = fetch("GET", f"{gateway.url}/k/v1/nothing.json")
    assert status == 404 and json.loads(body)["statusCode"] == 404
    status, _, _ = fetch("PATCH", f"{gateway.url}/k/v1/record.json", {})
    assert status == 404


def test_the_101st_call_in_a_minute_is_throttled(gateway: GatewayServer) -> None:
    for _ in range(100):
        status, _, _ = fetch("GET", f"{gateway.url}/k/v1/app.json?id=2")
        assert status == 200
    status, headers, body = fetch("GET", f"{gateway.url}/k/v1/app.json?id=2")
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert json.loads(body)["statusCode"] == 429


def test_serve_command_prints_its_address_and_curl_adds_and_reads(
    kintone: StandIn, tmp_path: Path
) -> None:
    require_toolchain()
    command = [sys.executable, "-m", "generator", "serve", "--port", "0", "--package", str(GOLDEN)]
    command += ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    command += ["--api-token", TOKENS]
    env = {**os.environ, "KINTONE_CONNECTOR_STATE_DIR": str(tmp_path)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), (
                process.stderr.read() if process.stderr else ""
            )
            body = json.dumps({"app": "2", "record": DEAL})
            added = _curl(
                "-X",
                "POST",
                "-H",
                "Content-Type: application/json",
                "-d",
                body,
                f"{url}/k/v1/record.json",
            )
            read = _curl(f"{url}/k/v1/record.json?app=2&id={added['id']}")
            assert read["record"]["Title"]["value"] == DEAL["Title"]["value"]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0


def _curl(*args: str) -> Any:
    done = subprocess.run(
        ["curl", "-sS", "--fail-with-body", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)
