"""The durable store: a TinyDB snapshot plus an append-only journal, with group commit.

A change is applied to the in-memory `State` under the lock (so decisions such as who gets
the last place are serialised, in journal order), queued as a journal line, and the caller
waits. One writer thread appends everything queued in one write and one fsync, then wakes
those callers. When the journal passes `compact_after` lines a compactor thread writes a
new snapshot from a copy of the state (taken under the lock, written outside it) and the
writer then starts a new journal holding only the lines the snapshot does not include.
On disk, at every moment: snapshot (up to seq S) + journal lines with seq > S = every
confirmed change. See `bot.store.legacy.files` for how the files are read back.

A write that fails (a full disk, an I/O error) fails only the changes not yet on disk: the
journal is cut back to its last whole line, the state in memory goes back to what is on disk
(the writer keeps a copy of it, `_shadow`, for exactly this), and their callers get
StoreError. Reads go on; the next change tries the disk again, so the store recovers by
itself once there is room. `problem()` says what went wrong until a write succeeds.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.store.legacy.files import (
    JournalDamaged,
    JournalFile,
    encode,
    open_files,
    replace_atomically,
    write_snapshot,
)
from bot.store.legacy.memory import StateBackedStore
from bot.store.legacy.model import StoreError
from bot.store.legacy.ops import Op
from bot.store.legacy.state import Outcome, State, changed

logger = logging.getLogger(__name__)

DEFAULT_COMPACT_AFTER = 20_000


@dataclass
class _Compaction:
    """A snapshot being written of the state up to `seq`."""

    seq: int
    status: Literal["writing", "written", "failed"] = "writing"
    scrub: bool = False  # written to remove a forgotten person's lines from the journal


class TinyDBStore(StateBackedStore):
    """Everything the bot remembers, durable at `path` (a TinyDB JSON file) and
    `<path>.journal`. Safe to use from many threads; `close()` when done."""

    def __init__(self, path: Path, *, compact_after: int = DEFAULT_COMPACT_AFTER) -> None:
        if compact_after < 1:
            raise ValueError("compact_after must be at least 1")
        self._path = Path(path)
        self._journal_path = self._path.with_name(self._path.name + ".journal")
        self._compact_after = compact_after
        opened = open_files(self._path, self._journal_path)
        super().__init__(opened.state)
        self._files_lock = opened.lock
        self._journal: JournalFile = opened.journal
        self._journal_lines = opened.journal_lines
        self._compact_due = compact_after
        self._seq = self._durable = opened.seq
        self._pending: list[tuple[int, Op, bytes]] = []
        # Owned by the writer thread: the state as it is on disk (up to `_durable`).
        self._shadow = State.from_data(opened.state.copy_data())
        # Each failed write starts a new epoch; what was durable when each epoch ended.
        self._epoch = 0
        self._ended_at: dict[int, int] = {}
        self._trouble: str | None = None  # the last write's failure, until one succeeds
        self._work = threading.Condition(self._lock)  # the writer waits here for lines
        self._done = threading.Condition(self._lock)  # callers wait here for the fsync
        self._failure: BaseException | None = None
        self._closing = self._stopping = False
        self._compaction: _Compaction | None = None
        # A person was forgotten: compact as soon as possible, so that their earlier lines
        # leave the journal (the snapshot written holds the state after the forgetting).
        self._scrub = False
        self._compactor: threading.Thread | None = None
        # Owned by the writer thread: lines written after the snapshot being written.
        self._carry: list[bytes] = []
        self._carry_for: _Compaction | None = None
        self._writer = threading.Thread(target=self._write_loop, name="store-writer", daemon=True)
        self._writer.start()

    # --- callers ------------------------------------------------------------------------------

    def problem(self) -> str | None:
        with self._lock:
            if self._failure is not None:
                return f"the store stopped after a failed write ({self._failure})"
            if self._closing:
                return "the store is closed"
            return self._trouble

    def _check_usable(self) -> None:
        if self._failure is not None:
            raise StoreError(
                f"{self._journal_path}: the store stopped after a failed write "
                f"({self._failure}); restart the bot to reload it from disk"
            ) from self._failure
        if self._closing:
            raise StoreError(f"{self._path}: the store is closed")

    def _apply(self, op: Op) -> Outcome:
        with self._lock:
            self._check_usable()
            epoch = self._epoch
            outcome = self._state.apply(op)
            entries = self._state.entry_count()
            if changed(outcome):
                self._seq += 1
                self._pending.append((self._seq, op, encode(self._seq, op)))
                self._work.notify()
            # An unchanged answer may rest on a change still queued (the same request twice
            # in a row): wait for everything applied so far, not just our own line.
            target = self._seq
            while True:
                if self._epoch != epoch and target > self._ended_at[epoch]:
                    raise StoreError(
                        f"{self._journal_path}: the change could not be saved "
                        f"({self._trouble}); nothing of it was kept"
                    )
                if self._durable >= target:
                    break
                if self._failure is not None:
                    self._check_usable()
                self._done.wait()
            self._publish(entries)
            return outcome

    def close(self) -> None:
        """Finish pending writes, write a final snapshot and release the files."""
        with self._lock:
            if self._closing:
                return
            self._closing = True  # calls from now on raise StoreError
            self._added.notify_all()  # and whoever waits for outbox entries stops waiting
        try:
            if self._compactor is not None:
                self._compactor.join()
            with self._lock:
                self._stopping = True
                self._work.notify()
            self._writer.join()
            if self._failure is None:
                # No thread changes the state any more: no lock needed for the copy.
                write_snapshot(self._path, self._state.copy_data(), self._seq)
                replace_atomically(self._journal_path, b"")
        except OSError as err:
            logger.exception("Could not write the final snapshot of %s", self._path)
            raise StoreError(f"{self._path}: could not write the final snapshot: {err}") from err
        finally:
            self._journal.close()
            self._files_lock.release()

    # --- the writer thread --------------------------------------------------------------------

    def _write_loop(self) -> None:
        try:
            while True:
                with self._lock:
                    while not (self._pending or self._stopping or self._compaction_ended()):
                        self._work.wait()
                    batch, self._pending = self._pending, []
                    compaction = self._compaction
                    status = compaction.status if compaction else None
                    if status in ("written", "failed"):
                        self._compaction = None
                    stop = self._stopping and not batch
                if compaction is not None:
                    self._follow(compaction, status)
                if batch:
                    self._write(batch, compaction if status == "writing" else None)
                if stop:
                    return
        except BaseException as err:
            logger.exception("The store's writer failed; no more changes will be accepted")
            with self._lock:
                self._failure = err
                self._done.notify_all()

    def _compaction_ended(self) -> bool:
        return self._compaction is not None and self._compaction.status != "writing"

    def _write(self, batch: list[tuple[int, Op, bytes]], compaction: _Compaction | None) -> None:
        try:
            self._journal.append(b"".join(line for _, _, line in batch))
        except JournalDamaged:
            raise  # the journal may end in part of a line: only a restart reads it safely
        except OSError as err:
            self._roll_back(err)
            return
        forgot = False
        for _, op, _ in batch:
            self._shadow.apply(op)
            forgot = forgot or op["op"] == "forget"
        if compaction is not None:
            self._carry.extend(line for seq, _, line in batch if seq > compaction.seq)
        with self._lock:
            self._durable = batch[-1][0]
            self._journal_lines += len(batch)
            if self._trouble is not None:
                logger.info("%s: writing works again", self._journal_path)
                self._trouble = None
            self._done.notify_all()
            self._scrub = self._scrub or forgot
            due = self._journal_lines >= self._compact_due or self._scrub
            if due and self._compaction is None:
                self._start_compaction()

    def _roll_back(self, err: OSError) -> None:
        """A write failed: every change not on disk is dropped, and its caller told."""
        with self._lock:
            lost = self._seq - self._durable
            self._pending = []
            self._state = State.from_data(self._shadow.copy_data())
            self._seq = self._durable
            self._ended_at[self._epoch] = self._durable
            self._epoch += 1
            self._trouble = f"could not write {self._journal_path}: {err.strerror or err}"
            self._done.notify_all()
        logger.error("%s; %d unsaved changes were refused, reads go on", self._trouble, lost)

    def _follow(self, compaction: _Compaction, status: str | None) -> None:
        """Keep the carry for `compaction`; once its snapshot is written, switch journals."""
        if compaction is not self._carry_for:
            self._carry_for, self._carry = compaction, []
        if status == "writing":
            return
        carry, self._carry_for, self._carry = self._carry, None, []
        if status == "written":
            # The snapshot holds everything up to its seq: the new journal holds the rest.
            try:
                new = JournalFile.start(self._journal_path, carry)
            except OSError:
                # The old journal still holds every line (those in the snapshot are skipped
                # when it is read back): keep it, and compact again later.
                logger.exception("Could not start a new journal at %s", self._journal_path)
                with self._lock:
                    self._compact_due = self._journal_lines + self._compact_after
                return
            old, self._journal = self._journal, new
            old.close()
            with self._lock:
                self._journal_lines = len(carry)
                self._compact_due = self._compact_after
        else:
            with self._lock:
                self._compact_due = self._journal_lines + self._compact_after
                self._scrub = self._scrub or compaction.scrub  # try again at the next write
        with self._lock:
            if self._scrub and status == "written" and self._compaction is None:
                self._start_compaction()  # a forgetting came after that snapshot's copy

    # --- compaction ---------------------------------------------------------------------------

    def _start_compaction(self) -> None:
        """Called by the writer, under the lock: copy what is on disk (never a change that
        could still be refused) and write it as a snapshot in a new thread."""
        if self._closing:
            return  # close() writes the final snapshot itself
        compaction = self._compaction = _Compaction(self._durable)
        data = self._shadow.copy_data()
        compaction.scrub, self._scrub = self._scrub, False

        def run() -> None:
            try:
                write_snapshot(self._path, data, compaction.seq)
                status: Literal["written", "failed"] = "written"
            except BaseException:
                # The journal still holds every change, so nothing is lost; try again later.
                logger.exception("Could not write a snapshot of %s", self._path)
                status = "failed"
            with self._lock:
                compaction.status = status
                self._work.notify()

        self._compactor = threading.Thread(target=run, name="store-compactor", daemon=True)
        self._compactor.start()
