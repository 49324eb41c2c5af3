"""People in the store: their places (registrations, waitlists) and the session cards,
their reminder choices, calendar tokens and feedback, session revisions, and forgetting a
person. Through every engine, and read back after a reopen."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.records import (
    NO_SEAT,
    Card,
    Entry,
    Feedback,
    Notice,
    Registered,
    Seat,
    Store,
    TinyDBStore,
    Unregistered,
)
from tests.support.waiting import wait_until

AT = datetime(2023, 3, 21, 12, 0, tzinfo=UTC)
LATER = AT + timedelta(days=1)


# --- Places: registrations, waitlists and cards -----------------------------------------------

REGISTERED = Seat("registered")


def waitlisted(position: int) -> Seat:
    return Seat("waitlisted", position)


def fill(store: Store, session: str, users: list[str], capacity: int | None) -> None:
    for user in users:
        store.register(user_id=user, session_id=session, capacity=capacity)


def test_registers_while_places_are_free_then_waitlists_in_order(store: Store) -> None:
    results = [store.register(user_id=u, session_id="s1", capacity=2) for u in "ABCDE"]
    assert results == [
        Registered(REGISTERED, True),
        Registered(REGISTERED, True),
        Registered(waitlisted(1), True),
        Registered(waitlisted(2), True),
        Registered(waitlisted(3), True),
    ]
    assert store.registrants(session_id="s1") == ["A", "B"]
    assert store.waitlist(session_id="s1") == ["C", "D", "E"]
    assert store.seat(user_id="D", session_id="s1") == waitlisted(2)


def test_no_capacity_means_everyone_registers(store: Store) -> None:
    fill(store, "s1", [f"U{n}" for n in range(50)], None)
    assert len(store.registrants(session_id="s1")) == 50
    assert store.waitlist(session_id="s1") == []


def test_zero_capacity_waitlists_everyone(store: Store) -> None:
    assert store.register(user_id="A", session_id="s1", capacity=0).seat == waitlisted(1)


def test_registering_again_changes_nothing(store: Store) -> None:
    fill(store, "s1", ["A", "B"], 1)
    assert store.register(user_id="A", session_id="s1", capacity=1) == Registered(REGISTERED, False)
    again = store.register(user_id="B", session_id="s1", capacity=1)
    assert again == Registered(waitlisted(1), False)
    # Even with room now (capacity raised), someone waiting keeps their place in the line.
    assert store.register(user_id="B", session_id="s1", capacity=5) == again
    assert store.registrants(session_id="s1") == ["A"]
    assert store.waitlist(session_id="s1") == ["B"]


def test_unregistering_frees_a_place_for_the_first_waiting(store: Store) -> None:
    fill(store, "s1", ["A", "B", "C", "D"], 2)
    result = store.unregister(user_id="A", session_id="s1", capacity=2)
    assert result == Unregistered(previous=REGISTERED, promoted="C")
    assert store.registrants(session_id="s1") == ["B", "C"]
    assert store.waitlist(session_id="s1") == ["D"]
    assert store.seat(user_id="C", session_id="s1") == REGISTERED
    assert store.seat(user_id="D", session_id="s1") == waitlisted(1)
    assert store.seat(user_id="A", session_id="s1") == NO_SEAT


def test_no_promotion_without_a_free_place_or_a_capacity(store: Store) -> None:
    fill(store, "s1", ["A", "B", "C", "D"], 2)
    # Capacity lowered to 1: with A gone there is still no free place.
    assert store.unregister(user_id="A", session_id="s1", capacity=1) == Unregistered(REGISTERED)
    assert store.waitlist(session_id="s1") == ["C", "D"]
    assert store.unregister(user_id="B", session_id="s1", capacity=None) == Unregistered(REGISTERED)
    assert store.waitlist(session_id="s1") == ["C", "D"]
    assert store.registrants(session_id="s1") == []


def test_leaving_the_waitlist_moves_those_behind_up(store: Store) -> None:
    fill(store, "s1", ["A", "B", "C", "D"], 1)
    assert store.unregister(user_id="B", session_id="s1", capacity=1) == Unregistered(waitlisted(1))
    assert store.waitlist(session_id="s1") == ["C", "D"]
    assert store.seat(user_id="C", session_id="s1") == waitlisted(1)
    assert store.seat(user_id="D", session_id="s1") == waitlisted(2)
    assert store.registrants(session_id="s1") == ["A"]


def test_unregistering_without_a_seat_changes_nothing(store: Store) -> None:
    fill(store, "s1", ["A"], 1)
    assert store.unregister(user_id="Z", session_id="s1", capacity=1) == Unregistered(NO_SEAT)
    assert store.unregister(user_id="A", session_id="nope", capacity=1) == Unregistered(NO_SEAT)
    assert store.registrants(session_id="s1") == ["A"]


def test_registering_after_leaving_goes_to_the_back(store: Store) -> None:
    fill(store, "s1", ["A", "B", "C"], 1)
    store.unregister(user_id="B", session_id="s1", capacity=1)
    assert store.register(user_id="B", session_id="s1", capacity=1).seat == waitlisted(2)


def test_place_counts_count_each_session_in_one_read_as_places_change(store: Store) -> None:
    fill(store, "s1", ["A", "B", "C", "D"], 2)
    fill(store, "s2", ["A"], None)
    assert store.place_counts(session_ids=["s1", "s2", "none"]) == {
        "s1": (2, 2),
        "s2": (1, 0),
        "none": (0, 0),
    }
    store.unregister(user_id="A", session_id="s1", capacity=2)  # C moves up, D still waits
    store.unregister(user_id="D", session_id="s1", capacity=2)
    assert store.place_counts(session_ids=["s1"]) == {"s1": (2, 0)}
    assert store.place_counts(session_ids=[]) == {}


def test_seats_of_lists_every_session_with_a_seat(store: Store) -> None:
    fill(store, "s1", ["A"], None)
    fill(store, "s2", ["B", "A"], 1)
    fill(store, "s3", ["A"], None)
    assert store.seats_of(user_id="A") == {"s1": REGISTERED, "s2": waitlisted(1), "s3": REGISTERED}
    store.unregister(user_id="A", session_id="s3", capacity=None)
    assert store.seats_of(user_id="A") == {"s1": REGISTERED, "s2": waitlisted(1)}
    assert store.seats_of(user_id="nobody") == {}
    assert store.registrants(session_id="unknown") == []
    assert store.waitlist(session_id="unknown") == []


def test_cards(store: Store) -> None:
    first, second = Card("s1", "C1", "1.1"), Card("s1", "C2", "2.2")
    store.save_card(card=first)
    store.save_card(card=second)
    store.save_card(card=first)  # harmless
    assert store.card_at(channel_id="C1", message_ts="1.1") == first
    assert store.card_at(channel_id="C1", message_ts="9.9") is None
    assert store.cards_for(session_id="s1") == [first, second]
    assert store.cards_for(session_id="s2") == []
    # The same message re-used for another session belongs to that session only.
    moved = Card("s2", "C1", "1.1")
    store.save_card(card=moved)
    assert store.card_at(channel_id="C1", message_ts="1.1") == moved
    assert store.cards_for(session_id="s1") == [second]
    assert store.cards_for(session_id="s2") == [moved]


def test_malformed_arguments_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="capacity"):
        store.register(user_id="A", session_id="s1", capacity=-1)
    with pytest.raises(ValueError, match="user"):
        store.register(user_id="", session_id="s1", capacity=None)
    assert store.registrants(session_id="s1") == []


def test_registration_times(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)  # stored to the second
    store.register(user_id="U1", session_id="s", capacity=None)
    store.register(user_id="U2", session_id="s", capacity=None)
    times = store.registered_at(session_id="s")
    assert list(times) == ["U1", "U2"]
    assert all(before <= at <= datetime.now(UTC) for at in times.values())
    assert all(at.utcoffset() == timedelta(0) for at in times.values())  # kept in UTC
    assert store.registered_at(session_id="other") == {}


def test_registration_times_given_are_kept_for_promotions_too(store: Store) -> None:
    """The bot's clock decides when a registration was made (the console's may be in 2023)."""
    then = datetime(2023, 3, 21, 10, 30, tzinfo=UTC)
    store.register(user_id="U1", session_id="s", capacity=1, at=then)
    store.register(user_id="U2", session_id="s", capacity=1, at=then)  # waits
    store.register(user_id="U3", session_id="t", capacity=1, at=then)
    store.register(user_id="U4", session_id="t", capacity=1, at=then)  # waits
    later = then + timedelta(minutes=5)
    store.unregister(user_id="U1", session_id="s", capacity=1, at=later)
    store.fill(session_id="t", capacity=2, at=later)
    assert store.registered_at(session_id="s") == {"U2": later}
    assert store.registered_at(session_id="t") == {"U3": then, "U4": later}
    assert store.registered_since(user_id="U4", session_id="t") == later
    assert store.registered_since(user_id="U1", session_id="s") is None  # left
    assert store.registered_since(user_id="U2", session_id="t") is None  # never there


def test_fill_moves_the_waitlist_up_in_order_when_capacity_grows(store: Store) -> None:
    for user in ("U1", "U2", "U3", "U4"):
        store.register(user_id=user, session_id="s", capacity=1)
    assert store.waitlist(session_id="s") == ["U2", "U3", "U4"]
    assert store.fill(session_id="s", capacity=3) == ["U2", "U3"]
    assert store.registrants(session_id="s") == ["U1", "U2", "U3"]
    assert store.seat(user_id="U4", session_id="s") == Seat("waitlisted", 1)
    assert store.fill(session_id="s", capacity=3) == []
    assert store.fill(session_id="s", capacity=None) == ["U4"]
    assert store.waitlist(session_id="s") == []
    assert store.fill(session_id="empty", capacity=None) == []
    assert store.registrants(session_id="empty") == []


# --- Each person's own choices, calendar link and feedback ------------------------------------


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
    claimed = store.claim_entries(owner="w1", now=AT, lease=60, limit=10)
    assert [entry.recipient for entry in claimed] == ["U2"]


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


def on_disk(directory: Path) -> bytes:
    """Every file in `directory`, one after the other (a file may go as it is read)."""
    found = b""
    for file in sorted(directory.iterdir()):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            found += file.read_bytes()
    return found


def test_forgetting_leaves_no_trace_of_the_person_in_the_files(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    store = TinyDBStore(path)  # compacts only after 20,000 lines, unless someone is forgotten
    try:
        store.register(user_id="U0SECRET", session_id="s1", capacity=None, at=AT)
        store.save_feedback(feedback=Feedback("U0SECRET", "s1", AT, learnt="my private words"))
        store.set_calendar_token(user_id="U0SECRET", token="c" * 32)
        store.register(user_id="U2", session_id="s1", capacity=None, at=AT)
        store.enqueue(entries=[_entry("U0SECRET")])
        assert b"my private words" in on_disk(tmp_path)
        store.forget(user_id="U0SECRET", capacities={"s1": None}, notices={}, at=AT)
        wait_until(lambda: b"U0SECRET" not in on_disk(tmp_path) and path.exists(), 10,
                   "the files still name the person")  # fmt: skip
        for trace in (b"U0SECRET", b"my private words", b"c" * 32):
            assert trace not in on_disk(tmp_path)
        store.register(user_id="U3", session_id="s1", capacity=None, at=AT)
        assert store.registrants(session_id="s1") == ["U2", "U3"]
    finally:
        store.close()
    assert b"U0SECRET" not in on_disk(tmp_path)
    reopened = TinyDBStore(path)
    try:
        assert reopened.registrants(session_id="s1") == ["U2", "U3"]
        assert reopened.feedback_of(user_id="U0SECRET") == {}
        assert reopened.counts(kind="reminder", subject="s1").cancelled == 1
    finally:
        reopened.close()


def test_forgetting_leaves_no_row_naming_the_person_in_postgres(postgres_url: str) -> None:
    import psycopg

    from bot.store.postgres import PostgresEngine

    store = Store(PostgresEngine(postgres_url))
    try:
        store.register(user_id="U0SECRET", session_id="s1", capacity=1, at=AT)
        store.register(user_id="U2", session_id="s1", capacity=1, at=AT)
        store.save_feedback(feedback=Feedback("U0SECRET", "s1", AT, learnt="my private words"))
        store.set_calendar_token(user_id="U0SECRET", token="c" * 32)
        store.set_reminders(user_id="U0SECRET", offsets=(900,))
        store.enqueue(entries=[_entry("U0SECRET")])
        store.forget(user_id="U0SECRET", capacities={"s1": 1}, notices={}, at=AT)
        assert store.registrants(session_id="s1") == ["U2"]
    finally:
        store.close()
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT tbl, key, doc::text FROM bot_documents").fetchall()
    assert rows, "the others' rows are still there"
    for trace in ("U0SECRET", "my private words", "c" * 32):
        assert not [row for row in rows if trace in row[1] or trace in row[2]], trace


def test_the_last_fingerprints_are_kept(store: Store) -> None:
    store.revise(fingerprints={"s1": "a", "s2": "b"})
    store.revise(fingerprints={"s1": "c"})
    assert store.fingerprints(session_ids=["s1", "s2", "s3"]) == {"s1": "c", "s2": "b"}
