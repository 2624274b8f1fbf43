"""A minimal HTTP front for the connector runtime: POST /<path> runs InvokeMCP (until `serve`).

Each adapter is one connection (like one Power Platform connection): the MCP clients speak
Streamable HTTP to it, it hands each POST body to the runtime, which runs the compiled
script.csx against the stand-in, and answers with the script's status, type and body.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from generator.devtools.runtime.connector import ConnectorPackage
from generator.devtools.runtime.requests import build_request
from generator.devtools.runtime.runtime import ConnectorRuntime
from generator.devtools.runtime.script import CompiledScriptEngine
from generator.devtools.runtime.throttle import Limit
from generator.devtools.runtime.transport import trusting_transport
from generator.devtools.standin import StandIn

OPERATION = "InvokeMCP"


class McpAdapter:
    """One connection's MCP endpoint on 127.0.0.1; ``url`` is what an MCP client connects to."""

    def __init__(
        self,
        package: ConnectorPackage,
        engine: CompiledScriptEngine,
        kintone: StandIn,
        connection: Mapping[str, str],
    ) -> None:
        self.package = package
        self.engine = engine
        self.runtime = ConnectorRuntime(
            package,
            {"domain": kintone.domain, **connection},
            script=engine,
            limits=(Limit(100, 60),),
            transport=trusting_transport(kintone.ca_file),
        )
        self.connection = {"domain": kintone.domain, **connection}
        self.path = package.operation(OPERATION).path
        self.lock = threading.Lock()  # one mono host answers one call at a time
        self.elapsed_ms: list[float] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def __enter__(self) -> McpAdapter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def answer(self, raw: bytes) -> tuple[int, str, bytes]:
        """The script's answer to one POST body: status, Content-Type, body."""
        with self.lock:
            try:
                body: Any = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                response = self._raw(raw)
            else:
                response = self.runtime.call(OPERATION, body=body).response
        self.elapsed_ms.append(response.elapsed_ms)
        return response.status, response.header("Content-Type") or "", response.body

    def _raw(self, raw: bytes) -> Any:
        """A body that is not JSON goes to the script as it is (the runtime would re-encode it)."""
        spec = self.package.operation(OPERATION)
        request = build_request(self.package, spec, self.connection, {}, {})
        return self.engine.execute(OPERATION, replace(request, body=raw), self.runtime.transport)


def _handler(adapter: McpAdapter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            if self.path.split("?")[0] != adapter.path:
                self._send(404, "application/json", b'{"message": "not found"}')
                return
            length = int(self.headers.get("Content-Length") or 0)
            self._send(*adapter.answer(self.rfile.read(length)))

        def do_GET(self) -> None:
            # The swagger declares only POST: the platform answers anything else itself.
            self._send(405, "application/json", b'{"message": "Method Not Allowed"}')

        do_DELETE = do_GET

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
