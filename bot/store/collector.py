"""Keeping Python's cyclic garbage collector away from the TinyDB engine's tables.

A full collection walks every tracked container, and a table of half a million documents is
one: tens of milliseconds during which no thread runs, every time one comes. So:

- the collector is paused while a snapshot is read (building millions of objects would
  start a collection every few hundred, more than doubling the time to open) or written
  (the copy being written, another container of every document, would be walked again and
  again for as long as it lives);
- the tables read from a large snapshot are frozen (`gc.freeze`) out of its reach for good.
  Documents are plain JSON and hold no cycles, so it would never find anything there;
- as the tables grow, everything alive is frozen again after every `FREEZE_AFTER`
  documents written (`wrote`). A broadcast queues a hundred thousand outbox entries, and
  the objects behind them (its own list of entries, the indexes): each full collection
  walked them all again, up to 150 ms with every thread held up. Frozen, they are left
  out, and a full collection walks only what came since the last freeze.

Full collections are also made ten times rarer once anything has been frozen (the oldest
generation's threshold goes from 10 to `OLDEST_THRESHOLD` collections of the middle one):
a bot with many documents builds large lists of objects between two freezes (a broadcast's
hundred thousand entries, made before the first of them is written), and a full collection
then walks them all; less often, it mostly comes after a freeze, when there is little left
to walk. Garbage in reference cycles waits longer to be freed meanwhile.

The trade-off of freezing: an object frozen is never examined by the collector again. It is
still freed when nothing refers to it (reference counting does not care), so documents, the
entries of a broadcast and the like are freed as ever; but a reference cycle that becomes
garbage after being frozen, or was garbage already in the oldest generation when frozen,
stays until the process ends. The young generations are collected just before each freeze
(a few milliseconds at most), so only cycles that survived two collections are at risk, and
a freeze comes at most once every `FREEZE_AFTER` documents written: a small, bounded cost
for never holding every thread for a full walk of the tables.

Pauses may overlap (opening, a compaction and a final snapshot run on different threads),
so they are counted, and the collector runs again once the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FREEZE_AFTER = 5_000
"""Documents written between two freezes of what is alive (see `_Collector.wrote`): ten
broadcast fan-out transactions; a full collection then walks some milliseconds' worth."""


OLDEST_THRESHOLD = 100
"""The oldest generation's threshold once something has been frozen (Python's is 10)."""


class _Collector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pauses = 0
        self._was_enabled = False
        self._written = 0  # documents written since the last freeze

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
        """Put every object that exists now out of the collector's reach, and make full
        collections rarer from now on."""
        gc.freeze()
        young, middle, oldest = gc.get_threshold()
        if 0 < oldest < OLDEST_THRESHOLD:
            gc.set_threshold(young, middle, OLDEST_THRESHOLD)

    def wrote(self, documents: int) -> None:
        """Count `documents` written (or deleted) to the tables; after `FREEZE_AFTER` of
        them since the last freeze, collect the young generations and freeze everything
        alive (see the module's docstring for the trade-off). Called by the TinyDB engine's
        writer thread, outside the engine's lock."""
        with self._lock:
            self._written += documents
            if self._written < FREEZE_AFTER:
                return
            self._written = 0
        gc.collect(1)  # the young generations only: what they hold that is garbage goes
        self.freeze()


collector = _Collector()
