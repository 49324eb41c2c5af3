"""Per-method rate limits for the fake Slack: a rolling one-second window, answered with 429."""

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tests.support.records import Failure

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

    def __init__(self) -> None:
        self._limits: dict[str, _Limit] = {}
        self._lock = threading.Lock()

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
            now = time.monotonic()
            while limit.accepted and limit.accepted[0] <= now - WINDOW:
                limit.accepted.popleft()
            if len(limit.accepted) >= limit.per_second:
                return Failure.build(429, None, {"Retry-After": str(limit.retry_after)})
            limit.accepted.append(now)
            return None
