"""Opening the durable store's files: lock them, load the snapshot, replay the journal.

Nothing is written until everything has been read successfully, so a database that
cannot be read is left exactly as it was, for someone to look at.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.store.journal import JournalError, JournalFile, read_journal
from bot.store.model import StoreError
from bot.store.snapshot import SnapshotError, read_snapshot
from bot.store.state import State

logger = logging.getLogger(__name__)


class FileLock:
    """An exclusive lock on `<path>.lock`, so two processes never append to one journal.
    The kernel releases it if the process dies."""

    def __init__(self, path: Path, database: Path) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise StoreError(f"{database}: already open (another bot process?)") from None

    def release(self) -> None:
        os.close(self._fd)  # closing the descriptor drops the lock


@dataclass
class OpenedFiles:
    state: State
    seq: int
    """The last seq the state includes; the next journal line gets seq + 1."""
    journal: JournalFile
    journal_lines: int
    lock: FileLock


def open_files(path: Path, journal_path: Path) -> OpenedFiles:
    """Open the database at `path` and its journal; StoreError naming the file if not."""
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{directory}: cannot create the directory ({err.strerror})") from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StoreError(f"{directory}: the directory is not writable")
    try:
        lock = FileLock(path.with_name(path.name + ".lock"), path)
    except OSError as err:
        raise StoreError(f"{directory}: cannot create a file there ({err.strerror})") from err
    try:
        return _load(path, journal_path, lock)
    except BaseException:
        lock.release()
        raise


def _load(path: Path, journal_path: Path, lock: FileLock) -> OpenedFiles:
    try:
        data, snapshot_seq = read_snapshot(path)
        state = State.from_data(data)
    except (SnapshotError, ValueError) as err:
        raise StoreError(f"{path}: cannot read the database: {err} (file left unchanged)") from err
    except OSError as err:
        raise StoreError(f"{path}: cannot read the database ({err.strerror})") from err
    try:
        contents = read_journal(journal_path)
    except JournalError as err:
        raise StoreError(f"{journal_path}: {err} (file left unchanged)") from err
    except OSError as err:
        raise StoreError(f"{journal_path}: cannot read the journal ({err.strerror})") from err

    # Lines up to the snapshot's seq are in it already (a crash came between writing the
    # snapshot and starting a new journal); the rest must follow on without a gap.
    later = [(number, entry) for number, entry in enumerate(contents.entries, start=1)
             if entry[0] > snapshot_seq]  # fmt: skip
    if later and later[0][1][0] != snapshot_seq + 1:
        number, (seq, _, _) = later[0]
        raise StoreError(
            f"{journal_path}: line {number}: seq {seq} but {path} ends at seq {snapshot_seq}; "
            f"changes in between are missing (files left unchanged)"
        )
    for _, (_, op, _) in later:
        state.apply(op)
    seq = later[-1][1][0] if later else snapshot_seq

    if contents.torn:
        logger.warning(
            "%s: ignoring an incomplete last line (a write cut short, never confirmed)",
            journal_path,
        )
    try:
        if contents.torn or len(later) != len(contents.entries) or not journal_path.exists():
            # Rewrite rather than truncate in place, so a crash now cannot harm the journal;
            # a new journal is made this way too, so its directory entry is on disk.
            journal = JournalFile.start(journal_path, [raw for _, (_, _, raw) in later])
        else:
            journal = JournalFile(journal_path)
        for leftover in (path.with_name(path.name + ".tmp"), journal_path.with_name(
                journal_path.name + ".tmp")):  # fmt: skip
            leftover.unlink(missing_ok=True)  # from a crash mid-write: never part of the data
    except OSError as err:
        raise StoreError(f"{journal_path}: cannot open the journal ({err.strerror})") from err
    return OpenedFiles(state, seq, journal, len(later), lock)
