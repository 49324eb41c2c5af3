"""The rules for registrations, waitlists, cards and claims, through every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import NO_SEAT, Card, Registered, Seat, Store, Unregistered
from bot.store.legacy.ops import card_op, claim_op, register_op, unregister_op
from bot.store.legacy.state import State

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


# --- The state itself -------------------------------------------------------------------------

OPS = [
    register_op(user="A", session="s1", capacity=1, at="2026-11-23T09:00:00+00:00"),
    register_op(user="B", session="s1", capacity=1, at="2026-11-23T09:01:00+00:00"),
    register_op(user="C", session="s1", capacity=1, at="2026-11-23T09:02:00+00:00"),
    card_op(session="s1", channel="C1", ts="1.1"),
    claim_op(key="k", at="2026-11-23T09:03:00+00:00"),
    unregister_op(user="A", session="s1", capacity=1, at="2026-11-23T09:04:00+00:00"),
]


def test_replaying_the_same_operations_gives_the_same_state() -> None:
    first, second = State(), State()
    outcomes = [first.apply(dict(op)) for op in OPS]
    assert [second.apply(dict(op)) for op in OPS] == outcomes
    assert first.copy_data() == second.copy_data()
    data = first.copy_data()
    # The promoted person is registered from when the place came free.
    assert data.registered == {"s1": {"B": "2026-11-23T09:04:00+00:00"}}
    assert data.waiting == {"s1": {"C": "2026-11-23T09:02:00+00:00"}}
    assert data.claims == {"k": "2026-11-23T09:03:00+00:00"}
    assert State.from_data(data).copy_data() == data


def test_timestamps_are_utc() -> None:
    at = register_op(user="A", session="s1", capacity=None)["at"]
    assert datetime.fromisoformat(at).utcoffset() == timedelta(0)


def test_a_copy_does_not_change_with_the_state() -> None:
    state = State()
    state.apply(OPS[0])
    copy = state.copy_data()
    for op in OPS[1:]:
        state.apply(op)
    assert copy.registered == {"s1": {"A": "2026-11-23T09:00:00+00:00"}}


@pytest.mark.parametrize(
    ("op", "problem"),
    [
        ({"op": "explode"}, "unknown operation"),
        ({"op": "claim", "key": "k"}, "missing field 'at'"),
        ({"op": "claim", "key": "k", "at": "t", "name": "x"}, "unexpected fields"),
        ({"op": "card", "session": 1, "channel": "C", "ts": "1"}, "session must be"),
        ([1], "JSON object"),
    ],
)
def test_malformed_operations_are_refused(op: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        State().apply(op)  # type: ignore[arg-type]


def test_registration_times(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)  # stored to the second
    store.register(user_id="U1", session_id="s", capacity=None)
    store.register(user_id="U2", session_id="s", capacity=None)
    times = store.registered_at(session_id="s")
    assert list(times) == ["U1", "U2"]
    assert all(before <= at <= datetime.now(UTC) for at in times.values())
    assert times["U1"].utcoffset() is not None
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
