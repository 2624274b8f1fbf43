"""The connection's call limit (e.g. 100 calls per 60 seconds), enforced with a sliding window."""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from generator.devtools.messages import HttpResponse

Clock = Callable[[], float]


@dataclass(frozen=True)
class Limit:
    """At most ``calls`` calls in any ``period_seconds`` window."""

    calls: int
    period_seconds: float


class Throttle:
    """Counts calls of one connection; a call over the limit is refused with a wait time."""

    def __init__(self, limits: tuple[Limit, ...], clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()  # `serve` answers requests on several threads

    @property
    def limits(self) -> tuple[Limit, ...]:
        """The limits this throttle enforces."""
        return self._limits

    def try_acquire(self) -> float:
        """0 when the call may go now (and is counted); else the seconds to wait."""
        with self._lock:
            return self._acquire()

    def _acquire(self) -> float:
        now = self._clock()
        longest = max((limit.period_seconds for limit in self._limits), default=0.0)
        while self._calls and self._calls[0] <= now - longest:
            self._calls.popleft()
        wait = max((self._wait(limit, now) for limit in self._limits), default=0.0)
        if wait == 0.0:
            self._calls.append(now)
        return wait

    def _wait(self, limit: Limit, now: float) -> float:
        recent = [t for t in self._calls if t > now - limit.period_seconds]
        if len(recent) < limit.calls:
            return 0.0
        return recent[-limit.calls] + limit.period_seconds - now


def throttled_response(wait_seconds: float) -> HttpResponse:
    """What the platform answers to a throttled call: 429 with Retry-After, nothing sent."""
    seconds = max(1, math.ceil(wait_seconds))
    body = {
        "statusCode": 429,
        "message": f"Rate limit is exceeded. Try again in {seconds} seconds.",
    }
    headers = (("Retry-After", str(seconds)), ("Content-Type", "application/json"))
    return HttpResponse(429, headers, json.dumps(body).encode("utf-8"))
