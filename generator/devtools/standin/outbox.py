"""Webhook notifications waiting to be sent, the per-minute limit, and the delivery log."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass
class Delivery:
    """One POST of one notification to one webhook URL, and how it went."""

    webhook_id: str
    url: str
    payload: dict[str, Any]
    status: int | None = None
    error: str | None = None
    sent: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "webhook": self.webhook_id,
            "url": self.url,
            "payload": self.payload,
            "status": self.status,
            "error": self.error,
        }


@dataclass
class Outbox:
    """A queue with kintone's limit: at most `per_minute` notifications per minute per domain."""

    per_minute: int
    clock: Callable[[], datetime]
    dropped: int = 0
    log: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[Delivery] = deque()
        self._recent: deque[datetime] = deque()
        self._pending = 0
        self._closed = False

    def put(self, delivery: Delivery) -> bool:
        """Queue a delivery, or drop and count it when the minute's quota is used up."""
        with self._cond:
            now = self.clock()
            while self._recent and now - self._recent[0] >= timedelta(minutes=1):
                self._recent.popleft()
            if len(self._recent) >= self.per_minute:
                self.dropped += 1  # kintone logs GAIA_WT02 in the audit log and sends nothing
                return False
            self._recent.append(now)
            self._queue.append(delivery)
            self._pending += 1
            self._cond.notify_all()
            return True

    def take(self) -> Delivery | None:
        """The next delivery to send; None once the outbox is closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._queue or self._closed)
            if self._closed:
                return None
            return self._queue.popleft()

    def finished(self, delivery: Delivery) -> None:
        with self._cond:
            self.log.append(delivery)
            self._pending -= 1
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Block until nothing is queued or being sent; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def open(self) -> None:
        with self._cond:
            self._closed = False

    def close(self) -> None:
        """Stop handing out deliveries; the ones still queued are logged as not sent."""
        with self._cond:
            self._closed = True
            while self._queue:
                delivery = self._queue.popleft()
                delivery.error = "not sent: the stand-in stopped"
                self.log.append(delivery)
                self._pending -= 1
            self._cond.notify_all()
