"""The outbox in the store: entries kept once per key, settled once, cancelled, listed and
waited for; added in the same step as a promotion or a broadcast change; and kept across
restarts, from the journal and from the snapshot."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from bot.store import (
    BROADCAST_KIND,
    SETTLED,
    Broadcast,
    Counts,
    Entry,
    Notice,
    Seat,
    Store,
    StoreError,
    TinyDBStore,
)
from bot.store.legacy.files import encode
from bot.store.legacy.ops import entry_record, fill_op, register_op, unregister_op
from tests.store.helpers import EMPTY_TABLES, crash_image, journal_of

T0 = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=2)
NOTICE = Notice(kind="promotion", subject="s1", deadline=DEADLINE)


def entry(
    recipient: str = "U1",
    *,
    kind: str = "reminder",
    subject: str = "s1",
    version: str = "v1",
    **fields: Any,
) -> Entry:
    """A pending entry, created at T0, worth sending for a day."""
    base = Entry(
        kind=kind,
        subject=subject,
        recipient=recipient,
        version=version,
        deadline=T0 + timedelta(days=1),
        created_at=T0,
    )
    return replace(base, **fields)


def broadcast(broadcast_id: str = "b1", **fields: Any) -> Broadcast:
    base = Broadcast(id=broadcast_id, organiser_id="U0", text="News", created_at=T0)
    return replace(base, **fields)


def pending(store: Store) -> list[Entry]:
    """Every pending entry, in the order added (without waiting)."""
    entries, _ = store.wait_entries(after=0, timeout=0)
    return entries


def line_up(store: Store, session: str, users: list[str], capacity: int) -> None:
    for user in users:
        store.register(user_id=user, session_id=session, capacity=capacity)


# --- Through every backend --------------------------------------------------------------------


def test_an_entry_is_kept_once_per_key(store: Store) -> None:
    first, second = entry("U1"), entry("U2")
    assert store.enqueue(entries=[first, second]) == [first, second]
    assert store.enqueue(entries=[first]) == []
    # The same key with other details is still the same entry: the first one is kept.
    changed = replace(first, message={"text": "other"}, deadline=T0 + timedelta(days=9))
    third = entry("U1", version="v2")
    assert store.enqueue(entries=[changed, third, third]) == [third]
    assert store.enqueue(entries=[]) == []
    assert store.entry(key=first.key) == first
    assert store.entry(key=third.key) == third
    assert store.entry(key=entry("U9").key) is None
    assert pending(store) == [first, second, third]
    assert store.counts(kind="reminder", subject="s1") == Counts(pending=3)


def test_entries_differing_in_any_part_of_the_key_are_separate(store: Store) -> None:
    entries = [
        entry(),
        entry(kind="promotion"),
        entry(subject="s2"),
        entry(recipient="U2"),
        entry(version="v2"),
    ]
    assert len({e.key for e in entries}) == 5
    assert store.enqueue(entries=entries) == entries
    assert store.enqueue(entries=entries) == []


def test_a_malformed_entry_is_refused_and_nothing_is_added(store: Store) -> None:
    naive = entry("U2", deadline=datetime(2026, 3, 17, 9, 0))
    with pytest.raises(ValueError, match="aware"):
        store.enqueue(entries=[entry("U1"), naive])
    with pytest.raises(ValueError, match="recipient"):
        store.enqueue(entries=[entry("")])
    with pytest.raises(ValueError, match="status"):
        store.enqueue(entries=[entry(status="lost")])
    assert pending(store) == []
    assert store.entry(key=entry("U1").key) is None


def test_settle_moves_a_pending_entry_once_and_counts_follow(store: Store) -> None:
    statuses = list(SETTLED)
    entries = [entry(f"U{n}") for n in range(len(statuses) + 1)]
    store.enqueue(entries=entries)
    store.enqueue(entries=[entry(subject="s2")])
    assert store.counts(kind="reminder", subject="s1") == Counts(pending=5)
    for n, status in enumerate(statuses):
        at = T0 + timedelta(minutes=n)
        assert store.settle(key=entries[n].key, status=status, at=at, detail=f"d{n}")
        # A second settle changes nothing (only a cancelled entry may still be marked sent,
        # see below).
        for again in statuses:
            if not (status == "cancelled" and again == "sent"):
                later = at + timedelta(hours=1)
                assert not store.settle(key=entries[n].key, status=again, at=later), again
        settled = store.entry(key=entries[n].key)
        assert settled == replace(entries[n], status=status, settled_at=at, detail=f"d{n}")
    counts = store.counts(kind="reminder", subject="s1")
    assert counts == Counts(pending=1, sent=1, failed=1, expired=1, cancelled=1)
    assert (counts.total, counts.settled) == (5, 4)
    assert store.counts(kind="reminder", subject="s2") == Counts(pending=1)
    assert store.counts(kind="promotion", subject="s1") == Counts()
    assert store.counts(kind="reminder", subject="nothing") == Counts()
    assert pending(store) == [entries[4], entry(subject="s2")]
    assert not store.settle(key="no|such|entry|key", status="sent", at=T0)


def test_a_cancelled_entry_can_still_be_marked_sent_once(store: Store) -> None:
    # It was on its way when it was cancelled: the record says that it went.
    store.enqueue(entries=[entry("U1"), entry("U2")])
    assert store.cancel_entries(kind="reminder", subject="s1", at=T0) == 2
    at = T0 + timedelta(minutes=1)
    assert store.settle(key=entry("U1").key, status="sent", at=at, detail="went")
    assert store.entry(key=entry("U1").key) == replace(
        entry("U1"), status="sent", settled_at=at, detail="went"
    )
    assert store.counts(kind="reminder", subject="s1") == Counts(sent=1, cancelled=1)
    assert not store.settle(key=entry("U1").key, status="sent", at=at)
    assert not store.settle(key=entry("U1").key, status="cancelled", at=at)
    # Only as sent: a cancelled entry is not failed or expired afterwards.
    assert not store.settle(key=entry("U2").key, status="failed", at=at)
    assert not store.settle(key=entry("U2").key, status="expired", at=at)
    assert store.counts(kind="reminder", subject="s1") == Counts(sent=1, cancelled=1)
    assert store.problems(since=T0) == []
    assert pending(store) == []


def test_settle_refuses_pending_and_naive_times(store: Store) -> None:
    store.enqueue(entries=[entry()])
    with pytest.raises(ValueError, match="status"):
        store.settle(key=entry().key, status="pending", at=T0)
    with pytest.raises(ValueError, match="aware"):
        store.settle(key=entry().key, status="sent", at=datetime(2026, 3, 16, 9, 0))
    assert store.entry(key=entry().key) == entry()


def test_cancel_entries_cancels_only_pending_ones_of_that_kind_and_subject(store: Store) -> None:
    mine = [entry(f"U{n}", kind="broadcast", subject="b1") for n in range(4)]
    others = [
        entry("U1", kind="broadcast", subject="b2"),
        entry("U1", kind="reminder", subject="b1"),
    ]
    store.enqueue(entries=mine + others)
    store.settle(key=mine[0].key, status="sent", at=T0)
    store.settle(key=mine[1].key, status="failed", at=T0, detail="channel_not_found")
    at = T0 + timedelta(hours=1)
    assert store.cancel_entries(kind="broadcast", subject="b1", at=at) == 2
    assert store.cancel_entries(kind="broadcast", subject="b1", at=at) == 0
    assert store.cancel_entries(kind="broadcast", subject="nothing", at=at) == 0
    assert store.counts(kind="broadcast", subject="b1") == Counts(sent=1, failed=1, cancelled=2)
    assert store.entry(key=mine[0].key) == replace(mine[0], status="sent", settled_at=T0)
    cancelled = store.entry(key=mine[2].key)
    assert cancelled is not None
    assert (cancelled.status, cancelled.settled_at) == ("cancelled", at)
    assert pending(store) == others
    assert store.counts(kind="broadcast", subject="b2") == Counts(pending=1)
    assert store.counts(kind="reminder", subject="b1") == Counts(pending=1)


def test_problems_lists_failed_and_expired_since_a_time_oldest_first(store: Store) -> None:
    entries = [entry(f"U{n}") for n in range(7)]
    store.enqueue(entries=entries)
    hour = timedelta(hours=1)
    store.settle(key=entries[0].key, status="failed", at=T0, detail="too early")
    store.settle(key=entries[1].key, status="expired", at=T0 + 3 * hour, detail="late")
    store.settle(key=entries[2].key, status="failed", at=T0 + 2 * hour, detail="blocked")
    store.settle(key=entries[3].key, status="sent", at=T0 + 2 * hour)
    store.settle(key=entries[4].key, status="cancelled", at=T0 + 2 * hour)
    # Another offset: the same moment as T0 + 1 hour.
    other_zone = (T0 + hour).astimezone(timezone(timedelta(hours=2)))
    store.settle(key=entries[5].key, status="failed", at=other_zone, detail="edge")
    problems = store.problems(since=T0 + hour)
    assert [p.recipient for p in problems] == ["U5", "U2", "U1"]
    assert [p.detail for p in problems] == ["edge", "blocked", "late"]
    assert [p.recipient for p in store.problems(since=T0 + 2 * hour)] == ["U2", "U1"]
    assert store.problems(since=T0 + 4 * hour) == []
    assert len(store.problems(since=T0 - hour)) == 4


def test_an_unregister_that_promotes_adds_one_entry_for_the_promoted(store: Store) -> None:
    line_up(store, "s1", ["A", "B", "C"], 1)
    before = datetime.now(UTC) - timedelta(seconds=1)  # versions are to the second
    result = store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    assert result.promoted == "B"
    [added] = pending(store)
    assert (added.kind, added.subject, added.recipient) == ("promotion", "s1", "B")
    assert added.deadline == DEADLINE
    assert added.status == "pending" and added.message is None
    assert added.version
    assert before <= added.created_at <= datetime.now(UTC)
    assert store.entry(key=added.key) == added
    assert store.counts(kind="promotion", subject="s1") == Counts(pending=1)
    assert store.seat(user_id="B", session_id="s1") == Seat("registered")


def test_an_unregister_that_promotes_nobody_adds_no_entry(store: Store) -> None:
    line_up(store, "s1", ["A", "B", "C"], 1)
    line_up(store, "s2", ["D"], 1)
    # Leaving the waitlist, leaving with nobody waiting, without a seat, without a free place.
    for user, session, capacity in [("C", "s1", 1), ("D", "s2", 1), ("Z", "s1", 1), ("A", "s1", 0)]:
        left = store.unregister(user_id=user, session_id=session, capacity=capacity, notice=NOTICE)
        assert left.promoted is None, user
    assert pending(store) == []
    assert store.counts(kind="promotion", subject="s1") == Counts()
    # A promotion without a notice adds nothing either.
    line_up(store, "s3", ["E", "F"], 1)
    assert store.unregister(user_id="E", session_id="s3", capacity=1).promoted == "F"
    assert pending(store) == []


def test_fill_adds_one_entry_for_each_promoted(store: Store) -> None:
    line_up(store, "s1", ["A", "B", "C", "D"], 1)
    assert store.fill(session_id="s1", capacity=3, notice=NOTICE) == ["B", "C"]
    added = pending(store)
    assert [e.recipient for e in added] == ["B", "C"]
    assert {(e.kind, e.subject, e.deadline, e.status) for e in added} == {
        ("promotion", "s1", DEADLINE, "pending")
    }
    assert store.fill(session_id="s1", capacity=3, notice=NOTICE) == []
    assert store.fill(session_id="s1", capacity=None) == ["D"]  # no notice: no entry
    assert pending(store) == added
    assert store.counts(kind="promotion", subject="s1") == Counts(pending=2)


def test_a_promotion_entry_is_kept_with_the_others(store: Store) -> None:
    # The promotion's entry is an ordinary entry: it is settled and counted like any other.
    line_up(store, "s1", ["A", "B"], 1)
    store.enqueue(entries=[entry("X", kind="promotion")])
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    promoted = [e for e in pending(store) if e.recipient == "B"]
    assert len(promoted) == 1
    assert store.settle(key=promoted[0].key, status="sent", at=T0)
    assert store.counts(kind="promotion", subject="s1") == Counts(pending=1, sent=1)
    assert store.cancel_entries(kind="promotion", subject="s1", at=T0) == 1


def test_change_broadcast_applies_only_when_the_status_is_in_when(store: Store) -> None:
    store.save_broadcast(broadcast=broadcast())
    refused = store.change_broadcast(
        broadcast_id="b1",
        when=("scheduled",),
        changes={"status": "sending"},
        entries=[entry("U1", kind=BROADCAST_KIND, subject="b1")],
    )
    assert refused is None
    assert store.broadcast(broadcast_id="b1") == broadcast()
    assert store.counts(kind=BROADCAST_KIND, subject="b1") == Counts()
    assert pending(store) == []
    unknown = store.change_broadcast(broadcast_id="b9", when=("draft",), changes={"text": "x"})
    assert unknown is None and store.broadcast(broadcast_id="b9") is None

    send_at = T0 + timedelta(hours=3)
    scheduled = store.change_broadcast(
        broadcast_id="b1",
        when=("draft", "scheduled"),
        changes={"status": "scheduled", "send_at": send_at, "preview_ts": "1.2"},
    )
    expected = broadcast(status="scheduled", send_at=send_at, preview_ts="1.2")
    assert scheduled == expected
    assert store.broadcast(broadcast_id="b1") == expected
    assert pending(store) == []


def test_change_broadcast_adds_its_entries_in_the_same_step(store: Store) -> None:
    store.save_broadcast(broadcast=broadcast())
    entries = [entry(f"U{n}", kind=BROADCAST_KIND, subject="b1") for n in range(3)]
    sending = store.change_broadcast(
        broadcast_id="b1",
        when=("draft", "scheduled"),
        changes={"status": "sending", "recipients": 3},
        entries=entries,
    )
    assert sending == broadcast(status="sending", recipients=3)
    assert pending(store) == entries
    assert store.counts(kind=BROADCAST_KIND, subject="b1") == Counts(pending=3)
    # A second Send: refused, and no entries added twice.
    again = store.change_broadcast(
        broadcast_id="b1", when=("draft",), changes={"status": "sending"}, entries=entries
    )
    assert again is None
    assert store.counts(kind=BROADCAST_KIND, subject="b1") == Counts(pending=3)


def test_cancelling_a_broadcast_cancels_its_pending_entries(store: Store) -> None:
    store.save_broadcast(broadcast=broadcast("b1"))
    store.save_broadcast(broadcast=broadcast("b2", status="sending"))
    mine = [entry(f"U{n}", kind=BROADCAST_KIND, subject="b1") for n in range(3)]
    theirs = entry("U1", kind=BROADCAST_KIND, subject="b2")
    unrelated = entry("U1", kind="reminder", subject="b1")
    store.enqueue(entries=[theirs, unrelated])
    store.change_broadcast(
        broadcast_id="b1", when=("draft",), changes={"status": "sending"}, entries=mine
    )
    store.settle(key=mine[0].key, status="sent", at=T0)
    before = datetime.now(UTC)
    cancelled = store.change_broadcast(
        broadcast_id="b1", when=("scheduled", "sending"), changes={"status": "cancelled"}
    )
    assert cancelled is not None and cancelled.status == "cancelled"
    assert store.counts(kind=BROADCAST_KIND, subject="b1") == Counts(sent=1, cancelled=2)
    gone = store.entry(key=mine[1].key)
    assert gone is not None and gone.status == "cancelled"
    assert gone.settled_at is not None and before <= gone.settled_at <= datetime.now(UTC)
    assert pending(store) == [theirs, unrelated]
    assert store.counts(kind=BROADCAST_KIND, subject="b2") == Counts(pending=1)
    # Entries given with the cancelling change itself are cancelled too.
    late = entry("U7", kind=BROADCAST_KIND, subject="b2")
    store.change_broadcast(
        broadcast_id="b2", when=("sending",), changes={"status": "cancelled"}, entries=[late]
    )
    assert store.counts(kind=BROADCAST_KIND, subject="b2") == Counts(cancelled=2)
    assert pending(store) == [unrelated]


def test_a_change_to_another_status_cancels_nothing(store: Store) -> None:
    store.save_broadcast(broadcast=broadcast(status="sending"))
    store.enqueue(entries=[entry("U1", kind=BROADCAST_KIND, subject="b1")])
    store.change_broadcast(broadcast_id="b1", when=("sending",), changes={"status": "sent"})
    assert store.counts(kind=BROADCAST_KIND, subject="b1") == Counts(pending=1)


def test_a_malformed_broadcast_change_changes_nothing(store: Store) -> None:
    store.save_broadcast(broadcast=broadcast())
    with pytest.raises(ValueError):
        store.change_broadcast(broadcast_id="b1", when=("draft",), changes={"id": "b2"})
    with pytest.raises(ValueError):
        store.change_broadcast(broadcast_id="b1", when=("draft",), changes={"colour": "red"})
    with pytest.raises(ValueError, match="status"):
        store.change_broadcast(broadcast_id="b1", when=("draft",), changes={"status": "lost"})
    with pytest.raises(ValueError):
        store.change_broadcast(
            broadcast_id="b1",
            when=("draft",),
            changes={"status": "sending"},
            entries=[entry(deadline=datetime(2026, 3, 17))],
        )
    assert store.broadcast(broadcast_id="b1") == broadcast()
    assert pending(store) == []


def test_wait_entries_returns_pending_entries_and_the_position(store: Store) -> None:
    entries = [entry(f"U{n}") for n in range(3)]
    store.enqueue(entries=entries)
    store.settle(key=entries[1].key, status="sent", at=T0)
    began = time.monotonic()
    assert store.wait_entries(after=0, timeout=5) == ([entries[0], entries[2]], 3)
    assert store.wait_entries(after=1, timeout=5) == ([entries[2]], 3)
    assert time.monotonic() - began < 0.5  # nothing to wait for
    store.enqueue(entries=[entry("U9")])
    assert store.wait_entries(after=3, timeout=5) == ([entry("U9")], 4)


def test_wait_entries_returns_nothing_after_the_timeout(store: Store) -> None:
    began = time.monotonic()
    assert store.wait_entries(after=0, timeout=0.2) == ([], 0)
    assert 0.15 <= time.monotonic() - began < 0.6
    store.enqueue(entries=[entry()])
    store.enqueue(entries=[entry()])  # already there: nothing new
    store.settle(key=entry().key, status="sent", at=T0)  # settled: nothing new either
    began = time.monotonic()
    assert store.wait_entries(after=1, timeout=0.2) == ([], 1)
    assert 0.15 <= time.monotonic() - began < 0.6


def test_wait_entries_wakes_up_when_another_thread_enqueues(store: Store) -> None:
    got: list[tuple[list[Entry], int]] = []
    waited: list[float] = []

    def wait() -> None:
        began = time.monotonic()
        got.append(store.wait_entries(after=0, timeout=5))
        waited.append(time.monotonic() - began)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.1)
    store.enqueue(entries=[entry()])
    waiter.join(timeout=2)
    assert not waiter.is_alive()
    assert got == [([entry()], 1)]
    assert waited[0] < 1.0


def test_wait_entries_wakes_up_for_a_promotion(store: Store) -> None:
    line_up(store, "s1", ["A", "B"], 1)
    got: list[tuple[list[Entry], int]] = []
    waiter = threading.Thread(target=lambda: got.append(store.wait_entries(after=0, timeout=5)))
    began = time.monotonic()
    waiter.start()
    time.sleep(0.1)
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    waiter.join(timeout=2)
    assert time.monotonic() - began < 1.0
    [(entries, position)] = got
    assert [e.recipient for e in entries] == ["B"] and position == 1


# --- The durable store ------------------------------------------------------------------------


def fill_outbox(store: Store) -> None:
    """Entries of every kind and status, a broadcast sent and one cancelled, promotions."""
    message = {"text": "Änderung: Raum 2 → Raum 5", "blocks": [{"type": "section"}]}
    store.enqueue(entries=[entry("U1"), entry("U2", message=message), entry("U3")])
    store.settle(key=entry("U1").key, status="sent", at=T0)
    store.settle(key=entry("U2").key, status="failed", at=T0, detail="user_not_found")
    store.settle(key=entry("U3").key, status="expired", at=T0 + timedelta(hours=1))
    store.enqueue(entries=[entry("U4", subject="s9")])
    store.cancel_entries(kind="reminder", subject="s9", at=T0)
    store.save_broadcast(broadcast=broadcast("b1"))
    store.save_broadcast(broadcast=broadcast("b2"))
    for broadcast_id in ("b1", "b2"):
        store.change_broadcast(
            broadcast_id=broadcast_id,
            when=("draft",),
            changes={"status": "sending", "recipients": 2},
            entries=[entry(u, kind=BROADCAST_KIND, subject=broadcast_id) for u in ("U1", "U2")],
        )
    store.settle(key=entry("U1", kind=BROADCAST_KIND, subject="b1").key, status="sent", at=T0)
    store.change_broadcast(broadcast_id="b2", when=("sending",), changes={"status": "cancelled"})
    went = entry("U2", kind=BROADCAST_KIND, subject="b2").key
    store.settle(key=went, status="sent", at=T0 + timedelta(minutes=5), detail="went anyway")
    line_up(store, "s1", ["A", "B", "C", "D", "E"], 1)
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    store.fill(session_id="s1", capacity=3, notice=NOTICE)
    store.enqueue(entries=[entry("U5", version="v2")])


OUTBOX_KEYS = [
    entry("U1").key,
    entry("U2").key,
    entry("U3").key,
    entry("U4", subject="s9").key,
    entry("U5", version="v2").key,
    *(entry(u, kind=BROADCAST_KIND, subject=b).key for b in ("b1", "b2") for u in ("U1", "U2")),
]


def outbox_of(store: Store) -> dict[str, Any]:
    """Everything the outbox tells about the entries `fill_outbox` made."""
    return {
        "entries": {key: store.entry(key=key) for key in OUTBOX_KEYS},
        "pending": pending(store),
        "problems": store.problems(since=T0),
        "counts": {
            (kind, subject): store.counts(kind=kind, subject=subject)
            for kind, subject in [
                ("reminder", "s1"),
                ("reminder", "s9"),
                (BROADCAST_KIND, "b1"),
                (BROADCAST_KIND, "b2"),
                ("promotion", "s1"),
            ]
        },
        "broadcasts": store.broadcasts(),
        "registered": store.registrants(session_id="s1"),
        "waiting": store.waitlist(session_id="s1"),
    }


def check_filled(outbox: dict[str, Any]) -> None:
    """What `fill_outbox` leaves."""
    assert all(outbox["entries"].values())
    assert outbox["counts"] == {
        ("reminder", "s1"): Counts(pending=1, sent=1, failed=1, expired=1),
        ("reminder", "s9"): Counts(cancelled=1),
        (BROADCAST_KIND, "b1"): Counts(pending=1, sent=1),
        (BROADCAST_KIND, "b2"): Counts(sent=1, cancelled=1),
        ("promotion", "s1"): Counts(pending=3),
    }
    promoted = [e.recipient for e in outbox["pending"] if e.kind == "promotion"]
    assert promoted == ["B", "C", "D"]
    assert outbox["registered"] == ["B", "C", "D"] and outbox["waiting"] == ["E"]
    assert [b.status for b in outbox["broadcasts"]] == ["sending", "cancelled"]
    assert [p.recipient for p in outbox["problems"]] == ["U2", "U3"]


def test_the_outbox_survives_reopening_from_the_journal_and_the_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    fill_outbox(store)
    expected = outbox_of(store)
    check_filled(expected)
    image = crash_image(db, tmp_path / "image")  # as if killed now: the journal only
    store.close()
    assert not image.exists()
    assert journal_of(db).read_bytes() == b""  # everything is in the final snapshot
    with TinyDB(db, access_mode="r") as stock:
        records = stock.table("outbox").all()
    assert len(records) == len(OUTBOX_KEYS) + 3  # and the three promotions
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert outbox_of(reopened) == expected
        reopened.close()


def test_the_outbox_survives_compaction(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=3)
    fill_outbox(store)
    expected = outbox_of(store)
    image = crash_image(db, tmp_path / "image")
    with TinyDB(image, access_mode="r") as stock:
        assert stock.table("meta").all()[0]["seq"] > 0  # a snapshot was written while open
        assert stock.table("outbox").all()
    assert len(journal_of(image).read_bytes().splitlines()) < 22  # of 22 changes
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert outbox_of(reopened) == expected
        # Still usable: positions go on, keys are still known.
        assert reopened.enqueue(entries=[entry("U1")]) == []
        position = reopened.wait_entries(after=0, timeout=0)[1]
        assert reopened.enqueue(entries=[entry("U6")]) == [entry("U6")]
        assert reopened.wait_entries(after=position, timeout=0) == ([entry("U6")], position + 1)
        reopened.close()


def test_a_promotion_and_its_entry_are_one_journal_line(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    line_up(store, "s1", ["A", "B"], 1)
    lines_before = len(journal_of(db).read_bytes().splitlines())
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    lines = journal_of(db).read_bytes().splitlines()
    assert len(lines) == lines_before + 1
    line = json.loads(lines[-1])
    assert line["op"] == "unregister" and line["notice"]["kind"] == "promotion"
    [added] = pending(store)
    image = crash_image(db, tmp_path / "image")  # killed right after the call returned
    store.close()
    reopened = TinyDBStore(image)
    assert pending(reopened) == [added]  # the same entry: the same version, the same key
    assert reopened.seat(user_id="B", session_id="s1") == Seat("registered")
    reopened.close()


def test_wait_entries_returns_entries_found_on_opening(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    store.enqueue(entries=[entry("U1"), entry("U2")])
    store.settle(key=entry("U1").key, status="sent", at=T0)
    store.close()
    reopened = TinyDBStore(db)
    began = time.monotonic()
    assert reopened.wait_entries(after=0, timeout=5) == ([entry("U2")], 2)
    assert time.monotonic() - began < 0.5
    reopened.close()


def test_closing_wakes_up_a_waiter(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    raised: list[BaseException] = []

    def wait() -> None:
        try:
            store.wait_entries(after=0, timeout=5)
        except StoreError as err:
            raised.append(err)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.1)
    began = time.monotonic()
    store.close()
    waiter.join(timeout=2)
    assert not waiter.is_alive() and time.monotonic() - began < 1.0
    assert len(raised) == 1 and "closed" in str(raised[0])


def _outbox_record(**changes: object) -> dict[str, object]:
    return entry_record(entry()) | changes


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (_outbox_record(status="lost"), "unknown status 'lost'"),
        (_outbox_record(deadline="tomorrow"), "deadline must be an ISO 8601 time"),
        (_outbox_record(created_at="2026-03-16T09:00:00"), "created_at must be an ISO 8601"),
        (_outbox_record(settled_at=5), "settled_at must be an ISO 8601 time"),
        (_outbox_record(recipient=""), "recipient must be a non-empty string"),
        (_outbox_record(kind=None), "kind must be a non-empty string"),
        (_outbox_record(message="hello"), "message must be an object or null"),
        (_outbox_record(detail=None), "detail must be a string"),
        (_outbox_record(status="sent"), "settled_at is set exactly when the entry is settled"),
        (
            _outbox_record(settled_at="2026-03-16T09:05:00+00:00"),
            "settled_at is set exactly when the entry is settled",
        ),
        (_outbox_record(colour="red"), "an outbox entry has the fields"),
        ({"kind": "reminder"}, "an outbox entry has the fields"),
    ],
)
def test_a_damaged_outbox_record_is_an_error_and_left_alone(
    tmp_path: Path, record: dict[str, object], problem: str
) -> None:
    db = tmp_path / "bot.json"
    content = json.dumps(
        {
            "outbox": {"1": _outbox_record(recipient="U0"), "2": record},
            **EMPTY_TABLES,
            "meta": {"1": {"version": 1, "seq": 0}},
        }
    ).encode()
    db.write_bytes(content)
    with pytest.raises(StoreError) as raised:
        TinyDBStore(db)
    message = str(raised.value)
    assert str(db) in message and "table 'outbox': document 2" in message
    assert problem in message
    assert db.read_bytes() == content
    assert not db.with_name("bot.json.tmp").exists()


def test_an_entry_saved_twice_in_a_snapshot_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    content = json.dumps(
        {
            "outbox": {
                "1": _outbox_record(),
                "2": _outbox_record(status="sent", settled_at="2026-03-16T09:05:00+00:00"),
            },
            **EMPTY_TABLES,
            "meta": {"1": {"version": 1, "seq": 0}},
        }
    ).encode()
    db.write_bytes(content)
    with pytest.raises(StoreError, match="saved twice"):
        TinyDBStore(db)
    assert db.read_bytes() == content


def test_a_malformed_entry_in_the_journal_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    bad = {"op": "enqueue", "entries": [_outbox_record(status="lost")]}
    good = {"op": "enqueue", "entries": [_outbox_record(recipient="U2")]}
    lines = [encode(1, good), encode(2, bad), encode(3, good)]
    journal_of(db).write_bytes(b"".join(lines))
    with pytest.raises(StoreError, match="line 2: entry: unknown status"):
        TinyDBStore(db)
    assert journal_of(db).read_bytes() == b"".join(lines)


def test_old_unregister_and_fill_lines_without_a_notice_still_replay(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    at = "2026-03-16T09:00:00+00:00"
    ops = [register_op(user=u, session="s1", capacity=1, at=at) for u in "ABCD"]
    ops.append(unregister_op(user="A", session="s1", capacity=1, at=at))
    ops.append(fill_op(session="s1", capacity=2, at=at))
    for op in ops:
        op.pop("notice", None)  # as written before the outbox existed
    assert all("notice" not in op for op in ops)
    lines = [encode(n, op) for n, op in enumerate(ops, start=1)]
    journal_of(db).write_bytes(b"".join(lines))
    store = TinyDBStore(db)
    assert store.registrants(session_id="s1") == ["B", "C"]
    assert store.waitlist(session_id="s1") == ["D"]
    assert pending(store) == []
    # And it carries on: new lines follow the old ones, with a notice.
    store.unregister(user_id="B", session_id="s1", capacity=2, notice=NOTICE)
    store.close()
    reopened = TinyDBStore(db)
    assert reopened.registrants(session_id="s1") == ["C", "D"]
    assert [e.recipient for e in pending(reopened)] == ["D"]
    reopened.close()


def test_an_unregister_line_with_a_malformed_notice_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    at = "2026-03-16T09:00:00+00:00"
    register = register_op(user="A", session="s1", capacity=1, at=at)
    unregister = unregister_op(user="A", session="s1", capacity=1, at=at)
    unregister["notice"] = {"kind": "promotion", "subject": "s1", "deadline": "2026-03-18"}
    lines = [encode(1, register), encode(2, unregister), encode(3, register)]
    journal_of(db).write_bytes(b"".join(lines))
    with pytest.raises(StoreError, match="line 2: notice: deadline"):
        TinyDBStore(db)
    assert journal_of(db).read_bytes() == b"".join(lines)
