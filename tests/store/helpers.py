"""Helpers for the store's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.outbox import records as outbox_records
from bot.records import Entry, Store
from tests.support.waiting import wait_until


def pending(store: Store) -> list[Entry]:
    """Every pending entry, in the order added (without claiming any)."""
    return store.engine.read(
        lambda tx: [outbox_records.of_doc(doc) for _, doc in tx.find("outbox", status="pending")]
    )


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def wait_compacted(db: Path, changes: int) -> None:
    """Return once a snapshot of `db` is in place and its journal holds fewer than `changes`
    lines: snapshots are written in the background, and on a loaded machine the first may
    still be under way when the last change returns."""

    def compacted() -> bool:
        journal = journal_of(db)
        return db.exists() and len(journal.read_bytes().splitlines()) < changes

    wait_until(compacted, what=f"a snapshot of {db.name} in place, its journal shortened")


def crash_image(db: Path, to: Path) -> Path:
    """Copy what is on disk now, as a crash would leave it. The journal is copied first: a
    snapshot never gets older, so the pair read back is one a crash could leave."""
    to.mkdir()
    if journal_of(db).exists():
        shutil.copyfile(journal_of(db), journal_of(to / db.name))
    if db.exists():
        shutil.copyfile(db, to / db.name)
    return to / db.name
