"""Test controls: fail the next calls of an endpoint, or hold a call until the test releases it."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """Answer the next `count` calls of `method path` with this status, body and headers."""

    method: str
    path: str
    count: int
    status: int
    body: Any = None  # a JSON object, a text, or None for a kintone-shaped default
    headers: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "count": self.count,
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
        }


class Faults:
    """Pending faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this call, if any; each match uses up one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.method == method.upper() and fault.path == path:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)


class Hold:
    """Keeps one matching call waiting (counted as running) until `release()`."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method.upper()
        self.path = path
        self.arrived = threading.Event()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait_released(self, timeout: float) -> None:
        self._released.wait(timeout)


class Holds:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holds: list[Hold] = []

    def add(self, method: str, path: str) -> Hold:
        hold = Hold(method, path)
        with self._lock:
            self._holds.append(hold)
        return hold

    def take(self, method: str, path: str) -> Hold | None:
        with self._lock:
            for hold in self._holds:
                if hold.method == method.upper() and hold.path == path:
                    self._holds.remove(hold)
                    return hold
        return None

    def release_all(self) -> None:
        with self._lock:
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.release()


def fault_from_json(body: Mapping[str, Any]) -> Fault:
    """A fault described as in POST /_standin/faults; ValueError when malformed."""
    method, path = body.get("method"), body.get("path")
    if not isinstance(method, str) or not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("method and path (starting with /) are required")
    count, status = body.get("count", 1), body.get("status", 500)
    if not isinstance(count, int) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError("count must be an integer and status an HTTP status code")
    headers = body.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise ValueError("headers must be an object")
    return Fault(
        method.upper(),
        path,
        count,
        status,
        body.get("body"),
        {str(k): str(v) for k, v in headers.items()},
    )
