"""Each person's own data in the store: reminder choices, calendar tokens, feedback, session
revisions, and forgetting a person. Through every backend, and read back after a reopen."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Entry, Feedback, MemoryStore, Notice, Store, TinyDBStore
from bot.store.legacy.state import State

AT = datetime(2023, 3, 21, 12, 0, tzinfo=UTC)
LATER = AT + timedelta(days=1)


def test_reminder_choices(store: Store) -> None:
    assert store.reminders_of(user_id="U1") is None
    store.set_reminders(user_id="U1", offsets=())
    store.set_reminders(user_id="U2", offsets=(900,))
    assert store.reminders_of(user_id="U1") == ()
    assert store.reminders_of(user_id="U2") == (900,)
    store.set_reminders(user_id="U1", offsets=None)
    assert store.reminders_of(user_id="U1") is None
    with pytest.raises(ValueError):
        store.set_reminders(user_id="U1", offsets=(0,))


def test_calendar_tokens_are_one_per_person_and_never_shared(store: Store) -> None:
    store.set_calendar_token(user_id="U1", token="a" * 32)
    assert store.calendar_owner(token="a" * 32) == "U1"
    store.set_calendar_token(user_id="U1", token="b" * 32)
    assert store.calendar_owner(token="a" * 32) is None  # the old link stops working
    assert store.calendar_token(user_id="U1") == "b" * 32
    with pytest.raises(ValueError, match="someone else's"):
        store.set_calendar_token(user_id="U2", token="b" * 32)
    assert store.calendar_token(user_id="U2") is None
    store.set_calendar_token(user_id="U1", token=None)
    assert store.calendar_owner(token="b" * 32) is None


def test_feedback_is_replaced_per_person_and_session(store: Store) -> None:
    store.save_feedback(feedback=Feedback("U1", "s1", AT, rating=4))
    store.save_feedback(feedback=Feedback("U2", "s1", AT, attended=False))
    store.save_feedback(feedback=Feedback("U1", "s1", LATER, rating=2, learnt="x", share=True))
    assert store.feedback_of(user_id="U1") == {
        "s1": Feedback("U1", "s1", LATER, rating=2, learnt="x", share=True)
    }
    assert [f.user_id for f in store.feedback_for(session_id="s1")] == ["U1", "U2"]
    with pytest.raises(ValueError):
        store.save_feedback(feedback=Feedback("U1", "s1", AT, rating=6))
    with pytest.raises(ValueError):
        store.save_feedback(feedback=Feedback("U1", "s1", AT, learnt="x" * 3001))


def test_revisions_count_changes_of_fingerprint(store: Store) -> None:
    assert store.revise(fingerprints={"s1": "a", "s2": "b"}) == {"s1": 0, "s2": 0}
    assert store.revise(fingerprints={"s1": "a"}) == {"s1": 0}
    assert store.revise(fingerprints={"s1": "c", "s2": "b"}) == {"s1": 1, "s2": 0}
    assert store.revise(fingerprints={"s1": "a"}) == {"s1": 2}
    assert store.revise(fingerprints={}) == {}


def _entry(recipient: str, subject: str = "s1", version: str = "1") -> Entry:
    return Entry("reminder", subject, recipient, version, LATER, AT)


def test_forget_removes_everything_and_moves_the_waitlist_up(store: Store) -> None:
    store.register(user_id="U1", session_id="full", capacity=1, at=AT)
    store.register(user_id="U2", session_id="full", capacity=1, at=AT)  # waiting, first
    store.register(user_id="U3", session_id="full", capacity=1, at=AT)
    store.register(user_id="U9", session_id="other", capacity=1, at=AT)
    store.register(user_id="U1", session_id="other", capacity=1, at=AT)  # U1 waiting here
    store.set_reminders(user_id="U1", offsets=(900,))
    store.set_calendar_token(user_id="U1", token="t" * 32)
    store.save_feedback(feedback=Feedback("U1", "full", AT, rating=5, learnt="much"))
    store.save_feedback(feedback=Feedback("U2", "full", AT, rating=3))
    store.enqueue(entries=[_entry("U1"), _entry("U2"), _entry("U1", version="2")])
    sent = _entry("U1", subject="s0")
    store.enqueue(entries=[sent])
    store.settle(key=sent.key, status="sent", at=AT)
    before = store.counts(kind="reminder", subject="s1")

    notice = Notice(kind="promotion", subject="full", deadline=LATER)
    gone = store.forget(
        user_id="U1", capacities={"full": 1, "other": 1}, notices={"full": notice}, at=AT
    )

    assert gone.registered == ("full",) and gone.waiting == ("other",)
    assert gone.promoted == {"full": "U2"} and gone.cancelled == 2
    assert store.seats_of(user_id="U1") == {}
    assert store.registrants(session_id="full") == ["U2"]
    assert store.waitlist(session_id="full") == ["U3"]
    assert store.waitlist(session_id="other") == []
    assert store.reminders_of(user_id="U1") is None
    assert store.calendar_token(user_id="U1") is None
    assert store.calendar_owner(token="t" * 32) is None
    assert store.feedback_of(user_id="U1") == {}
    assert [f.user_id for f in store.feedback_for(session_id="full")] == ["U2"]
    assert store.pending_to(recipient="U1") == 0
    assert store.pending_to(recipient="U2") == 2  # U2's reminder, and the promotion
    # Counts stay; the person does not.
    after = store.counts(kind="reminder", subject="s1")
    assert after.total == before.total and after.cancelled == 2
    assert store.counts(kind="reminder", subject="s0").sent == 1
    assert store.entry(key=sent.key) is None
    assert store.entry(key=_entry("U2").key) is not None
    # Forgetting again, or someone unknown, changes nothing and fails nothing.
    again = store.forget(user_id="U1", capacities={}, notices={}, at=AT)
    assert again.registered == () and again.cancelled == 0


def test_forget_then_the_outbox_still_serves_the_others(store: Store) -> None:
    store.enqueue(entries=[_entry("U1"), _entry("U2")])
    store.forget(user_id="U1", capacities={}, notices={}, at=AT)
    pending, _ = store.wait_entries(after=0, timeout=0)
    assert [entry.recipient for entry in pending] == ["U2"]


def test_everything_survives_a_reopen_and_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    first = TinyDBStore(path, compact_after=2)  # snapshots as it goes
    first.set_reminders(user_id="U1", offsets=(86400,))
    first.set_reminders(user_id="U2", offsets=())
    first.set_calendar_token(user_id="U1", token="k" * 32)
    first.save_feedback(feedback=Feedback("U1", "s1", AT, rating=4, change="more", share=True))
    first.revise(fingerprints={"s1": "a"})
    first.revise(fingerprints={"s1": "b"})
    first.enqueue(entries=[_entry("U3"), _entry("U4")])
    first.forget(user_id="U3", capacities={}, notices={}, at=AT)
    first.close()
    second = TinyDBStore(path)
    try:
        assert second.reminders_of(user_id="U1") == (86400,)
        assert second.reminders_of(user_id="U2") == ()
        assert second.calendar_owner(token="k" * 32) == "U1"
        assert second.feedback_of(user_id="U1")["s1"].change == "more"
        assert second.revise(fingerprints={"s1": "b"}) == {"s1": 1}
        assert second.pending_to(recipient="U3") == 0
        assert second.pending_to(recipient="U4") == 1
        assert second.counts(kind="reminder", subject="s1").cancelled == 1
    finally:
        second.close()


def test_a_state_copy_round_trips_the_new_data() -> None:
    store = MemoryStore()
    store.set_reminders(user_id="U1", offsets=(900,))
    store.set_calendar_token(user_id="U1", token="z" * 32)
    store.save_feedback(feedback=Feedback("U1", "s1", AT, rating=1))
    store.revise(fingerprints={"s1": "a"})
    copy = State.from_data(store._state.copy_data())
    assert copy.reminders_of("U1") == (900,)
    assert copy.calendar_owner("z" * 32) == "U1"
    assert copy.feedback_of("U1")["s1"].rating == 1
    assert copy.revisions(["s1"]) == {"s1": 0}


def test_forgetting_leaves_no_trace_of_the_person_in_the_files(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    journal = path.with_name("bot.json.journal")
    store = TinyDBStore(path)  # compacts only after 20,000 lines, unless someone is forgotten
    try:
        store.register(user_id="U0SECRET", session_id="s1", capacity=None, at=AT)
        store.save_feedback(feedback=Feedback("U0SECRET", "s1", AT, learnt="my private words"))
        store.set_calendar_token(user_id="U0SECRET", token="c" * 32)
        store.register(user_id="U2", session_id="s1", capacity=None, at=AT)
        assert b"my private words" in journal.read_bytes()
        store.forget(user_id="U0SECRET", capacities={"s1": None}, notices={}, at=AT)
        deadline = time.monotonic() + 10
        while b"U0SECRET" in journal.read_bytes() or not path.exists():
            assert time.monotonic() < deadline, "the journal still names the person"
            time.sleep(0.02)
        on_disk = journal.read_bytes() + path.read_bytes()
        for trace in (b"U0SECRET", b"my private words", b"c" * 32):
            assert trace not in on_disk
        store.register(user_id="U3", session_id="s1", capacity=None, at=AT)
        assert store.registrants(session_id="s1") == ["U2", "U3"]
    finally:
        store.close()
    reopened = TinyDBStore(path)
    try:
        assert reopened.registrants(session_id="s1") == ["U2", "U3"]
        assert reopened.feedback_of(user_id="U0SECRET") == {}
    finally:
        reopened.close()


def test_the_last_fingerprints_are_kept(store: Store) -> None:
    store.revise(fingerprints={"s1": "a", "s2": "b"})
    store.revise(fingerprints={"s1": "c"})
    assert store.fingerprints(session_ids=["s1", "s2", "s3"]) == {"s1": "c", "s2": "b"}
