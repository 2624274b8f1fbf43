"""The kintone stand-in: a threaded HTTP server on 127.0.0.1 in front of the in-memory domain."""

from __future__ import annotations

import json
import ssl
import sys
import threading
import traceback
from collections.abc import Mapping
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from generator.devtools.standin import errors, framing, routes, support, tls
from generator.devtools.standin.auth import authenticate
from generator.devtools.standin.domain import create_store
from generator.devtools.standin.errors import BasicAuthRequired, KintoneError
from generator.devtools.standin.faults import Fault, Faults, Hold, Holds
from generator.devtools.standin.records import delete_as_user
from generator.devtools.standin.request import Request, Response
from generator.devtools.standin.seed import Seed
from generator.devtools.standin.store import Clock, Store
from generator.devtools.standin.webhooks import Dispatcher

HOLD_TIMEOUT = 30.0
# Seconds a connection may stay silent (idle keep-alive, or mid-request) before it is closed.
SOCKET_TIMEOUT = 30.0

# kintone answers "Request URI Too Large" when the request URI exceeds 8 KB; clients send such
# reads as POST + X-HTTP-Method-Override (kintone.dev, "Kintone REST API Overview", request
# headers). The front end refuses before any API runs, so the code is the stand-in's own.
MAX_REQUEST_URI = 8 * 1024
URI_TOO_LARGE = (
    "Request URI Too Large: the request URI exceeds 8 KB; "
    "send it as POST with X-HTTP-Method-Override."
)


