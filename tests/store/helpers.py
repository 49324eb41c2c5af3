"""Helpers for the durable store's tests."""

from __future__ import annotations

from pathlib import Path

from bot.store.journal import encode
from bot.store.ops import register_op


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
