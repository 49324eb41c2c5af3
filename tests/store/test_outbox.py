"""The outbox in the store: entries kept once per key, settled once, cancelled, listed,
claimed and waited for; added in the same step as a promotion or a broadcast change; and kept
across restarts and crashes."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import records as outbox
from bot.records import (
    BROADCAST_KIND,
    NO_SEAT,
    SETTLED,
    Broadcast,
    Counts,
    Entry,
    Notice,
    Seat,
    Store,
    TinyDBStore,
)
from bot.store import StoreError
from tests.store.helpers import crash_image, journal_of, pending, wait_compacted


def cancel(store: Store, kind: str, subject: str, at: datetime) -> int:
    """Cancel the pending entries of `kind` about `subject`, as a broadcast's Cancel does."""
    return store.engine.transaction(lambda tx: outbox.cancel(tx, kind, subject, at))


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
    assert cancel(store, "reminder", "s1", T0) == 2
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
    assert cancel(store, "broadcast", "b1", at) == 2
    assert cancel(store, "broadcast", "b1", at) == 0
    assert cancel(store, "broadcast", "nothing", at) == 0
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
    assert cancel(store, "promotion", "s1", T0) == 1


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


# --- Claiming and waiting ---------------------------------------------------------------------


def claim(
    store: Store, owner: str = "w1", *, at: datetime = T0, lease: float = 60, limit: int = 10
) -> list[Entry]:
    return store.claim_entries(owner=owner, now=at, lease=lease, limit=limit)


def test_claims_hand_out_due_entries_soonest_deadline_first(store: Store) -> None:
    # Added in another order than their deadlines.
    late = entry("U1", deadline=T0 + timedelta(days=3))
    soon = entry("U2", deadline=T0 + timedelta(hours=1))
    middle = entry("U3", deadline=T0 + timedelta(days=1))
    # The soonest deadline of all, but not to be sent before 11:00.
    held = entry("U4", deadline=T0 + timedelta(minutes=30), not_before=T0 + timedelta(hours=2))
    sent = entry("U5", deadline=T0 + timedelta(minutes=5))
    store.enqueue(entries=[late, soon, middle, held, sent])
    store.settle(key=sent.key, status="sent", at=T0)
    # Created at T0 on the bot's clock, which may run ahead of the real one: due at once.
    assert claim(store, at=T0 - timedelta(hours=1), limit=2, lease=86400) == [soon, middle]
    assert claim(store, lease=86400) == [late]
    assert claim(store, at=T0 + timedelta(hours=2) - timedelta(seconds=1)) == []
    assert claim(store, "w2", at=T0 + timedelta(hours=2)) == [held]
    assert claim(store, "w3", at=T0 + timedelta(hours=2, seconds=59)) == []
    assert len(pending(store)) == 4  # a claim is not a settle


def test_a_claimed_entry_is_handed_out_once_per_lease(store: Store) -> None:
    entries = [entry(f"U{n}", deadline=T0 + timedelta(hours=n + 1)) for n in range(4)]
    store.enqueue(entries=entries)
    second = timedelta(seconds=1)
    assert claim(store, "w1", limit=2) == entries[:2]  # held until T0 + 60 s
    # Neither its owner nor anyone else gets a claimed entry again during its lease.
    assert claim(store, "w1", at=T0 + 10 * second, limit=1) == [entries[2]]  # until T0 + 70 s
    assert claim(store, "w2", at=T0 + 10 * second) == [entries[3]]  # the rest; until T0 + 70 s
    assert claim(store, "w2", at=T0 + 59 * second) == []
    assert claim(store, "w1", at=T0 + 59 * second) == []
    # A settled entry is never handed out again; one whose lease ended goes to whoever asks.
    assert store.settle(key=entries[0].key, status="sent", at=T0 + 20 * second)
    assert claim(store, "w2", at=T0 + 61 * second) == [entries[1]]  # until T0 + 121 s
    assert claim(store, "w3", at=T0 + 71 * second) == [entries[2], entries[3]]
    assert claim(store, "w1", at=T0 + 100 * second) == []


