"""A tiny kintone client over urllib, a settable clock and a webhook receiver for the tests."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

# Loopback only: never through a proxy the environment may name.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None

    @property
    def errors(self) -> dict[str, list[str]]:
        raw = self.body.get("errors") or {} if isinstance(self.body, dict) else {}
        return {key: value["messages"] for key, value in raw.items()}


def token_headers(*tokens: str) -> dict[str, str]:
    return {"X-Cybozu-API-Token": ",".join(tokens)}


def password_headers(login: str, password: str) -> dict[str, str]:
    return {"X-Cybozu-Authorization": base64.b64encode(f"{login}:{password}".encode()).decode()}


def request(
    url: str,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> Reply:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = dict(headers or {})
    if body is not None:
        all_headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with OPENER.open(req, timeout=10) as response:
            return _reply(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as exc:
        return _reply(exc.code, exc.read(), dict(exc.headers))


def _reply(status: int, data: bytes, headers: dict[str, str]) -> Reply:
    kind = headers.get("Content-Type", "")
    body: Any = json.loads(data) if kind.startswith("application/json") else data
    return Reply(status, body, headers)


class Client:
    """Calls kintone APIs by name: client.get("record", app=2, id=1)."""

    def __init__(self, base_url: str, headers: dict[str, str], guest: str | None = None) -> None:
        self.base_url = base_url
        self.headers = headers
        self.guest = guest

    def path(self, api: str) -> str:
        space = f"/guest/{self.guest}" if self.guest else ""
        return f"/k{space}/v1/{api}.json"

    def url(self, api: str, query: dict[str, Any] | None = None) -> str:
        qs = f"?{urlencode(query, doseq=False)}" if query else ""
        return f"{self.base_url}{self.path(api)}{qs}"

    def get(self, api: str, **query: Any) -> Reply:
        return request(self.url(api, _flatten(query)), "GET", headers=self.headers)

    def send(
        self, method: str, api: str, body: Any, headers: dict[str, str] | None = None
    ) -> Reply:
        return request(self.url(api), method, body, {**self.headers, **(headers or {})})

    def post(self, api: str, body: Any) -> Reply:
        return self.send("POST", api, body)

    def put(self, api: str, body: Any) -> Reply:
        return self.send("PUT", api, body)

    def delete(self, api: str, body: Any) -> Reply:
        return self.send("DELETE", api, body)


def _flatten(query: dict[str, Any]) -> dict[str, Any]:
    """Lists become kintone's indexed keys: ids=[1, 2] → ids[0]=1&ids[1]=2."""
    out: dict[str, Any] = {}
    for key, value in query.items():
        if isinstance(value, list):
            out.update({f"{key}[{i}]": item for i, item in enumerate(value)})
        else:
            out[key] = value
    return out


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 5, 1, 9, 30, 15, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    """An HTTP server standing in for a flow's callback URL; records what it is sent."""

    server: ThreadingHTTPServer
    calls: list[Received] = field(default_factory=list)
    status: int = 200

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


def start_receiver() -> tuple[Receiver, threading.Thread]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length))
            receiver = holder["receiver"]
            receiver.calls.append(Received(self.path, dict(self.headers), payload))
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["receiver"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    return holder["receiver"], thread
