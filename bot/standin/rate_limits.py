"""Time-based failures for the fake Slack: per-method rate limits (answered with 429) and
server-error windows."""

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.standin.records import Failure

WINDOW = 1.0  # seconds


@dataclass
class _Limit:
    per_second: int
    retry_after: int
    accepted: deque[float] = field(default_factory=deque)  # when each allowed call arrived


class RateLimits:
    """Allows at most `per_second` calls to a method in any rolling second; beyond that each
    call is answered like Slack does: HTTP 429, `ratelimited` and a `Retry-After` header.
    Calls turned away do not use up the allowance."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._limits: dict[str, _Limit] = {}
        self._lock = threading.Lock()
        self.clock = clock  # seconds, as time.monotonic counts them

    def limit(self, method: str, *, per_second: int | None, retry_after: int = 1) -> None:
        """Limit `method` (a fresh window); `per_second=None` lifts the limit."""
        if per_second is not None and per_second < 1:
            raise ValueError("per_second must be at least 1")
        with self._lock:
            if per_second is None:
                self._limits.pop(method, None)
            else:
                self._limits[method] = _Limit(per_second, retry_after)

    def check(self, method: str) -> Failure | None:
        """Count a call to `method` now; the 429 to answer if it is over the limit."""
        with self._lock:
            limit = self._limits.get(method)
            if limit is None:
                return None
            now = self.clock()
            while limit.accepted and limit.accepted[0] <= now - WINDOW:
                limit.accepted.popleft()
            if len(limit.accepted) >= limit.per_second:
                return Failure.build(429, None, {"Retry-After": str(limit.retry_after)})
            limit.accepted.append(now)
            return None


ALL_METHODS = "*"
# Methods a "*" window leaves alone: the bot must still be able to start and connect.
NOT_IN_ALL = frozenset({"auth.test", "apps.connections.open"})


@dataclass(frozen=True)
class _Window:
    method: str
    start: float
    end: float
    failure: Failure

    def covers(self, method: str, at: float) -> bool:
        named = self.method == method or (self.method == ALL_METHODS and method not in NOT_IN_ALL)
        return named and self.start <= at < self.end


class FailureWindows:
    """Server-error windows: every call to a method (or, for "*", to every method but auth.test
    and apps.connections.open) arriving while a window is open gets the window's failure.
    Windows stack; where several are open, the one added last answers."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._windows: list[_Window] = []
        self._lock = threading.Lock()
        self.clock = clock  # seconds, as time.monotonic counts them

    def add(self, method: str, seconds: float, failure: Failure) -> None:
        """Open a window on `method` (or "*") for the next `seconds` seconds."""
        if not seconds >= 0:
            raise ValueError("seconds must be zero or more")
        now = self.clock()
        with self._lock:
            self._windows.append(_Window(method, now, now + seconds, failure))

    def check(self, method: str, arrived: float) -> Failure | None:
        """The failure to answer a call to `method` that arrived at `arrived` (monotonic)."""
        with self._lock:  # closed windows are kept: a held call may have arrived in one
            for window in reversed(self._windows):
                if window.covers(method, arrived):
                    return window.failure
            return None

    def clear(self) -> None:
        """Close every window."""
        with self._lock:
            self._windows.clear()
