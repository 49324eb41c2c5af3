"""The default engine: the tables in memory, durable in a TinyDB snapshot and a journal.

A transaction's writes are applied to the tables under the engine's lock as it runs (so
decisions such as who gets the last place are serialised, in journal order), queued as one
journal line, and the caller waits, without the lock, until its line and every earlier one
is on disk. One writer thread appends everything queued in one write and one fsync (group
commit), then wakes those callers. A transaction that writes nothing waits too: its answer
may rest on a change still queued. When the journal passes `compact_after` lines, or soon
after a transaction that asked to `scrub`, a compactor thread writes a new snapshot from a
copy of the tables (taken under the lock, written outside it) and the writer then starts a
new journal holding only the lines the snapshot does not include. On disk, at every moment:
snapshot (up to seq S) + journal lines with seq > S = every confirmed change. See
`bot.store.snapshot`, `bot.store.journal` and `bot.store.opening` for the files.

A write that fails (a full disk, an I/O error) fails only the changes not yet on disk: the
journal is cut back to its last whole line, every transaction not yet durable is undone in
memory, last first, and their callers get StoreError. Reads go on; the next change tries the
disk again, so the engine recovers by itself once there is room. `problem()` says what went
wrong until a write succeeds. If even the cut-back fails, the journal's end is unknown: the
engine refuses everything until a restart reads the files again.

Nothing that a failed write could still undo leaves the engine through the outbox: `claim`
waits until what was applied before it is on disk and holds back what was written since,
and `wait` hears of a change only once it is durable.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store.collector import collector
from bot.store.compaction import Compaction
from bot.store.engine import Doc, StoreError
from bot.store.journal import JournalFile, encode, replace_atomically
from bot.store.memory import LocalTx, MemoryEngine
from bot.store.opening import journal_of, open_files
from bot.store.snapshot import META, OldFormat, install, write_snapshot
from bot.store.tables import Write

__all__ = ["DEFAULT_COMPACT_AFTER", "OldFormat", "TinyDBEngine"]

logger = logging.getLogger(__name__)

DEFAULT_COMPACT_AFTER = 20_000


@dataclass
class _Pending:
    """A transaction applied in memory whose journal line is not yet on disk."""

    seq: int
    writes: list[Write]
    tx: LocalTx


class TinyDBEngine(MemoryEngine):
    """Tables of documents, durable at `path` (a TinyDB JSON file) and `<path>.journal`.
    Safe to use from many threads; `close()` when done. StoreError if the files cannot be
    opened (OldFormat for an older bot's file)."""

    def __init__(self, path: Path, *, compact_after: int = DEFAULT_COMPACT_AFTER) -> None:
        if compact_after < 1:
            raise ValueError("compact_after must be at least 1")
        self._path = Path(path)
        self._journal_path = journal_of(self._path)
        opened = open_files(self._path)
        super().__init__(opened.tables)
        self._files_lock = opened.lock
        self._journal: JournalFile = opened.journal  # the writer thread's
        self._journal_lines = opened.journal_lines
        self._compact_after = self._compact_due = compact_after
        self._seq = self._durable = opened.seq  # applied in memory; on disk
        self._pending: list[_Pending] = []
        # Keys written by transactions not yet durable, by table: `claim` holds them back.
        self._unsaved: dict[str, dict[str, int]] = {}
        # Each failed write ends an epoch: (what was durable then, why the write failed).
        self._epoch = 0
        self._ended: dict[int, tuple[int, str]] = {}
        self._trouble: str | None = None  # the last write's failure, until one succeeds
        self._failure: BaseException | None = None  # the writer stopped: refuse everything
        self._stopping = False
        # A person was forgotten: compact as soon as possible, so that their earlier lines
        # leave the journal (the snapshot written holds the tables after the forgetting).
        self._scrub = False
        self._compaction: Compaction | None = None
        self._compactor: threading.Thread | None = None
        self._work = threading.Condition(self._lock)  # the writer waits here for lines
        self._saved = threading.Condition(self._lock)  # callers wait here for the fsync
        self._writer = threading.Thread(target=self._write_loop, name="store-writer", daemon=True)
        self._writer.start()

    # --- callers ------------------------------------------------------------------------------

    def claim(
        self, table: str, *, owner: str, now: datetime, lease: float, limit: int
    ) -> list[tuple[str, Doc]]:
        with self._lock:
            self._check_usable()
            # What was applied before is on disk (or undone) once this returns; what is
            # applied meanwhile is held back until it is on disk.
            epoch, target = self._epoch, self._seq
            while self._durable < target and self._epoch == epoch and self._failure is None:
                self._saved.wait()
            self._check_usable()
            hold = self._unsaved.get(table, {})
            return self._tables.claim(table, owner, now, lease, limit, hold)

    def problem(self) -> str | None:
        with self._lock:
            if self._failure is not None:
                return f"the store stopped after a failed write ({self._failure})"
            if self._closed:
                return "the store is closed"
            return self._trouble

    def close(self) -> None:
        """Finish pending writes, write a final snapshot, empty the journal and release the
        files. Harmless if called again."""
        with self._lock:
            if self._closed:
                return
            self._closed = True  # calls from now on raise StoreError; no compaction starts
            self._woken.notify_all()  # and whoever waits for outbox entries stops waiting
            compactor = self._compactor
        try:
            if compactor is not None:
                compactor.join()
            with self._lock:
                self._stopping = True
                self._work.notify()
            self._writer.join()
            if self._failure is None:
                # No thread changes the tables any more: no lock needed for the copy.
                temporary = write_snapshot(self._path, self._tables.copy_docs(), self._seq)
                install(temporary, self._path)
                self._journal.close()
                replace_atomically(self._journal_path, b"")
        except OSError as err:
            logger.exception("Could not write the final snapshot of %s", self._path)
            raise StoreError(f"{self._path}: could not write the final snapshot: {err}") from err
        finally:
            self._journal.close()
            self._files_lock.release()

    def _check_usable(self) -> None:
        if self._failure is not None:
            raise StoreError(
                f"{self._journal_path}: the store stopped after a failed write "
                f"({self._failure}); restart the bot to reload it from disk"
            ) from self._failure
        if self._closed:
            raise StoreError(f"{self._path}: the store is closed")

    def _commit(self, tx: LocalTx) -> None:
        if any(table == META for table, _, _ in tx.writes):
            tx.rollback()
            raise ValueError(f"the table name {META!r} is kept for the engine's own record")
        if tx.writes:
            self._seq += 1
            self._pending.append(_Pending(self._seq, list(tx.writes), tx))
            for table, key, _ in tx.writes:
                self._unsaved.setdefault(table, {})[key] = self._seq
            self._scrub = self._scrub or tx.scrubbed
            self._work.notify()
        # A transaction that wrote nothing may have read a change still queued: it waits
        # for everything applied so far, not just for its own line.
        target, epoch = self._seq, self._epoch
        while True:
            if self._epoch != epoch and target > self._ended[epoch][0]:
                raise StoreError(
                    f"{self._journal_path}: the change could not be saved "
                    f"({self._ended[epoch][1]}); nothing of it was kept"
                )
            if self._durable >= target:
                return
            if self._failure is not None:
                self._check_usable()
            self._saved.wait()

    # --- the writer thread --------------------------------------------------------------------

    def _write_loop(self) -> None:
        try:
            while True:
                with self._lock:
                    while not (self._pending or self._stopping or self._compaction_ready()):
                        self._work.wait()
                    batch, self._pending = self._pending, []
                    stop = self._stopping and not batch
                if batch:
                    self._write(batch)
                with self._lock:
                    compaction = self._compaction if self._compaction_ready() else None
                if compaction is not None:
                    self._finish(compaction)
                if stop:
                    return
        except BaseException as err:
            logger.exception("The store's writer failed; no more changes will be accepted")
            with self._lock:
                self._failure = err
                self._saved.notify_all()

    def _write(self, batch: list[_Pending]) -> None:
        lines = [encode(pending.seq, pending.writes) for pending in batch]
        try:
            self._journal.append(b"".join(lines))
        except OSError as err:  # not JournalDamaged: the journal may end in part of a line
            self._undo(batch, err)
            return
        with self._lock:
            self._durable = batch[-1].seq
            self._journal_lines += len(batch)
            for pending in batch:
                for table, key, _ in pending.writes:
                    unsaved = self._unsaved.get(table)
                    if unsaved is not None and unsaved.get(key) == pending.seq:
                        del unsaved[key]
            if self._trouble is not None:
                logger.info("%s: writing works again", self._journal_path)
                self._trouble = None
            compaction = self._compaction
            if compaction is not None:
                carry = (
                    line for p, line in zip(batch, lines, strict=True) if p.seq > compaction.seq
                )
                compaction.carry.extend(carry)
            self._saved.notify_all()
            due = self._journal_lines >= self._compact_due or self._scrub
            if due and compaction is None:
                self._start_compaction()
        collector.wrote(sum(len(pending.writes) for pending in batch))

    def _undo(self, batch: list[_Pending], err: OSError) -> None:
        """A write failed: every change not on disk is undone, last first, and its caller
        told. The journal was cut back to its last whole line already."""
        reason = f"could not write {self._journal_path}: {err.strerror or err}"
        with self._lock:
            undone = batch + self._pending
            self._pending = []
            for pending in reversed(undone):
                pending.tx.rollback()
            self._unsaved.clear()
            self._seq = self._durable
            self._ended[self._epoch] = (self._durable, reason)
            self._epoch += 1
            self._trouble = reason
            self._saved.notify_all()
        logger.error("%s; %d unsaved changes were refused, reads go on", reason, len(undone))

    # --- compaction ---------------------------------------------------------------------------

    def _start_compaction(self) -> None:
        """Called by the writer, under the lock: copy the tables (cheap: documents are never
        changed in place) and write them as a snapshot in another thread."""
        if self._closed:
            return  # close() writes the final snapshot itself
        compaction = self._compaction = Compaction(self._seq, self._epoch, self._scrub)
        self._scrub = False
        self._compactor = compaction.start(self._path, self._tables.copy_docs, self._wake)

    def _wake(self) -> None:
        with self._lock:
            self._work.notify()

    def _undone(self, epoch: int, seq: int) -> bool:
        """Whether a failed write since `epoch` undid the transaction `seq`."""
        return self._epoch != epoch and seq > self._ended[epoch][0]

    def _compaction_ready(self) -> bool:
        """Under the lock: the snapshot is written and everything it includes is on disk
        (or it failed, or includes something undone, and is to be dropped). Never while it
        is being written: the next one would write to the same temporary file."""
        compaction = self._compaction
        return (
            compaction is not None
            and compaction.status != "writing"
            and (
                compaction.status == "failed"
                or self._durable >= compaction.seq
                or self._undone(compaction.epoch, compaction.seq)
            )
        )

    def _finish(self, compaction: Compaction) -> None:
        """The writer: put the snapshot in place and start a new journal with the lines it
        does not include; or drop it, and compact again later."""
        with self._lock:
            self._compaction = None
            keep = compaction.status == "written"
            keep = keep and not self._undone(compaction.epoch, compaction.seq)
        try:
            if keep:
                new = compaction.put_in_place(self._path, self._journal_path)
        except OSError:
            logger.exception("Could not put a new snapshot and journal at %s", self._path)
            keep = False
        if not keep:
            compaction.drop()
            with self._lock:
                self._compact_due = self._journal_lines + self._compact_after
                self._scrub = self._scrub or compaction.scrub  # try again at the next write
            return
        old, self._journal = self._journal, new
        old.close()
        with self._lock:
            self._journal_lines = len(compaction.carry)
            self._compact_due = self._compact_after
            if self._scrub:
                self._start_compaction()  # a forgetting came after that snapshot's copy
