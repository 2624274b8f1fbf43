"""Project exceptions; the CLI turns each into a clear message and exit code 1."""

from __future__ import annotations


class ConnectorError(Exception):
    """Raised when a step cannot go on; the message says where and what."""


class DescriptionError(ConnectorError):
    """Raised when the connector description (YAML) is unreadable or invalid."""

    def __init__(self, source: str, line: int | None, pointer: str, message: str) -> None:
        self.source = source
        self.line = line
        self.pointer = pointer
        self.detail = message
        where = f"{source}:{line}" if line else source
        at = f" (at {pointer})" if pointer else ""
        super().__init__(f"{where}: {message}{at}")


class ConnectorReadError(ConnectorError):
    """Raised when a connector folder or package zip cannot be read at all."""


class ConnectorPathError(ConnectorReadError):
    """Raised when a path given is no connector at all: missing, or neither folder nor zip."""


class PackageWriteError(ConnectorError):
    """Raised when the connector package cannot be written; the previous output is kept."""
