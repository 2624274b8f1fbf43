"""Run a compiled script.csx for one request in the C# host (mono), live or on canned answers."""

from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from generator.devtools.runtime.messages import HttpRequest, HttpResponse
from generator.errors import ConnectorError

PLATFORM_LIMIT_MS = 5000  # the platform stops custom code after 5 s (power-platform.md §3.6)
CA_VARIABLE = "KINTONE_CONNECTOR_CA_FILE"  # read by Host.cs (ExtraTrust)
HOST_GRACE_S = 30.0  # on top of the script's limit: mono start-up and JIT on a slow machine
Headers = tuple[tuple[str, str], ...]


class ScriptError(ConnectorError):
    """Raised when the script threw, returned null or timed out, or its host process failed."""

    def __init__(self, message: str, run: ScriptRun | None = None) -> None:
        self.run = run
        super().__init__(message)


class ScriptTimeout(ScriptError):
    """Raised when ExecuteAsync did not finish within the time limit."""


@dataclass(frozen=True)
class ScriptRun:
    """One execution: the script's response (None if it failed) and what it sent upstream."""

    operation_id: str
    response: HttpResponse | None
    sent: tuple[HttpRequest, ...] = ()
    logs: tuple[str, ...] = ()
    error_type: str | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    error_detail: str | None = None  # the .NET exception with its stack trace

    def raise_for_error(self) -> HttpResponse:
        """The response; ScriptTimeout or ScriptError when the script did not give one."""
        if self.response is not None:
            return self.response
        message = f"{self.operation_id}: the script failed: {self.error_type}: {self.error}"
        if self.error_type == "timeout":
            raise ScriptTimeout(message, self)
        raise ScriptError(message, self)


@dataclass(frozen=True)
class CompiledScript:
    """A compiled script.csx, ready to run in the host (``timeout_ms``: 0 means no limit)."""

    mono: Path
    host: Path
    assembly: Path
    timeout_ms: int = PLATFORM_LIMIT_MS
    ca_file: Path | None = None  # a CA (PEM) SendAsync trusts besides the system's

    def trusting(self, ca_file: Path | None) -> CompiledScript:
        """The same script, its SendAsync also trusting the CA certificate in ``ca_file``."""
        return replace(self, ca_file=ca_file)

    def with_timeout(self, timeout_ms: int) -> CompiledScript:
        """The same script with another time limit per execution."""
        return replace(self, timeout_ms=timeout_ms)

    def execute(self, operation_id: str, request: HttpRequest) -> HttpResponse:
        """Run the script for one request; Context.SendAsync really sends over HTTP.

        The response's elapsed_ms is the script's own run time (ExecuteAsync, upstream calls
        included). Raises ScriptError (ScriptTimeout) when the script gives no response.
        """
        return self.run(operation_id, request).raise_for_error()

    def run(
        self,
        operation_id: str,
        request: HttpRequest,
        canned: Sequence[HttpResponse] | None = None,
    ) -> ScriptRun:
        """Run once in a fresh host process; with canned, SendAsync answers from it in order."""
        # A session, not subprocess.run: the answer counts, however long mono takes to exit.
        with self.session() as session:
            return session.run(operation_id, request, canned)

    def session(self) -> ScriptSession:
        """A persistent host process for many runs (vectors, benchmarks); use it as a context."""
        return ScriptSession(self)

    def command(self) -> list[str]:
        """The command line that starts the host for this script."""
        return [str(self.mono), str(self.host), str(self.assembly)]

    def answer_deadline_s(self) -> float | None:
        """How long to wait for the host's answer: the script's limit plus start-up grace."""
        return self.timeout_ms / 1000 + HOST_GRACE_S if self.timeout_ms > 0 else None


