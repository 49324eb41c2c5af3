"""Helpers for the durable store's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.store.legacy.files import encode
from bot.store.legacy.ops import register_op

# The tables every snapshot the store writes has, even empty: a test's snapshot adds them.
EMPTY_TABLES: dict[str, dict[str, object]] = {
    "registrations": {}, "waitlist": {}, "cards": {}, "claims": {},
}  # fmt: skip


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def write_journal(db: Path, count: int) -> list[bytes]:
    lines = [
        encode(
            n,
            register_op(user=f"U{n}", session="s1", capacity=None, at="2026-11-23T09:00:00+00:00"),
        )
        for n in range(1, count + 1)
    ]
    journal_of(db).write_bytes(b"".join(lines))
    return lines


def crash_image(db: Path, to: Path) -> Path:
    """Copy what is on disk now, as a crash would leave it. The journal is copied first: a
    snapshot never gets older, so the pair read back is one a crash could leave."""
    to.mkdir()
    if journal_of(db).exists():
        shutil.copyfile(journal_of(db), journal_of(to / db.name))
    if db.exists():
        shutil.copyfile(db, to / db.name)
    return to / db.name
