"""Keeping Python's cyclic garbage collector away from the TinyDB engine's tables.

A full collection walks every tracked container, and a table of half a million documents is
one: tens of milliseconds during which no thread runs, every time one comes. So:

- the collector is paused while a snapshot is read (building millions of objects would
  start a collection every few hundred, more than doubling the time to open) or written
  (the copy being written, another container of every document, would be walked again and
  again for as long as it lives);
- the tables read from a large snapshot are frozen (`gc.freeze`) out of its reach for good.
  Documents are plain JSON and hold no cycles, so it would never find anything there.

Pauses may overlap (opening, a compaction and a final snapshot run on different threads),
so they are counted, and the collector runs again once the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Collector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pauses = 0
        self._was_enabled = False

    def pause(self) -> None:
        """Stop automatic collections until the matching `resume`."""
        with self._lock:
            if self._pauses == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._pauses += 1

    def resume(self) -> None:
        with self._lock:
            self._pauses -= 1
            if self._pauses == 0 and self._was_enabled:
                gc.enable()

    @contextmanager
    def paused(self) -> Iterator[None]:
        self.pause()
        try:
            yield
        finally:
            self.resume()

    @staticmethod
    def before_freezing() -> None:
        """Collect now, so that no garbage is frozen with what is built next (cheap before
        the tables are built)."""
        gc.collect()

    @staticmethod
    def freeze() -> None:
        """Put every object that exists now out of the collector's reach."""
        gc.freeze()


collector = _Collector()
