"""Broadcasts in the store: saving, replacing, ordering, and keeping them across restarts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tinydb import TinyDB

from bot.store import Broadcast, Store, StoreError, TinyDBStore
from bot.store.legacy.files import encode
from bot.store.legacy.ops import broadcast_op, register_op
from bot.store.legacy.state import State
from tests.store.helpers import EMPTY_TABLES, crash_image, journal_of

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


# --- The state --------------------------------------------------------------------------------


def test_the_operation_is_json_and_replays() -> None:
    op = broadcast_op(SENT)
    assert json.loads(json.dumps(op)) == op
    assert op["send_at"] == "2026-03-16T10:00:00.000005+00:00" and op["preview_ts"] == "1.2"
    assert broadcast_op(make(1))["sent_at"] is None
    first, second = State(), State()
    ops = [broadcast_op(make(1)), broadcast_op(SENT), broadcast_op(make(1, status="sent"))]
    assert [first.apply(dict(o)) for o in ops] == [True, True, True]
    assert [second.apply(json.loads(json.dumps(o))) for o in ops] == [True, True, True]
    assert first.apply(broadcast_op(SENT)) is False
    assert first.copy_data() == second.copy_data()
    assert State.from_data(first.copy_data()).broadcasts(None) == first.broadcasts(None)


# --- The durable store ------------------------------------------------------------------------


def test_broadcasts_survive_close_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.save_broadcast(broadcast=make(1))
    store.save_broadcast(broadcast=SENT)
    store.save_broadcast(broadcast=make(1, status="cancelled"))
    store.close()
    assert journal_of(db).read_bytes() == b""
    with TinyDB(db, access_mode="r") as stock:
        assert [d["id"] for d in stock.table("broadcasts").all()] == ["b1", "b9"]
    reopened = TinyDBStore(db)
    assert reopened.broadcasts() == [SENT, make(1, status="cancelled")]
    reopened.close()


def test_broadcasts_survive_abandoning_the_store_and_replay(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.save_broadcast(broadcast=make(1))
    store.save_broadcast(broadcast=make(1))  # unchanged: not journaled
    store.save_broadcast(broadcast=SENT)
    assert len(journal_of(db).read_bytes().splitlines()) == 2
    image = crash_image(db, tmp_path / "image")  # as if killed now: the journal only
    store.close()
    assert not image.exists()
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
    image = crash_image(db, tmp_path / "image")
    with TinyDB(image, access_mode="r") as stock:
        assert stock.table("meta").all()[0]["seq"] > 0  # a snapshot was written while open
        assert stock.table("broadcasts").all()
    store.close()
    newest = sorted(expected.values(), key=lambda b: b.created_at, reverse=True)
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert reopened.broadcasts() == newest
        assert len(reopened.registrants(session_id="s1")) == 40
        reopened.close()


def test_an_older_snapshot_without_broadcasts_opens(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    old = {
        "registrations": {"1": {"session": "s1", "user": "A", "at": "2026-03-16T09:00:00+00:00"}},
        "waitlist": {},
        "cards": {},
        "claims": {},
        "meta": {"1": {"version": 1, "seq": 1}},
    }
    db.write_text(json.dumps(old))
    line = register_op(user="B", session="s1", capacity=None, at="2026-03-16T09:01:00+00:00")
    journal_of(db).write_bytes(encode(2, line))
    store = TinyDBStore(db)
    assert store.registrants(session_id="s1") == ["A", "B"]
    assert store.broadcasts() == []
    store.save_broadcast(broadcast=make(1))
    store.close()
    reopened = TinyDBStore(db)
    assert reopened.broadcasts() == [make(1)]
    assert reopened.registrants(session_id="s1") == ["A", "B"]
    reopened.close()


def _record(**changes: object) -> dict[str, object]:
    record = broadcast_op(make(1)) | changes
    del record["op"]
    return record


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (_record(status="lost"), "unknown status 'lost'"),
        (_record(created_at="yesterday"), "created_at must be an ISO 8601 time"),
        (_record(created_at="2026-03-16T09:00:00"), "created_at must be an ISO 8601 time"),
        (_record(recipients="3"), "recipients must be a non-negative integer"),
        (_record(organiser_id=None), "organiser_id must be a non-empty string"),
        (_record(colour="red"), "fields are not"),
        ({"id": "b1"}, "fields are not"),
    ],
)
def test_a_malformed_broadcast_record_is_an_error(
    tmp_path: Path, record: dict[str, object], problem: str
) -> None:
    db = tmp_path / "bot.json"
    content = json.dumps(
        {"broadcasts": {"1": record}, **EMPTY_TABLES, "meta": {"1": {"version": 1, "seq": 0}}}
    ).encode()
    db.write_bytes(content)
    with pytest.raises(StoreError) as raised:
        TinyDBStore(db)
    message = str(raised.value)
    assert str(db) in message and "table 'broadcasts': document 1" in message
    assert problem in message
    assert db.read_bytes() == content


def test_a_broadcast_saved_twice_in_a_snapshot_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    content = json.dumps(
        {
            "broadcasts": {"1": _record(), "2": _record()},
            **EMPTY_TABLES,
            "meta": {"1": {"version": 1, "seq": 0}},
        }
    )
    db.write_text(content)
    with pytest.raises(StoreError, match="b1 saved twice"):
        TinyDBStore(db)


def test_a_malformed_broadcast_in_the_journal_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    bad = {"op": "broadcast", **_record(failed=-2)}
    lines = [encode(1, bad), encode(2, broadcast_op(make(2)))]
    journal_of(db).write_bytes(b"".join(lines))
    with pytest.raises(StoreError, match="line 1: broadcast: failed must be"):
        TinyDBStore(db)
    assert journal_of(db).read_bytes() == b"".join(lines)
