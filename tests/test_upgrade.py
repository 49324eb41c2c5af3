"""A database written by the earlier store (`bot.legacy`) opens in the current one with
everything in it, once, and an upgrade cut short starts again from the copies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.legacy.model import Broadcast, Entry, Feedback
from bot.legacy.ops import (
    Op,
    broadcast_op,
    calendar_op,
    enqueue_op,
    feedback_op,
    register_op,
    reminders_op,
    revise_op,
    settle_op,
    unregister_op,
)
from bot.legacy.state import State
from bot.records import Store, TinyDBStore
from bot.registrations.records import Card
from bot.store import StoreError
from bot.store.opening import FileLock
from tests.support.legacy_files import encode, write_snapshot

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
AT = T0.isoformat()


def old_ops() -> list[Op]:
    """What an earlier bot journaled: places and a waitlist, a promotion, the outbox, a
    broadcast, people's choices, a calendar token, feedback and a revision."""
    entry = Entry("reminder", "s1", "U1", "v1", T0 + timedelta(days=1), T0)
    return [
        *(register_op(user=u, session="s1", capacity=2, at=AT) for u in ("U1", "U2", "U3", "U4")),
        unregister_op(user="U2", session="s1", capacity=2, at=AT),
        enqueue_op([entry, Entry("reminder", "s1", "Zoë", "v1", T0 + timedelta(days=1), T0)]),
        settle_op(key=entry.key, status="sent", at=T0),
        broadcast_op(Broadcast("b1", "U0", "Hello", T0, status="sent", recipients=2)),
        reminders_op(user="U1", offsets=(900,)),
        calendar_op(user="U1", token="tok-1"),
        feedback_op(Feedback("U1", "s1", T0, rating=4, learnt="a lot")),
        revise_op({"s1": "fp-1"}),
        {"op": "card", "session": "s1", "channel": "C1", "ts": "1.0"},
    ]


def check(store: Store) -> None:
    assert store.registrants(session_id="s1") == ["U1", "U3"]
    assert store.waitlist(session_id="s1") == ["U4"]
    assert store.entry(key="reminder|s1|U1|v1").status == "sent"  # type: ignore[union-attr]
    assert store.backlog() == 1
    assert store.broadcast(broadcast_id="b1").recipients == 2  # type: ignore[union-attr]
    assert store.reminders_of(user_id="U1") == (900,)
    assert store.calendar_owner(token="tok-1") == "U1"
    assert store.feedback_of(user_id="U1")["s1"].learnt == "a lot"
    assert store.revise(fingerprints={"s1": "fp-1"}) == {"s1": 0}
    assert store.card_at(channel_id="C1", message_ts="1.0") == Card("s1", "C1", "1.0")


def journal(path: Path, ops: list[Op], first: int = 1) -> None:
    lines = [encode(n, op) for n, op in enumerate(ops, start=first)]
    path.with_name(path.name + ".journal").write_bytes(b"".join(lines))


@pytest.mark.parametrize("shape", ["journal only", "snapshot and journal"])
def test_an_earlier_database_opens_with_everything(tmp_path: Path, shape: str) -> None:
    db = tmp_path / "bot.json"
    ops = old_ops()
    if shape == "journal only":
        journal(db, ops)
    else:
        state = State()
        for op in ops[:6]:
            state.apply(op)
        write_snapshot(db, state.copy_data(), 6)
        journal(db, ops[6:], first=7)
    before = db.read_bytes() if db.exists() else b""
    store = TinyDBStore(db)
    check(store)
    store.register(user_id="U5", session_id="s1", capacity=2)  # and it carries on
    store.close()
    if shape != "journal only":
        assert db.with_name("bot.json.v1").read_bytes() == before  # the earlier files, kept
    assert not db.with_name("bot.json.upgrading").exists()
    reopened = TinyDBStore(db)
    assert reopened.waitlist(session_id="s1") == ["U4", "U5"]
    assert reopened.calendar_owner(token="tok-1") == "U1"
    reopened.close()


def test_an_upgrade_cut_short_starts_again_from_the_copies(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    journal(db, old_ops())
    old = db.with_name("bot.json.journal").read_bytes()
    # As if killed after copying and marking, with half-built files in place.
    db.with_name("bot.json.journal.v1").write_bytes(old)
    db.with_name("bot.json.upgrading").write_bytes(b"upgrading from version 1\n")
    db.with_name("bot.json.journal").write_bytes(b"")
    db.write_text(json.dumps({"meta": {"1": {"version": 2, "seq": 0}}}))
    store = TinyDBStore(db)
    check(store)
    store.close()


def test_a_damaged_earlier_database_is_an_error_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    lines = [encode(1, old_ops()[0]), b"{not json\n", encode(3, old_ops()[1])]
    journal_path = db.with_name("bot.json.journal")
    journal_path.write_bytes(b"".join(lines))
    with pytest.raises(Exception, match="line 2"):
        TinyDBStore(db)
    assert journal_path.read_bytes() == b"".join(lines)


def test_an_earlier_database_still_in_use_is_left_alone(tmp_path: Path) -> None:
    """An earlier bot still running holds the lock: nothing is copied, marked or converted."""
    db = tmp_path / "bot.json"
    journal(db, old_ops())
    before = db.with_name("bot.json.journal").read_bytes()
    running = FileLock(db.with_name("bot.json.lock"), db)
    try:
        with pytest.raises(StoreError, match="already open"):
            TinyDBStore(db)
    finally:
        running.release()
    assert db.with_name("bot.json.journal").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.json.journal", "bot.json.lock"]
