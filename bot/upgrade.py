"""Opening a database written by an earlier version of the bot (one store class, journal lines
of operations: `bot.legacy`): its contents are converted, once, into every feature's
records in the current engine, and the earlier files are kept beside it (`<name>.v1`).

Crash-safe: the earlier files are copied first, then a marker file is written; the new files
are built beside the database and moved into place; the marker is removed last. A start that
finds the marker (an upgrade cut short) puts the copies back and upgrades again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from bot.broadcasts import records as broadcasts
from bot.calendar import records as calendar
from bot.feedback import records as feedback
from bot.legacy import files as legacy
from bot.legacy.state import StateData
from bot.outbox import records as outbox
from bot.outbox.records import Entry
from bot.registrations import records as places
from bot.registrations.records import Card
from bot.reminders import records as reminders
from bot.store.engine import StoreError, Tx
from bot.store.journal import DIRECTORY_MODE, fsync_directory, replace_atomically
from bot.store.opening import FileLock
from bot.store.tinydb import TinyDBEngine

logger = logging.getLogger(__name__)


def _aside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def upgrade_if_old(path: Path, *, old_snapshot: bool = False) -> bool:
    """Convert the database at `path` if an earlier version wrote it (`old_snapshot`: the
    engine found its snapshot is one); True if it did. StoreError (naming the file) if it
    cannot be read; the files are then left as they were."""
    journal = _aside(path, ".journal")
    marker = _aside(path, ".upgrading")
    if not (marker.exists() or old_snapshot or _is_old(path, journal)):
        return False
    try:
        lock = FileLock(_aside(path, ".lock"), path)  # no bot may be using the files
    except OSError as err:
        raise StoreError(f"{path.parent}: cannot create a file there ({err.strerror})") from err
    try:
        copies = _copy_aside(path, journal, marker)
        data = legacy.read_database(path, journal)
        _replace(path, journal, data)
        marker.unlink()
        fsync_directory(path.parent)
    finally:
        lock.release()
    logger.warning(
        "%s: converted from an earlier version's format; the earlier files are kept as %s",
        path,
        ", ".join(copy.name for copy in copies),
    )
    return True


def _copy_aside(path: Path, journal: Path, marker: Path) -> list[Path]:
    """Keep the earlier files as `.v1` copies, then mark the upgrade begun; or, after an
    upgrade cut short (the marker is there), put the copies back. The copies kept."""
    pairs = [(path, _aside(path, ".v1")), (journal, _aside(journal, ".v1"))]
    if marker.exists():
        logger.warning("%s: an upgrade was cut short; starting it again from the copies", path)
        for original, copy in pairs:
            if copy.exists():
                replace_atomically(original, copy.read_bytes())
            else:
                original.unlink(missing_ok=True)
    else:
        for original, copy in pairs:
            if original.exists():
                replace_atomically(copy, original.read_bytes())
        replace_atomically(marker, b"upgrading from version 1\n")
    return [copy for _, copy in pairs if copy.exists()]


def _replace(path: Path, journal: Path, data: StateData) -> None:
    """Write `data` as the current engine's files, built beside them and moved into place."""
    building = _aside(path, ".upgrade")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(mode=DIRECTORY_MODE)
    engine = TinyDBEngine(building / path.name)
    try:
        engine.transaction(lambda tx: write_all(tx, data))
    finally:
        engine.close()
    os.replace(building / path.name, path)
    new_journal = building / journal.name
    if new_journal.exists():
        os.replace(new_journal, journal)
    else:
        journal.unlink(missing_ok=True)
    fsync_directory(path.parent)
    shutil.rmtree(building, ignore_errors=True)


def _is_old(path: Path, journal: Path) -> bool:
    """Whether an earlier version wrote these files before its first snapshot: a journal of
    operations and no snapshot. (A snapshot of the earlier format the engine recognises.)"""
    try:
        if path.exists():
            return False
        with open(journal, "rb") as lines:
            first = lines.readline()
    except OSError:
        return False  # missing (a new database), or the engine says what is wrong
    try:
        line = json.loads(first)
    except ValueError:
        return False
    return isinstance(line, dict) and "op" in line


def write_all(tx: Tx, data: StateData) -> None:
    """Every record an earlier version kept, as the features keep them now. One-time claims
    (from before the outbox) are not carried over: nothing reads them."""
    for state, sessions in (("registered", data.registered), ("waiting", data.waiting)):
        for session, users in sessions.items():
            for user, at in users.items():
                tx.add(places.PLACES, f"{session}|{user}",
                       {"session": session, "user": user, "state": state, "at": at})  # fmt: skip
    for card in data.cards:
        places.save_card(tx, Card(card.session_id, card.channel_id, card.message_ts))
    for broadcast in data.broadcasts:
        broadcasts.save(tx, broadcasts.Broadcast(**vars(broadcast)))
    for entry in data.entries:
        tx.add(outbox.TABLE, entry.key, outbox.to_doc(Entry(**vars(entry))))
    for user, offsets in data.reminders.items():
        reminders.set_choice(tx, user, offsets)
    for user, token in data.tokens.items():
        calendar.set_token(tx, user, token)
    for given in data.feedback:
        feedback.save(tx, feedback.Feedback(**vars(given)))
    for session, (fingerprint, number) in data.revisions.items():
        tx.put(calendar.REVISIONS, session, {"fingerprint": fingerprint, "number": number})
