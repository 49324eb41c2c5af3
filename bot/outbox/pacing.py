"""Pacing for many calls to one rate-limited Slack method, shared by several threads."""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW = 1.0  # seconds of successes counted as "the throughput that met the limit"
BACKOFF = 0.97  # after a 429, go on at this fraction of that throughput
PLATEAU = 30.0  # seconds' worth of successes (at the ceiling) to climb back to the ceiling
MIN_RATE = 0.5  # calls per second
MIN_SLEEP = 0.001  # seconds: a caller whose turn is due but not yet taken looks again soon
MAX_SLEEP = 0.25  # seconds: the longest sleep between looks, so `close` is noticed quickly


class Pacer:
    """Evenly spaced turns at an adaptive rate, and one pause for everyone after a 429.

    Turns come `1/rate` apart and never before the end of the pause Slack asked for with
    `Retry-After`; a turn nobody was ready for is not saved up, so there are no bursts.

    The rate: until the first 429 it doubles with each second's worth of successful calls
    (slow start). A 429 marks the calls that succeeded in the last second as the ceiling,
    and the rate drops to 97% of it; it then climbs back along a cubic, as TCP CUBIC does:
    quickly at first, nearly flat around the ceiling (where it spends most of its time, so
    a steady limit is used well and met only about every half minute), then faster again,
    in case the limit went up. The rate grows only with successful calls that had to wait
    for their turn, so neither an idle pacer nor one held back by slow replies runs ahead.
    """

    def __init__(self, rate: float, max_rate: float) -> None:
        if not 0 < rate <= max_rate:
            raise ValueError("need 0 < rate <= max_rate")
        self._lock = threading.Lock()
        self._rate = rate
        self._max_rate = max_rate
        self._last = float("-inf")  # monotonic time of the last turn given
        self._pause_until = 0.0
        self._waited = False  # whether a caller waited for its turn since the last success
        self._ceiling: float | None = None  # None: no 429 measured yet (slow start)
        self._limited_at = float("-inf")  # when the last 429 episode began
        self._climbed = 0  # successes since then
        self._recent: deque[float] = deque()  # when the calls of the last WINDOW succeeded
        self._tickets = 0  # the next caller's place in line
        self._serving = 0  # the place in line whose turn comes next
        self._done: set[int] = set()  # places served or given up, not yet passed
        self._closed = False

    @property
    def rate(self) -> float:
        """Calls per second allowed now."""
        return self._rate

    def wait_turn(self) -> float | None:
        """Block until the caller may make its call; return that moment (for `limited`), or
        None once the pacer is closed. Turns go in the order they were asked for."""
        with self._lock:
            ticket = self._tickets
            self._tickets += 1
        try:
            while True:
                with self._lock:
                    if self._closed:
                        return None
                    now = time.monotonic()
                    due = max(self._last + 1 / self._rate, self._pause_until)
                    if ticket == self._serving and now >= due:
                        # Keep to the schedule when a little late (sleep overshoots); when
                        # nobody was ready for a whole interval, start afresh, not catch up.
                        self._last = due if now - due < 1 / self._rate else now
                        return now
                    # Those ahead in line go first, one turn each.
                    due += (ticket - self._serving) / self._rate
                    self._waited = True
                # Sleep outside the lock, a little at a time, and look again: the rate, the
                # pause or the line may change, and `close` must not wait for a long pause.
                time.sleep(min(max(due - now, MIN_SLEEP), MAX_SLEEP))
        finally:
            with self._lock:
                self._done.add(ticket)
                while self._serving in self._done:
                    self._done.discard(self._serving)
                    self._serving += 1

    def waited(self) -> None:
        """A caller waited for its turn elsewhere (on the pace other processes share too):
        count it as waiting here, so the rate may climb."""
        with self._lock:
            self._waited = True

    def close(self) -> None:
        """Let every waiter go (with None) and refuse turns from now on."""
        with self._lock:
            self._closed = True

    def succeeded(self) -> None:
        """A call went through: count it, and let the rate climb."""
        with self._lock:
            self._recent.append(self._trim())
            if not self._waited:
                return  # replies, not turns, set the pace: speeding up would mean nothing
            self._waited = False
            self._climbed += 1
            if self._ceiling is None:
                self._rate *= 2 ** (1 / self._rate)
            else:
                ahead = self._climbed / (self._ceiling * PLATEAU) - 1
                self._rate = self._ceiling * (1 + (1 - BACKOFF) * ahead**3)
            self._rate = min(self._max_rate, max(MIN_RATE, self._rate))

    def paused(self) -> bool:
        """Whether Slack asked for a pause (a 429's `Retry-After`) that has not ended."""
        with self._lock:
            return self._pause_until > time.monotonic()

    def limited(self, retry_after: float, sent_at: float, *, seen: int | None = None) -> None:
        """Slack answered 429 to a call made at `sent_at` (from `wait_turn`): pause everyone
        for `retry_after` seconds and slow down. `seen`: the calls that went through in the
        last second in every process sharing the pace (this one's are only part of them)."""
        with self._lock:
            now = self._trim()
            self._pause_until = max(self._pause_until, now + retry_after)
            if sent_at < self._limited_at:
                return  # made before the last 429 came back: the same episode, already slowed
            self._limited_at = now
            # Only a second of steady sending measures the limit. A 429 just after starting
            # or after a pause (a quota someone else used up) says nothing about our pace:
            # the pause alone answers it.
            if seen:
                self._ceiling = float(seen)
                self._rate = max(MIN_RATE, self._ceiling * BACKOFF)
                self._climbed = 0
            elif seen is None and self._recent and now - self._recent[0] >= WINDOW / 2:
                self._ceiling = float(len(self._recent))
                self._rate = max(MIN_RATE, self._ceiling * BACKOFF)
                self._climbed = 0

    def _trim(self) -> float:
        """Forget successes older than WINDOW; return now. Called under the lock."""
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - WINDOW:
            self._recent.popleft()
        return now
