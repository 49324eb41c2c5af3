"""`python -m bot backup PATH`: a consistent copy of the database, taken while the bot runs
in another process, written as one snapshot file that `open_store(PATH)` opens.

On PostgreSQL (`DATABASE_URL`), the copy is every table read in one read-only transaction,
written into a new TinyDB database at PATH (restore it with `copy-store`).

How the TinyDB engine writes (`bot.store.tinydb`): the snapshot is only ever replaced whole,
by a rename; the journal is appended to, each change fsynced before it is confirmed, and
replaced whole (by a rename) once a newer snapshot is written, then holding only the lines
after that snapshot. So the copy reads the journal first and the snapshot
second. A snapshot never gets older, and a journal only ever starts just after a snapshot
already written: the snapshot read second reaches at least to where the journal read first
starts, and the loader skips the lines it already holds. Every change confirmed before the
backup began is in one or the other. A line being appended at that moment may be read cut
short: it was not confirmed yet, and it is left out.

The pair is then opened with the store's own loader, in a temporary directory beside PATH,
and closed, which writes one snapshot of everything; that file is renamed to PATH, so PATH
is the old copy or the new, never half of one. Should the pair not read back (the files
changed in a way not foreseen here), it is copied again, up to `ATTEMPTS` times.

The work is done in a hidden folder beside PATH (`.backup-…`), readable by the bot's user
only, and removed when the backup ends, including when it is stopped with SIGTERM or Ctrl-C.
Each backup holds a lock on its folder while it works; one killed outright (SIGKILL, a
power cut) leaves its folder unlocked, and the next backup to the same folder removes it
before it starts, so no stray copy of people's data stays behind.

What the copy is: the database as a crash at some moment during the backup would have left
it. Like such a crash, it may hold a change whose write had reached the journal but not yet
been confirmed (or that a failing disk then made the bot undo).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bot.copying import copy_all
from bot.records import TinyDBStore
from bot.registrations.records import PLACES
from bot.settings import SettingsError, load_settings
from bot.store.engine import StoreError
from bot.store.journal import FILE_MODE, fsync_directory

ATTEMPTS = 5


class BackupError(Exception):
    """No copy could be made; the message says why, naming the file."""


@dataclass(frozen=True)
class Backup:
    """A copy written: where, what it holds, and how many times the files were read to make
    it (1 unless they changed in a way not foreseen)."""

    path: Path
    registrations: int
    waitlisted: int
    attempts: int


def add_backup_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="the file to write the copy to")
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="the database to copy (default: DATABASE_PATH from the settings)",
    )


class _Stopped(Exception):
    """SIGTERM: raised in the main thread, so the work folder is removed on the way out."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


