"""Plain HTTP request and response values shared by the runtime and the script engines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpRequest:
    """An outgoing request as the platform would send it to the backend."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        return _find(self.headers, name)


@dataclass(frozen=True)
class HttpResponse:
    """A response from the backend, the custom code or the runtime itself."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    elapsed_ms: float = field(default=0.0, compare=False)

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        return _find(self.headers, name)

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None


def _find(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)
