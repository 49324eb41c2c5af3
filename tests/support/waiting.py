"""Waiting for something to become true, the one way tests wait: polled, with a deadline and
a message saying what did not happen. To show that something did NOT happen, move the clock
and drain (`Bot.settle()`), or wait until the work that could cause it is settled (the
outbox empty); never sleep for a while and hope."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL = 0.01  # seconds between looks


def wait_until(
    condition: Callable[[], object],
    timeout: float = 6.0,
    what: str | Callable[[], object] = "",
    *,
    poll: float = POLL,
) -> None:
    """Return once `condition()` is true, looking every `poll` seconds; fail saying `what`
    (or what it returns then) if that takes longer than `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not within {timeout} s: {said or condition}")
        time.sleep(poll)
