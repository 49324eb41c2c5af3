"""The threads Bolt's lazy listeners (the work after each acknowledgement) run on, shared
fairly between people: each person's work runs one piece at a time, in the order it came,
and people take turns. So a person who sends forty messages at once waits behind their own
messages, not in front of everyone else's button presses.

Each piece runs in a copy of the context it was submitted from, so its log lines carry the
request (see `bot.logs`); the person is the request's user as the log fields know it.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextvars import copy_context
from typing import Any, TypeVar

from bot.logs import current_request

logger = logging.getLogger(__name__)

T = TypeVar("T")


def request_user() -> str:
    """The user of the Slack request being handled on this thread ("" if none)."""
    return current_request().get("user", "")


class FairExecutor(Executor):
    """Runs work on `workers` threads, one piece at a time per `key()` (the person), the
    people taking turns."""

    def __init__(self, workers: int, *, key: Callable[[], str] = request_user) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="listener")
        self._key = key
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queues: dict[str, deque[tuple[Future[Any], Callable[[], Any]]]] = {}
        self._anonymous = itertools.count()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        work = functools.partial(copy_context().run, fn, *args, **kwargs)
        # Work nobody asked for (no user known) is nobody's to wait behind.
        key = self._key() or f"\0{next(self._anonymous)}"
        with self._lock:
            queue = self._queues.get(key)
            idle = queue is None
            if queue is None:
                queue = self._queues[key] = deque()
            queue.append((future, work))
        if idle:
            self._pool.submit(self._turn, key)
        return future

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until all the work submitted so far has run; False if `timeout` seconds passed
        first. For the console and tests, which look at what the work did afterwards."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._queues, timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait, cancel_futures=cancel_futures)

    def _turn(self, key: str) -> None:
        """Run the next piece of `key`'s work, then go to the back of the line if there is
        more: everyone else waiting has a turn first."""
        with self._lock:
            future, work = self._queues[key].popleft()
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(work())
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)
        with self._lock:
            more = bool(self._queues[key])
            if not more:
                del self._queues[key]
                self._idle.notify_all()
        if more:
            try:
                self._pool.submit(self._turn, key)
            except RuntimeError:  # shutting down: what is left is not run
                logger.warning("Stopping with work still queued for one person")
