"""The call limit shared by every run on one connection: a small state file, locked with flock."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from generator.devtools.runtime.throttle import Clock, Limit, Throttle
from generator.errors import ConnectorError

STATE_VARIABLE = "KINTONE_CONNECTOR_STATE_DIR"
_IDENTITIES = ("api_key", "username", "token")  # what tells one connection from another


class ThrottleStateError(ConnectorError):
    """Raised when the throttle state file cannot be read or written."""


def state_dir() -> Path:
    """$KINTONE_CONNECTOR_STATE_DIR, else $XDG_STATE_HOME/kintone-connector, else ~/.local/state."""
    override = os.environ.get(STATE_VARIABLE)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_STATE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "state"
    return base / "kintone-connector"


def state_file(connection: Mapping[str, str], folder: Path | None = None) -> Path:
    """The file of one connection: its domain and a hash of its credential, never the credential.

    A user name identifies the connection without its password, so a new password keeps the count.
    """
    identity = "\0".join(f"{k}={connection[k]}" for k in _IDENTITIES if k in connection)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
    host = connection.get("domain") or connection.get("token:domain", "")  # OAuth: token:domain
    domain = re.sub(r"[^A-Za-z0-9.-]", "_", host)
    return (folder or state_dir()) / f"throttle-{domain}-{digest}.json"


class SharedThrottle(Throttle):
    """A Throttle whose recent calls live in a file, so separate runs share one window."""

    def __init__(self, limits: tuple[Limit, ...], path: Path, clock: Clock = time.time) -> None:
        super().__init__(limits, clock)
        self.path = path

    def try_acquire(self) -> float:
        """0 when the call may go now (and is recorded in the file); else the seconds to wait."""
        try:
            with _locked(self.path) as fd:
                self._calls = deque(_recent(_read(fd), self._clock(), self.limits))
                wait = super().try_acquire()
                if wait == 0.0:
                    _write(fd, list(self._calls))
        except OSError as exc:
            raise ThrottleStateError(
                f"cannot record the call in {self.path}: {exc.strerror or exc}; set "
                f"{STATE_VARIABLE} to a writable folder"
            ) from None
        return wait


def share_throttle(throttle: Throttle, connection: Mapping[str, str]) -> SharedThrottle:
    """The shared version of ``throttle`` for ``connection``: same limits, state on disk."""
    return SharedThrottle(throttle.limits, state_file(connection))


@contextmanager
def _locked(path: Path) -> Iterator[int]:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until closed: concurrent runs take turns
        yield fd
    finally:
        os.close(fd)


def _read(fd: int) -> list[float]:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    try:
        calls = json.loads(b"".join(chunks) or b"{}").get("calls", [])
    except (ValueError, AttributeError):
        return []  # a damaged file counts as no recent calls; it is rewritten on the next call
    return [float(t) for t in calls if isinstance(t, int | float)]


def _recent(calls: list[float], now: float, limits: tuple[Limit, ...]) -> list[float]:
    """Calls inside the longest window; ones in the future (the clock went back) are dropped."""
    longest = max((limit.period_seconds for limit in limits), default=0.0)
    return sorted(t for t in calls if now - longest < t <= now)


def _write(fd: int, calls: list[float]) -> None:
    data = json.dumps({"calls": calls}).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
