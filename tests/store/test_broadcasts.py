"""Broadcasts in the store: saving, replacing, ordering, and keeping them across restarts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.records import Broadcast, Store, TinyDBStore
from tests.store.helpers import crash_image, journal_of, wait_compacted

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def make(n: int, **fields: object) -> Broadcast:
    """Broadcast `b<n>`, created n minutes after T0."""
    base = Broadcast(
        id=f"b{n}", organiser_id="U0", text=f"News {n}", created_at=T0 + timedelta(minutes=n)
    )
    return replace(base, **fields)  # type: ignore[arg-type]


SENT = make(
    9,
    audience="session:s1",
    status="sent",
    send_at=T0 + timedelta(hours=1, microseconds=5),
    sent_at=datetime(2026, 3, 16, 10, 0, 1, tzinfo=timezone(timedelta(hours=1))),
    recipients=3,
    delivered=2,
    failed=1,
    preview_channel="D1",
    preview_ts="1.2",
    text="",
)


# --- Through every backend --------------------------------------------------------------------


def test_save_replace_and_read(store: Store) -> None:
    assert store.broadcast(broadcast_id="b1") is None
    assert store.broadcasts() == []
    store.save_broadcast(broadcast=make(1))
    assert store.broadcast(broadcast_id="b1") == make(1)
    store.save_broadcast(broadcast=make(1))  # the same again: no change
    scheduled = make(1, status="scheduled", send_at=T0 + timedelta(days=1))
    store.save_broadcast(broadcast=scheduled)
    assert store.broadcast(broadcast_id="b1") == scheduled
    assert store.broadcasts() == [scheduled]
    store.save_broadcast(broadcast=SENT)
    assert store.broadcast(broadcast_id="b9") == SENT


def test_newest_first_with_ties_by_id_and_a_limit(store: Store) -> None:
    for n in [3, 1, 4, 2]:
        store.save_broadcast(broadcast=make(n))
    store.save_broadcast(broadcast=make(5, created_at=T0 + timedelta(minutes=4)))
    # Replacing one keeps its place by creation time, not by when it was saved.
    store.save_broadcast(broadcast=make(1, status="cancelled"))
    assert [b.id for b in store.broadcasts()] == ["b4", "b5", "b3", "b2", "b1"]
    assert [b.id for b in store.broadcasts(limit=2)] == ["b4", "b5"]
    assert store.broadcasts(limit=0) == []
    assert len(store.broadcasts(limit=10)) == 5


def test_malformed_broadcasts_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="aware"):
        store.save_broadcast(broadcast=make(1, created_at=datetime(2026, 3, 16, 9)))
    with pytest.raises(ValueError, match="status"):
        store.save_broadcast(broadcast=make(1, status="lost"))
    with pytest.raises(ValueError, match="delivered"):
        store.save_broadcast(broadcast=make(1, delivered=-1))
    with pytest.raises(ValueError, match="id"):
        store.save_broadcast(broadcast=make(1, id=""))
    assert store.broadcasts() == []


# --- The durable store ------------------------------------------------------------------------


def test_broadcasts_survive_close_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.save_broadcast(broadcast=make(1))
    store.save_broadcast(broadcast=SENT)
    store.save_broadcast(broadcast=make(1, status="cancelled"))
    store.close()
    reopened = TinyDBStore(db)
    assert reopened.broadcasts() == [SENT, make(1, status="cancelled")]
    reopened.close()


def test_broadcasts_survive_abandoning_the_store(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.save_broadcast(broadcast=make(1))
    store.save_broadcast(broadcast=make(1))  # unchanged
    store.save_broadcast(broadcast=SENT)
    image = crash_image(db, tmp_path / "image")  # as if killed now
    store.close()
    reopened = TinyDBStore(image)
    assert reopened.broadcasts() == [SENT, make(1)]
    reopened.close()


def test_broadcasts_survive_compaction(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=3)
    expected: dict[str, Broadcast] = {}
    for n in range(40):
        broadcast = make(n % 12, status="sent" if n >= 12 else "draft", delivered=n)
        store.save_broadcast(broadcast=broadcast)
        store.register(user_id=f"U{n}", session_id="s1", capacity=None)
        expected[broadcast.id] = broadcast
    wait_compacted(db, 80)  # of 80 changes
    image = crash_image(db, tmp_path / "image")
    assert image.exists()  # a snapshot was written while open
    assert len(journal_of(image).read_bytes().splitlines()) < 80
    store.close()
    newest = sorted(expected.values(), key=lambda b: b.created_at, reverse=True)
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert reopened.broadcasts() == newest
        assert len(reopened.registrants(session_id="s1")) == 40
        reopened.close()
