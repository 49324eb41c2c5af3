"""A short allowance of questions per person: a few at once, then one every few seconds.
Beyond it the person is told once to slow down, and what they send meanwhile is not
answered, so one person's flood costs the others nothing (issue #21)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cachetools import TTLCache

SLOW_DOWN = (
    "You're sending messages faster than I can answer them. Give me a few seconds, then ask again."
)

Verdict = Literal["answer", "tell", "ignore"]


@dataclass
class _Bucket:
    tokens: float
    at: float
    told: bool = False


class Allowance:
    """`burst` questions at once per person, then one every `every` seconds."""

    def __init__(
        self,
        *,
        burst: int = 5,
        every: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = burst
        self._every = every
        self._clock = clock
        self._lock = threading.Lock()
        # Someone quiet for `burst * every` seconds has a full allowance again: forget them.
        self._buckets: TTLCache[str, _Bucket] = TTLCache(
            maxsize=100_000, ttl=burst * every, timer=clock
        )

    @classmethod
    def unlimited(cls) -> Allowance:
        """No limit: for the offline console, where the one person is at the keyboard."""
        return cls(burst=1 << 40)

    def take(self, user_id: str) -> Verdict:
        """Whether to answer `user_id`'s question now, tell them to slow down (once each
        time they run out), or leave it unanswered."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(user_id) or _Bucket(float(self._burst), now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) / self._every)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                bucket.told = False
                verdict: Verdict = "answer"
            elif bucket.told:
                verdict = "ignore"
            else:
                bucket.told = True
                verdict = "tell"
            self._buckets[user_id] = bucket
            return verdict
