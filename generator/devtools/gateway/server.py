"""An HTTP server on 127.0.0.1 that answers at every operation's path, as an endpoint does."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from generator.devtools.gateway.callbacks import CALLBACK_PREFIX, Callbacks
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.requests import HOP_BY_HOP, designer_defaults
from generator.devtools.runtime.routing import match_operation
from generator.devtools.runtime.runtime import CallResult, ConnectorRuntime
from generator.errors import ConnectorError

MAX_BODY = 100 * 1024 * 1024  # the platform's request size limit for connectors (100 MB)
Log = Callable[[str], None]


class GatewayServer:
    """The connection's endpoint: a request at an operation's path runs it through ``runtime``.

    The runtime's base URL becomes this server's address, so trigger Locations the custom code
    builds from Context.OriginalRequestUri point back here, as they point at the connection's
    endpoint on the platform. Webhook subscriptions without a notification URL get one of this
    server's callbacks (``/_serve/callbacks/…``), which print what kintone posts.
    """

    def __init__(
        self,
        runtime: ConnectorRuntime,
        port: int = 0,
        log: Log | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.runtime = runtime
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        runtime.base_url = self.url
        self.callbacks = Callbacks(runtime, self.url, self._log, out)

    @property
    def url(self) -> str:
        """The server's address, e.g. http://127.0.0.1:8090 (no trailing slash)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> GatewayServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, request: HttpRequest) -> HttpResponse:
        """The endpoint's answer to one request (a callback, an operation, or 404)."""
        path = request.url[len(self.url) :]
        if path.startswith(CALLBACK_PREFIX):
            return self.callbacks.answer(request, path)
        found = match_operation(self.runtime.package, self.runtime.operations_url, request)
        if found is not None:
            request = designer_defaults(self.runtime.package, found[0], request)
            request = self.callbacks.fill_notification_url(request)
        try:
            result = self.runtime.handle(request)
        except ConnectorError as exc:
            self._log(f"{request.method} {path}: {exc}")
            return _platform_error(502, str(exc))
        if result is None:
            return _platform_error(
                404, f"no operation answers {request.method} {path.split('?')[0]}"
            )
        self._report(request, path, result)
        return result.response

    def _report(self, request: HttpRequest, path: str, result: CallResult) -> None:
        where = path.split("?")[0]
        self._log(f"{request.method} {where} {result.operation_id} → {result.response.status}")
        for finding in result.findings:
            self._log(finding.render())

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                body = _read_body(self)
                if body is None:
                    self._write(_platform_error(413, "the request body is too large"))
                    return
                headers = tuple((k, v) for k, v in self.headers.items())
                request = HttpRequest(self.command, server.url + self.path, headers, body)
                try:
                    response = server.answer(request)
                except Exception as exc:  # a bug in the tool must not kill the connection
                    server._log(f"internal error: {type(exc).__name__}: {exc}")
                    response = _platform_error(500, f"internal error: {type(exc).__name__}")
                self._write(response)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def _write(self, response: HttpResponse) -> None:
                # The backend's own Date and Server go through; ours only where it gave none.
                self.send_response_only(response.status)
                names = {name.lower() for name, _ in response.headers}
                if "date" not in names:
                    self.send_header("Date", self.date_time_string())
                if "server" not in names:
                    self.send_header("Server", self.version_string())
                for name, value in response.headers:
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            def log_message(self, format: str, *args: object) -> None:
                return  # each call is logged once, with its operation, by GatewayServer

        return Handler


def _read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    """The request body (Content-Length or chunked); None when it exceeds MAX_BODY."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        return _read_chunked(handler)
    length = int(handler.headers.get("Content-Length") or 0)
    if length > MAX_BODY:
        return None
    return handler.rfile.read(length) if length > 0 else b""


def _read_chunked(handler: BaseHTTPRequestHandler) -> bytes | None:
    chunks: list[bytes] = []
    total = 0
    while True:
        size = int(handler.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while handler.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        total += size
        if total > MAX_BODY:
            return None
        chunks.append(handler.rfile.read(size))
        handler.rfile.readline(1024)


def _platform_error(status: int, message: str) -> HttpResponse:
    """The gateway's own error answer: {"statusCode", "message"}, as the platform's 429 has."""
    body = json.dumps({"statusCode": status, "message": message}, ensure_ascii=False)
    return HttpResponse(status, (("Content-Type", "application/json"),), body.encode("utf-8"))


def describe(server: GatewayServer) -> list[str]:
    """What a user needs: the address and where the operations are."""
    runtime = server.runtime
    lines = [f"serving {server.url}", f"kintone domain: {runtime.connection.get('domain')}"]
    for spec in sorted(runtime.package.operations.values(), key=lambda s: (s.path, s.method)):
        lines.append(f"  {spec.method.upper():6} {runtime.operations_url}{spec.path}  {spec.id}")
    lines.append(f"webhook callbacks: {server.url}{CALLBACK_PREFIX}<name>  (GET lists them)")
    return lines