def test_postpone_makes_a_pending_entry_due_later(store: Store) -> None:
    first, second = entry("U1"), entry("U2", deadline=T0 + timedelta(days=2))
    store.enqueue(entries=[first, second])
    assert claim(store, "w1", lease=3600) == [first, second]
    until = T0 + timedelta(minutes=5)
    # Tried again later (a retry, a rate limit): its claim ends, and it waits until then.
    assert store.postpone(key=first.key, until=until)
    postponed = replace(first, not_before=until)
    assert store.entry(key=first.key) == postponed
    assert pending(store) == [postponed, second]
    assert claim(store, "w2", at=until - timedelta(seconds=1)) == []
    assert claim(store, "w2", at=until) == [postponed]  # second is still w1's
    assert store.counts(kind="reminder", subject="s1") == Counts(pending=2)
    # Only a pending entry can be postponed.
    assert store.settle(key=second.key, status="sent", at=T0)
    assert not store.postpone(key=second.key, until=until)
    assert not store.postpone(key=entry("U9").key, until=until)
    assert store.entry(key=second.key) == replace(second, status="sent", settled_at=T0)
    with pytest.raises(ValueError, match="aware"):
        store.postpone(key=first.key, until=datetime(2026, 3, 16, 9, 10))
    assert store.entry(key=first.key) == postponed


def waited(store: Store, timeout: float) -> float:
    """How long `wait_entries(timeout=timeout)` took, in seconds."""
    began = time.monotonic()
    store.wait_entries(timeout=timeout)
    return time.monotonic() - began


def quiet(store: Store) -> None:
    """Forget anything earlier: wait until a wait lasts its whole timeout. (An engine may
    return early whenever an entry may have become pending, for example as it starts to
    listen for changes made by other processes, or when PostgreSQL's notice of this
    process's own commit comes back: on a busy machine, 50 ms after it or more.)"""
    for _ in range(50):
        if waited(store, 0.15) >= 0.14:
            return
    raise AssertionError("wait_entries never waited")


def test_wait_entries_returns_after_the_timeout_when_nothing_becomes_pending(
    store: Store,
) -> None:
    quiet(store)
    assert 0.15 <= waited(store, 0.2) < 1.0
    store.enqueue(entries=[entry()])
    assert waited(store, 5) < 1.0  # an entry added since the last call: at once
    quiet(store)  # (PostgreSQL may tell of it again, once the database's notice comes back)
    store.settle(key=entry().key, status="sent", at=T0)  # settled: nothing new is pending
    assert 0.15 <= waited(store, 0.2) < 1.0


def test_wait_entries_wakes_up_when_another_thread_enqueues(store: Store) -> None:
    quiet(store)
    took: list[float] = []
    waiter = threading.Thread(target=lambda: took.append(waited(store, 5)))
    waiter.start()
    time.sleep(0.1)
    store.enqueue(entries=[entry()])
    waiter.join(timeout=2)
    assert not waiter.is_alive()
    assert took[0] < 1.0
    assert claim(store) == [entry()]


def test_wait_entries_wakes_up_for_a_promotion(store: Store) -> None:
    line_up(store, "s1", ["A", "B"], 1)
    quiet(store)
    took: list[float] = []
    waiter = threading.Thread(target=lambda: took.append(waited(store, 5)))
    waiter.start()
    time.sleep(0.1)
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    waiter.join(timeout=2)
    assert not waiter.is_alive()
    assert took[0] < 1.0
    assert [e.recipient for e in claim(store, at=datetime.now(UTC))] == ["B"]


# --- The durable store ------------------------------------------------------------------------


def fill_outbox(store: Store) -> None:
    """Entries of every kind and status, a broadcast sent and one cancelled, promotions."""
    message = {"text": "Änderung: Raum 2 → Raum 5", "blocks": [{"type": "section"}]}
    store.enqueue(entries=[entry("U1"), entry("U2", message=message), entry("U3")])
    store.settle(key=entry("U1").key, status="sent", at=T0)
    store.settle(key=entry("U2").key, status="failed", at=T0, detail="user_not_found")
    store.settle(key=entry("U3").key, status="expired", at=T0 + timedelta(hours=1))
    store.enqueue(entries=[entry("U4", subject="s9")])
    cancel(store, "reminder", "s9", T0)
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


CHANGES = 22
"""How many changes `fill_outbox` makes."""

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


def test_fill_outbox_leaves_the_same_on_every_engine(store: Store) -> None:
    fill_outbox(store)
    check_filled(outbox_of(store))


