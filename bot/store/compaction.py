"""A compaction of the TinyDB engine: a snapshot of the tables, written in the background,
then put in place with a new journal holding only the lines it does not include.

The engine's writer thread decides when (`bot.store.tinydb`); this is the work. The copy of
the tables is taken under the engine's lock and may include transactions not yet on disk,
so the snapshot is written to a temporary file and put in place only once everything it
includes is durable (or dropped, if a failed write undid some of it). On disk, at every
moment: snapshot (up to seq S) + journal lines with seq > S = every confirmed change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.store.collector import collector
from bot.store.engine import Doc
from bot.store.journal import JournalFile
from bot.store.snapshot import install, write_snapshot

logger = logging.getLogger(__name__)


@dataclass
class Compaction:
    """A snapshot of the tables as they were at `seq`, in the engine's `epoch`."""

    seq: int
    epoch: int
    scrub: bool
    """Asked for by a forgetting: if it is dropped, the next one is asked for too."""
    status: Literal["writing", "written", "failed"] = "writing"
    temporary: Path | None = None
    carry: list[bytes] = field(default_factory=list)
    """The writer's: the lines written since the copy, with a seq after `seq`."""

    def start(
        self, path: Path, copy: Callable[[], dict[str, dict[str, Doc]]], ended: Callable[[], None]
    ) -> threading.Thread:
        """Take `copy()` now (under the engine's lock) and write it as a snapshot beside
        `path` in a new thread, which sets `status` and calls `ended` when done."""
        # The copy is one container of every document: the collector would walk it again
        # and again while it lives, holding up every thread (see `bot.store.collector`).
        collector.pause()
        try:
            tables = copy()
            thread = threading.Thread(
                target=self._write, args=(path, tables, ended), name="store-compactor", daemon=True
            )
            thread.start()
        except BaseException:
            collector.resume()
            raise
        return thread

    def _write(
        self, path: Path, tables: dict[str, dict[str, Doc]], ended: Callable[[], None]
    ) -> None:
        try:
            self.temporary = write_snapshot(path, tables, self.seq)
            self.status = "written"
        except BaseException:
            # The journal still holds every change, so nothing is lost; try again later.
            logger.exception("Could not write a snapshot of %s", path)
            self.status = "failed"
        finally:
            tables.clear()  # the copy, not the tables: before the collector runs again
            collector.resume()
        ended()

    def put_in_place(self, path: Path, journal_path: Path) -> JournalFile:
        """Put the snapshot written in place and start a new journal holding the lines it
        does not include. OSError if either cannot be done: the old journal still holds
        every line (those in the snapshot are skipped when it is read back), so the writer
        keeps appending to it."""
        assert self.temporary is not None, "only a written snapshot is put in place"
        install(self.temporary, path)
        return JournalFile.start(journal_path, self.carry)

    def drop(self) -> None:
        """Remove the snapshot written, if any: it is not to be put in place."""
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
