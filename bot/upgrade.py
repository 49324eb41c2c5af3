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
    copies = [(path, _aside(path, ".v1")), (journal, _aside(journal, ".v1"))]
    if marker.exists():
        logger.warning("%s: an upgrade was cut short; starting it again from the copies", path)
        for original, copy in copies:
            if copy.exists():
                legacy.replace_atomically(original, copy.read_bytes())
            else:
                original.unlink(missing_ok=True)
    elif not old_snapshot and not _is_old(path, journal):
        return False
    else:
        for original, copy in copies:
            if original.exists():
                shutil.copyfile(original, copy)
                os.chmod(copy, legacy.FILE_MODE)
                with open(copy, "rb+") as written:
                    os.fsync(written.fileno())
        legacy.replace_atomically(marker, b"upgrading from version 1\n")
    data = _read_old(path, journal)
    building = _aside(path, ".upgrade")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(mode=legacy.DIRECTORY_MODE)
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
    legacy.fsync_directory(path.parent)
    marker.unlink()
    legacy.fsync_directory(path.parent)
    shutil.rmtree(building, ignore_errors=True)
    logger.warning(
        "%s: converted from an earlier version's format; the earlier files are kept as %s",
        path,
        ", ".join(copy.name for _, copy in copies if copy.exists()),
    )
    return True


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


def _read_old(path: Path, journal: Path) -> StateData:
    try:
        opened = legacy.open_files(path, journal)
    except legacy.StoreError as error:
        raise StoreError(str(error)) from error
    try:
        return opened.state.copy_data()
    finally:
        opened.journal.close()
        opened.lock.release()


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