class ScriptSession:
    """One host process answering run after run; restarted after a timeout or a crash.

    Runs are serialised with a lock. Static state of the script lives as long as the process,
    as it would in a platform worker that keeps the compiled script loaded.
    """

    def __init__(self, script: CompiledScript) -> None:
        self.script = script
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._answers: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=50)

    def __enter__(self) -> ScriptSession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def execute(
        self, operation_id: str, request: HttpRequest, original_url: str | None = None
    ) -> HttpResponse:
        """Like CompiledScript.execute, in this session's process."""
        return self.run(operation_id, request, original_url=original_url).raise_for_error()

    def run(
        self,
        operation_id: str,
        request: HttpRequest,
        canned: Sequence[HttpResponse] | None = None,
        original_url: str | None = None,
    ) -> ScriptRun:
        """Like CompiledScript.run, in this session's process.

        ``original_url`` becomes Context.OriginalRequestUri (the request's URL when None).
        """
        line = encode_request(operation_id, request, canned, self.script.timeout_ms, original_url)
        with self._lock:
            answer = self._exchange(operation_id, line)
            result = decode_result(operation_id, answer)
            if result.error_type == "timeout":
                self._stop()  # the host exits after a timeout; start afresh next time
            return result

    def close(self) -> None:
        """End the host process (it exits when its input closes)."""
        with self._lock:
            self._stop()

    def _exchange(self, operation_id: str, line: bytes) -> bytes:
        process = self._start()
        try:
            assert process.stdin is not None
            process.stdin.write(line)
            process.stdin.flush()
            answer = self._answers.get(timeout=self.script.answer_deadline_s())
        except (BrokenPipeError, OSError):
            answer = None
        except queue.Empty:
            self._stop()
            raise ScriptTimeout(f"{operation_id}: the script host did not answer") from None
        if answer is None:
            self._stop()
            raise ScriptError(_host_failed(process.returncode, "\n".join(self._stderr)))
        return answer

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._answers = queue.Queue()
        self._stderr.clear()
        env = None
        if self.script.ca_file is not None:
            env = {**os.environ, CA_VARIABLE: str(self.script.ca_file)}
        process = subprocess.Popen(
            self.script.command(),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        # Readers on threads: a queue gives a timeout, and a full stderr pipe cannot block mono.
        _daemon(_pump_lines, process.stdout, self._answers)
        _daemon(_keep_tail, process.stderr, self._stderr)
        self._process = process
        return process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def encode_request(
    operation_id: str,
    request: HttpRequest,
    canned: Sequence[HttpResponse] | None,
    timeout_ms: int,
    original_url: str | None = None,
) -> bytes:
    """One protocol line for the host (see Host.cs)."""
    payload = {
        "operationId": operation_id,
        "method": request.method,
        "url": request.url,
        "originalUrl": original_url,
        "headers": [list(pair) for pair in request.headers],
        "body": _b64(request.body),
        "canned": None if canned is None else [_encode_response(r) for r in canned],
        "timeoutMs": timeout_ms,
    }
    return json.dumps(payload).encode("ascii") + b"\n"


def decode_result(operation_id: str, line: bytes) -> ScriptRun:
    """The ScriptRun for one protocol line from the host."""
    try:
        data: dict[str, Any] = json.loads(line)
        sent = tuple(_decode_request(item) for item in data["sent"])
        logs = tuple(str(item) for item in data["logs"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ScriptError(f"{operation_id}: unreadable answer from the script host: {exc}") from exc
    elapsed = float(data.get("elapsedMs") or 0.0)
    error = data.get("error")
    if error or "status" not in data:
        error = error or {"type": "protocol", "message": "no status in the host's answer"}
        kind, message = str(error.get("type")), str(error.get("message"))
        detail = error.get("detail")
        detail = None if detail is None else str(detail)
        return ScriptRun(operation_id, None, sent, logs, kind, message, elapsed, detail)
    response = HttpResponse(
        int(data["status"]), _pairs(data["headers"]), _unb64(data["body"]), elapsed
    )
    return ScriptRun(operation_id, response, sent, logs, elapsed_ms=elapsed)


def _encode_response(response: HttpResponse) -> dict[str, Any]:
    headers = [list(pair) for pair in response.headers]
    return {"status": response.status, "headers": headers, "body": _b64(response.body)}


def _decode_request(item: dict[str, Any]) -> HttpRequest:
    return HttpRequest(
        str(item["method"]), str(item["url"]), _pairs(item["headers"]), _unb64(item["body"])
    )


def _pairs(items: Iterable[Sequence[str]]) -> Headers:
    return tuple((str(name), str(value)) for name, value in items)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str | None) -> bytes:
    return base64.b64decode(text or "")


def _host_failed(code: int | None, stderr: str) -> str:
    tail = "\n".join(stderr.strip().splitlines()[-20:])
    return f"the script host exited with code {code} without an answer:\n{tail}"


def _daemon(target: Callable[..., None], *args: Any) -> None:
    threading.Thread(target=target, args=args, daemon=True).start()


def _pump_lines(stream: IO[bytes], into: queue.Queue[bytes | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def _keep_tail(stream: IO[bytes], into: deque[str]) -> None:
    for line in stream:
        into.append(line.decode("utf-8", "replace").rstrip())