def test_the_outbox_survives_reopening_and_a_crash(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    fill_outbox(store)
    expected = outbox_of(store)
    check_filled(expected)
    image = crash_image(db, tmp_path / "image")  # as if killed now
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert outbox_of(reopened) == expected
        reopened.close()


def test_the_outbox_survives_compaction(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db, compact_after=3)
    fill_outbox(store)
    expected = outbox_of(store)
    wait_compacted(db, CHANGES)
    image = crash_image(db, tmp_path / "image")
    assert image.exists()  # a snapshot was written while open
    assert len(journal_of(image).read_bytes().splitlines()) < CHANGES
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert outbox_of(reopened) == expected
        # Still usable: keys are still known, and every pending entry can be claimed.
        assert reopened.enqueue(entries=[entry("U1")]) == []
        assert reopened.enqueue(entries=[entry("U6")]) == [entry("U6")]
        assert pending(reopened) == [*expected["pending"], entry("U6")]
        claimed = claim(reopened, at=datetime.now(UTC))
        assert sorted(e.key for e in claimed) == sorted(e.key for e in pending(reopened))
        assert [e.kind for e in claimed][-3:] == ["promotion"] * 3  # the latest deadline
        reopened.close()


def test_a_promotion_and_its_entry_are_kept_together_or_not_at_all(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    line_up(store, "s1", ["A", "B"], 1)
    before = journal_of(db).read_bytes()
    store.unregister(user_id="A", session_id="s1", capacity=1, notice=NOTICE)
    [added] = pending(store)
    image = crash_image(db, tmp_path / "image")  # killed right after the call returned
    pristine = crash_image(db, tmp_path / "pristine")
    store.close()
    reopened = TinyDBStore(image)
    assert pending(reopened) == [added]  # the same entry: the same version, the same key
    assert reopened.seat(user_id="B", session_id="s1") == Seat("registered")
    reopened.close()
    # Killed while the change was being written: whatever part of it reached the disk, the
    # promotion and its entry are there together, or neither is.
    after = journal_of(pristine).read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    step = max(1, (len(after) - len(before)) // 40)
    cuts = {*range(len(before), len(after), step), len(after) - 1, len(after)}
    promoted: tuple[list[Seat], list[Entry]] = ([NO_SEAT, Seat("registered")], [added])
    not_yet: tuple[list[Seat], list[Entry]] = ([Seat("registered"), Seat("waitlisted", 1)], [])
    outcomes = set()
    for cut in sorted(cuts):
        torn = crash_image(pristine, tmp_path / f"cut{cut}")
        journal_of(torn).write_bytes(after[:cut])
        opened = TinyDBStore(torn)
        try:
            seats = [opened.seat(user_id=u, session_id="s1") for u in ("A", "B")]
            kept = (seats, pending(opened))
        finally:
            opened.close()
        assert kept in (promoted, not_yet), f"journal cut at byte {cut} of {len(after)}"
        outcomes.add(kept == promoted)
    assert outcomes == {True, False}


def test_entries_found_on_opening_are_claimable_at_once(tmp_path: Path) -> None:
    db = tmp_path / "bot.json"
    store = TinyDBStore(db)
    later, sooner = entry("U2", deadline=T0 + timedelta(days=2)), entry("U3")
    store.enqueue(entries=[entry("U1"), later, sooner])
    store.settle(key=entry("U1").key, status="sent", at=T0)
    image = crash_image(db, tmp_path / "image")
    store.close()
    for path in (image, db):
        reopened = TinyDBStore(path)
        assert claim(reopened) == [sooner, later]
        assert claim(reopened, "w2") == []
        reopened.close()


def test_closing_wakes_up_a_waiter(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "bot.json")
    quiet(store)
    outcome: list[str] = []

    def wait() -> None:
        try:
            store.wait_entries(timeout=5)
            outcome.append("returned")
        except StoreError:
            outcome.append("refused")

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.1)
    began = time.monotonic()
    store.close()
    waiter.join(timeout=2)
    assert not waiter.is_alive() and time.monotonic() - began < 1.0
    assert len(outcome) == 1


# --- the pace every process shares ------------------------------------------------------------


def test_turns_on_the_shared_pace_come_in_line_and_one_not_taken_keeps_its_place(
    store: Store,
) -> None:
    """Turns come `interval` apart, never before a pause ends; a turn that would come after
    the caller's `latest` is not taken, so the next caller gets it."""
    method = "chat.postMessage"
    assert store.take_turn(method=method, now=T0, interval=0.5) == T0
    assert store.take_turn(method=method, now=T0, interval=0.5) == T0 + timedelta(seconds=0.5)
    second = T0 + timedelta(seconds=1)
    refused = store.take_turn(method=method, now=T0, interval=0.5, latest=T0)
    assert refused == second  # after `latest`: said, not taken
    assert store.take_turn(method=method, now=T0, interval=0.5, latest=second) == second
    assert not store.try_turn(method=method, now=T0 + timedelta(seconds=1.2), interval=0.5)
    assert store.try_turn(method=method, now=T0 + timedelta(seconds=1.5), interval=0.5)
    store.pause_calls(method=method, until=T0 + timedelta(seconds=10))
    later = store.take_turn(method=method, now=T0 + timedelta(seconds=2), interval=0.5)
    assert later == T0 + timedelta(seconds=10)
