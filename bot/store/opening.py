"""Opening the TinyDB engine's files: lock them, read the snapshot, replay the journal.

Nothing is written until everything has been read successfully, so a database that cannot
be read is left exactly as it was, for someone to look at (or, for an older bot's file,
for the upgrade to convert).
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.store.engine import StoreError
from bot.store.journal import (
    DIRECTORY_MODE,
    FILE_MODE,
    JournalError,
    JournalFile,
    read_journal,
    temporary_of,
)
from bot.store.snapshot import META, SnapshotError, read_snapshot
from bot.store.tables import Tables

logger = logging.getLogger(__name__)


def journal_of(path: Path) -> Path:
    """The journal beside the snapshot at `path`."""
    return path.with_name(path.name + ".journal")


class FileLock:
    """An exclusive lock on `<path>.lock`, so two processes never append to one journal.
    The kernel releases it if the process dies."""

    def __init__(self, path: Path, database: Path) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise StoreError(f"{database}: already open (another bot process?)") from None

    def release(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)  # closing the descriptor drops the lock


@dataclass
class Opened:
    """The files, opened: what they hold, and the journal ready for appending."""

    tables: Tables
    seq: int
    """The last seq the tables include; the next journal line gets seq + 1."""
    journal: JournalFile
    journal_lines: int
    lock: FileLock


def open_files(path: Path) -> Opened:
    """Open the snapshot at `path` and its journal; StoreError naming the file if not (the
    subclass OldFormat for an older bot's snapshot)."""
    directory = path.parent
    try:
        directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{directory}: cannot create the directory ({err.strerror})") from err
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StoreError(f"{directory}: the directory is not writable")
    try:
        lock = FileLock(path.with_name(path.name + ".lock"), path)
    except OSError as err:
        raise StoreError(f"{directory}: cannot create a file there ({err.strerror})") from err
    try:
        return _load(path, journal_of(path), lock)
    except BaseException:
        lock.release()
        raise


def _load(path: Path, journal_path: Path, lock: FileLock) -> Opened:
    try:
        tables, snapshot_seq = read_snapshot(path)
    except SnapshotError as err:
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
    later = [entry for entry in contents.entries if entry.seq > snapshot_seq]
    if later and later[0].seq != snapshot_seq + 1:
        raise StoreError(
            f"{journal_path}: line {later[0].line}: seq {later[0].seq} but {path} ends at seq "
            f"{snapshot_seq}; changes in between are missing (files left unchanged)"
        )
    for entry in later:
        if any(table == META for table, _, _ in entry.writes):
            raise StoreError(
                f"{journal_path}: line {entry.line}: writes to table {META!r}, which the "
                f"engine keeps for itself (files left unchanged)"
            )
    for entry in later:
        for table, key, doc in entry.writes:
            tables.write(table, key, doc)
    seq = later[-1].seq if later else snapshot_seq

    if contents.torn:
        logger.warning(
            "%s: ignoring an incomplete last line (a write cut short, never confirmed)",
            journal_path,
        )
    try:
        if contents.torn or len(later) != len(contents.entries) or not journal_path.exists():
            # Rewrite rather than truncate in place, so a crash now cannot harm the journal;
            # a new journal is made this way too, so its directory entry is on disk.
            journal = JournalFile.start(journal_path, [entry.raw for entry in later])
        else:
            journal = JournalFile(journal_path)
        for leftover in (temporary_of(path), temporary_of(journal_path)):
            leftover.unlink(missing_ok=True)  # from a crash mid-write: never part of the data
    except OSError as err:
        raise StoreError(f"{journal_path}: cannot open the journal ({err.strerror})") from err
    return Opened(tables, seq, journal, len(later), lock)