class _Gate:
    """Counts requests in flight; refuses the ones beyond the domain's concurrency limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._running = 0

    def enter(self) -> int | None:
        with self._lock:
            if self._running >= self.limit:
                return None
            self._running += 1
            return self._running

    def leave(self) -> None:
        with self._lock:
            self._running -= 1


class StandIn:
    """A kintone domain on 127.0.0.1, in memory, seeded from a fixture; start and stop freely.

    Example: `with StandIn(seed) as kintone: urlopen(kintone.url + "/k/v1/record.json?...")`.
    """

    def __init__(
        self,
        seed: Seed | Path | str | Mapping[str, Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        https: bool = False,
        cert_file: Path | str | None = None,
        socket_timeout: float = SOCKET_TIMEOUT,
    ) -> None:
        self.store: Store = create_store(seed, clock)
        self.seed = self.store.seed
        self.faults = Faults()
        self.holds = Holds()
        self._host, self._port = host, port
        self._gate = _Gate(self.seed.concurrency_limit)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._dispatcher = Dispatcher(self.store.outbox)
        self.https = https
        self.socket_timeout = socket_timeout
        self._cert_file = Path(cert_file) if cert_file is not None else None
        self.ca_file: Path | None = None
        """The PEM file of the CA that signed the server certificate (with https, once started)."""
        self._temporary_ca = False

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> StandIn:
        if self._server is not None:
            return self
        context = self._tls_context() if self.https else None
        self._server = _Server((self._host, self._port), self, context)
        self.store.base_url = self.url
        self._dispatcher.start()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="standin-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: held calls are released, the socket closed, threads joined."""
        if self._server is None:
            return
        self.holds.release_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._dispatcher.stop()
        if self._temporary_ca and self.ca_file is not None:
            self.ca_file.unlink(missing_ok=True)
        self._server = None
        self._thread = None

    def _tls_context(self) -> ssl.SSLContext:
        """A new certificate for every start, its CA written where clients can read it."""
        certificates = tls.make_certificates()
        self.ca_file = tls.write_ca(certificates, self._cert_file)
        self._temporary_ca = self._cert_file is None
        return tls.server_context(certificates)

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this stand-in's certificate (and the system's CAs)."""
        return tls.client_context(self.ca_file)

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def domain(self) -> str:
        """What a user types as the kintone domain: host:port."""
        if self._server is None:
            raise RuntimeError("the stand-in is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{'https' if self.https else 'http'}://{self.domain}"

    # ---- test support -----------------------------------------------------------------------

    def fail_next(
        self,
        method: str = "POST",
        path: str = "/k/v1/record.json",
        count: int = 1,
        status: int = 500,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next `count` calls of `method path` with `status` and `body`.

        `body` is a JSON object, a text, or None for a kintone-shaped error body.
        """
        self.faults.add(Fault(method.upper(), path, count, status, body, dict(headers or {})))

    def hold_next(self, method: str, path: str) -> Hold:
        """Keep the next matching call waiting until `release()`; `arrived` is set on entry."""
        return self.holds.add(method, path)

    def delete_record_as_user(self, app: str, record_id: str, user: str) -> None:
        """Delete as a user in kintone's UI would: the only deletion that fires DELETE_RECORD."""
        with self.store.lock:
            delete_as_user(self.store, str(app), str(record_id), user)

    def wait_for_deliveries(self, timeout: float = 5.0) -> None:
        """Block until every queued webhook delivery has been sent; TimeoutError otherwise."""
        if not self.store.outbox.wait(timeout):
            raise TimeoutError(f"webhook deliveries still pending after {timeout} s")

    # ---- requests -------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Message, body: bytes) -> Response:
        """Answer one kintone API call, as kintone would, with the concurrency headers."""
        if len(target.encode("utf-8")) > MAX_REQUEST_URI:
            return self.error_response(framing.too_large(URI_TOO_LARGE, 414))
        path, _, query = target.partition("?")
        method = routes.effective_method(method, headers.get("X-HTTP-Method-Override"))
        running = self._gate.enter()
        if running is None:
            limit = self._gate.limit
            return self.error_response(errors.too_many_requests(limit, limit + 1))
        try:
            response = self._call(method, path, query, headers, body)
        finally:
            self._gate.leave()
        response.headers.setdefault("X-ConcurrencyLimit-Limit", str(self._gate.limit))
        response.headers.setdefault("X-ConcurrencyLimit-Running", str(running))
        return response

    def _call(self, method: str, path: str, query: str, headers: Message, body: bytes) -> Response:
        hold = self.holds.take(method, path)
        if hold is not None:
            hold.arrived.set()
            hold.wait_released(HOLD_TIMEOUT)
        fault = self.faults.take(method, path)
        if fault is not None:
            return self._fault_response(fault)
        try:
            return self._run(method, path, query, headers, body)
        except KintoneError as exc:
            return self.error_response(exc)
        except BasicAuthRequired as exc:
            page = b"<html><body><h1>401 Authorization Required</h1></body></html>"
            return Response(401, page, "text/html; charset=utf-8", dict(exc.headers))
        except Exception:  # a stand-in bug: report it as a 500 with the traceback on stderr
            traceback.print_exc(file=sys.stderr)
            return self.error_response(
                KintoneError(500, "STANDIN_IE01", "Internal error in the stand-in.")
            )

    def _run(self, method: str, path: str, query: str, headers: Message, body: bytes) -> Response:
        handler, api, space = routes.resolve(method, path)
        principal = authenticate(self.store, headers)
        params = routes.read_params(query, body, headers.get("Content-Type", ""))
        req = Request(method, path, api, space, params, headers, body, principal, self.url)
        with self.store.lock:
            result = handler(self.store, req)
        return result if isinstance(result, Response) else Response(body=result)

    def error_response(self, exc: KintoneError) -> Response:
        """kintone's error body for ``exc``, with a fresh error id."""
        with self.store.lock:
            error_id = self.store.error_id()
        return Response(exc.status, exc.body(error_id), headers=dict(exc.headers))

    def _fault_response(self, fault: Fault) -> Response:
        if isinstance(fault.body, str):
            kind = "text/html" if fault.body.lstrip().startswith("<") else "text/plain"
            return Response(
                fault.status, fault.body.encode(), f"{kind}; charset=utf-8", dict(fault.headers)
            )
        body = fault.body
        if body is None:
            with self.store.lock:
                body = {
                    "code": "STANDIN_FAULT",
                    "id": self.store.error_id(),
                    "message": f"Injected fault: HTTP {fault.status}.",
                }
        return Response(fault.status, dict(body), headers=dict(fault.headers))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Many clients connect at once in load tests; the default of 5 drops their SYNs.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], standin: StandIn, context: ssl.SSLContext | None
    ) -> None:
        self.standin = standin
        super().__init__(address, _Handler)
        if context is not None:
            # The handshake runs on the connection's own thread (its first read), so a slow
            # or silent client cannot stall accept() for everyone else.
            self.socket = context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up, times out or fails the TLS handshake is not a stand-in bug."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kintone-standin"
    server: _Server
    # Buffered output flushed once per request, and no Nagle: headers and body leave together,
    # so a keep-alive client never waits ~40 ms for a delayed ACK between two small writes.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        # A socket timeout: a client that stops mid-request cannot hold its thread forever.
        self.connection.settimeout(self.server.standin.socket_timeout)

    def _serve(self) -> None:
        try:
            body = framing.read_body(self.headers, self.rfile)
        except KintoneError as exc:
            self.close_connection = True  # the framing is lost; nothing after it can be read
            self._send(self.server.standin.error_response(exc))
            return
        except TimeoutError:
            self.close_connection = True
            late = KintoneError(408, framing.TIMED_OUT, "The request body did not arrive in time.")
            self._send(self.server.standin.error_response(late))
            return
        standin = self.server.standin
        if self.path.startswith(support.PREFIX):
            response = support.handle(standin, self.command, self.path, body)
        else:
            response = standin.handle(self.command, self.path, self.headers, body)
        self._send(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def _refuse_method(self) -> None:
        self.close_connection = True  # a body, if any, is not read
        exc = errors.method_not_allowed(self.command, self.path.partition("?")[0])
        self._send(self.server.standin.error_response(exc))

    do_HEAD = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    def handle_expect_100(self) -> bool:
        """Send "100 Continue" at once: the buffered output would otherwise hold it back."""
        super().handle_expect_100()
        self.wfile.flush()
        return True

    def parse_request(self) -> bool:
        """http.server's parsing, without HTTP/0.9 (its answers would have no status line)."""
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 is not supported.")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (request line, headers, methods) in kintone's JSON shape."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # so the status line and headers are written
        if code == 501:  # an unknown method
            exc = errors.method_not_allowed(str(self.command), self.path.partition("?")[0])
        elif code in (413, 414, 431):
            exc = framing.too_large(message or "The request is too large.", code)
        else:
            exc = KintoneError(code, framing.BAD_FRAMING, message or "Bad request.")
        self._send(self.server.standin.error_response(exc))

    def _send(self, response: Response) -> None:
        if isinstance(response.body, bytes):
            data = response.body
        else:
            data = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the CLI print what matters themselves."""
