"""Ctrl-C, SIGTERM and SIGHUP stop `listen` the same way, never in the middle of (un)subscribing."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(KeyboardInterrupt):
    """Raised in the main thread when a stop signal arrives, like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        self.signal_name = signal.Signals(signum).name
        super().__init__(self.signal_name)


class StopSignals:
    """Turns stop signals into ``Stopped``; inside ``deferred()`` they wait until asked for."""

    def __init__(self) -> None:
        self._deferring = 0
        self._pending: int | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self._deferring:
            self._pending = signum
            return
        raise Stopped(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A section a signal must not cut short (a request kintone must see to the end)."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def raise_pending(self) -> None:
        """Raise ``Stopped`` now if a signal arrived during a deferred section."""
        if self._pending is not None and not self._deferring:
            signum, self._pending = self._pending, None
            raise Stopped(signum)


@contextmanager
def stop_signals() -> Iterator[StopSignals]:
    """Install the handlers (main thread only: elsewhere Python cannot) and restore them after."""
    stop = StopSignals()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, stop.handle)
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