def run_backup(args: argparse.Namespace) -> int:
    """Copy the database to `args.path`; 0 when done, 1 if it could not be, 2 for settings."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return _run_backup(args)
    except (_Stopped, KeyboardInterrupt):
        print(f"The backup was stopped; nothing was written to {args.path}.", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_backup(args: argparse.Namespace) -> int:
    database: Path | None = args.database
    url: str | None = None
    if database is None:
        try:
            settings = load_settings()
        except SettingsError as error:
            print(error, file=sys.stderr)
            return 2
        database = settings.database_path
        url = settings.database_url.get_secret_value() if settings.database_url else None
    try:
        backup = back_up_postgres(url, args.path) if url else back_up(database, args.path)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"Copied {'the PostgreSQL database' if url else database} to {backup.path}: "
        f"{backup.registrations} registrations, {backup.waitlisted} on waitlists."
    )
    return 0


def back_up(database: Path, destination: Path) -> Backup:
    """Write a consistent copy of `database` (which a bot may be using) to `destination`."""
    database, destination = Path(database), Path(destination)
    journal = _journal_of(database)
    if not database.exists() and not journal.exists():
        raise BackupError(f"{database}: there is no database there to copy")
    if _same_file(destination, database) or _same_file(destination, journal):
        raise BackupError(f"{destination} is the database itself: choose another path")
    _check_destination(destination)
    try:
        with work_folder(destination.parent) as work:
            copy, attempts = _consistent_copy(database, work)
            registrations, waitlisted = _places(copy)
            os.replace(copy, destination)
            fsync_directory(destination.parent)
    except OSError as error:
        raise BackupError(f"{destination}: could not write the copy ({error})") from error
    return Backup(destination, registrations, waitlisted, attempts)


def _check_destination(destination: Path) -> None:
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory: give the path of a file")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such directory")
    beside = _journal_of(destination)
    if beside.exists() and beside.stat().st_size > 0:
        # Its lines would be replayed on top of the copy: a database, not a backup, lives there.
        raise BackupError(f"{beside} is not empty: {destination} is a database in use")


def back_up_postgres(url: str, destination: Path) -> Backup:
    """Write a consistent copy of the PostgreSQL database at `url` to `destination`, as a
    TinyDB database."""
    from bot.store.postgres import PostgresEngine

    destination = Path(destination)
    _check_destination(destination)
    try:
        source = PostgresEngine(url)
    except StoreError as error:
        raise BackupError(str(error)) from error
    try:
        with work_folder(destination.parent) as work:
            copy = work / destination.name
            target = TinyDBStore(copy)
            try:
                copy_all(source, target.engine)
            finally:
                target.close()
            for leftover in work.glob(f"{destination.name}.*"):
                leftover.unlink()  # its empty journal and lock: the snapshot holds it all
            registrations, waitlisted = _places(copy)
            os.replace(copy, destination)
            fsync_directory(destination.parent)
    except StoreError as error:
        raise BackupError(f"could not copy the database: {error}") from error
    except OSError as error:
        raise BackupError(f"{destination}: could not write the copy ({error})") from error
    finally:
        source.close()
    return Backup(destination, registrations, waitlisted, 1)


WORK_PREFIX = ".backup-"
LOCK = ".lock"


@contextmanager
def work_folder(parent: Path) -> Iterator[Path]:
    """A new hidden folder in `parent` for one backup's work, locked while it works and
    removed after, however it ends (but SIGKILL). Folders that earlier backups left there
    when killed (unlocked) are removed first."""
    remove_stale(parent)
    with tempfile.TemporaryDirectory(dir=parent, prefix=WORK_PREFIX) as name:
        work = Path(name)
        fd = os.open(work / LOCK, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield work
        finally:
            os.close(fd)


def remove_stale(parent: Path) -> list[Path]:
    """Remove the work folders in `parent` whose backup is no longer running (its lock is
    free, or it never made one and is over a minute old); the folders removed."""
    removed = []
    for folder in parent.glob(WORK_PREFIX + "*"):
        with suppress(OSError):  # gone meanwhile, or not ours to read: left alone
            if folder.is_dir() and not _in_use(folder):
                shutil.rmtree(folder)
                removed.append(folder)
    return removed


def _in_use(folder: Path) -> bool:
    try:
        fd = os.open(folder / LOCK, os.O_RDWR)
    except FileNotFoundError:
        return time.time() - folder.stat().st_mtime < 60  # just made: its lock comes next
    except OSError:
        return True  # cannot tell: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _places(path: Path) -> tuple[int, int]:
    """How many registrations and waitlist places the database at `path` holds."""
    store = TinyDBStore(path)
    try:
        return store.engine.read(
            lambda tx: (tx.count(PLACES, state="registered"), tx.count(PLACES, state="waiting"))
        )
    finally:
        store.close()


def _consistent_copy(database: Path, work: Path) -> tuple[Path, int]:
    """Copy the journal, then the snapshot, into `work`; read them back with the store's
    loader and write them as one snapshot. The path of that snapshot, and the attempts."""
    problem: StoreError | None = None
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(0.05 * attempt)
        folder = work / str(attempt)
        folder.mkdir()
        copy = folder / database.name
        journal = _read(_journal_of(database))
        if journal:
            _write(_journal_of(copy), journal[: journal.rfind(b"\n") + 1])  # whole lines only
        snapshot = _read(database)
        if snapshot is not None:
            _write(copy, snapshot)
        try:
            TinyDBStore(copy).close()  # reads and checks both; writes one snapshot of them
        except StoreError as error:
            problem = error
            continue
        return copy, attempt + 1
    raise BackupError(
        f"{database}: no consistent copy could be read back after {ATTEMPTS} attempts "
        f"({problem}); the database itself was not changed"
    )


def _read(path: Path) -> bytes | None:
    """The whole file as it is now (None if there is none). A file replaced while it is read
    is read as it was when opened."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(content)


def _journal_of(database: Path) -> Path:
    return database.with_name(database.name + ".journal")


def _same_file(one: Path, other: Path) -> bool:
    if one.exists() and other.exists():
        return one.samefile(other)
    return one.resolve() == other.resolve()
