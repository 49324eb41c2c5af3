"""Registrations' records: each person's place in a session, and the session cards.

`places`: one document per person and session, under the key `<session>|<user>` (so the
database itself keeps one place per person and session), holding `state` ("registered" or
"waiting") and `at` (when they got it, UTC). Registration order and waitlist order are the
order the places were first written. Every decision about one session's places is taken
under the lock `places:<session>`, so capacity holds however many processes decide at once.

`cards`: which session a channel message stands for, under `<channel>|<ts>`.

`editions`: the programme version in force (a digest of its content) and when it first came
into force, so that every process names one version of the programme the same way, and news
of a change is told once however many processes reload the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.outbox.records import Notice, OutboxRecords, aware, notify
from bot.store.engine import Engine, Tx

PLACES = "places"
CARDS = "cards"
EDITIONS = "editions"

SeatState = Literal["registered", "waitlisted", "none"]


@dataclass(frozen=True)
class Seat:
    """Where someone stands for one session. `position` is 1-based, for the waitlist only."""

    state: SeatState
    position: int | None = None


NO_SEAT = Seat("none")


@dataclass(frozen=True)
class Registered:
    """The result of `register`: the seat held afterwards, and whether this call changed it
    (False when the person already had it, e.g. the same request delivered twice)."""

    seat: Seat
    changed: bool


@dataclass(frozen=True)
class Unregistered:
    """The result of `unregister`: the seat held before (NO_SEAT if none), and who was moved
    from the waitlist into the place freed, if anyone."""

    previous: Seat
    promoted: str | None = None


@dataclass(frozen=True)
class Card:
    """A message in a channel that stands for one session (people react to it to register)."""

    session_id: str
    channel_id: str
    message_ts: str


def _key(session: str, user: str) -> str:
    return f"{session}|{user}"


def _check(session: str, user: str, capacity: int | None) -> None:
    for name, value in (("session", session), ("user", user)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string")
    if capacity is not None and (type(capacity) is not int or capacity < 0):
        raise ValueError("capacity must be a non-negative integer or None")


# --- changes --------------------------------------------------------------------------------


def register(tx: Tx, user: str, session: str, capacity: int | None, at: datetime) -> Registered:
    """Give `user` a place, or a waitlist place when `capacity` places are taken.
    Registering again changes nothing and says so."""
    _check(session, user, capacity)
    tx.lock(f"{PLACES}:{session}")
    current = seat(tx, user, session)
    if current != NO_SEAT:
        return Registered(current, changed=False)
    full = (
        capacity is not None and tx.count(PLACES, session=session, state="registered") >= capacity
    )
    state = "waiting" if full else "registered"
    place = {"session": session, "user": user, "state": state, "at": aware(at)}
    tx.add(PLACES, _key(session, user), place)
    if state == "registered":
        return Registered(Seat("registered"), changed=True)
    position = tx.count(PLACES, session=session, state="waiting")
    return Registered(Seat("waitlisted", position), changed=True)


def unregister(
    tx: Tx, user: str, session: str, capacity: int | None, at: datetime, notice: Notice | None
) -> Unregistered:
    """Take `user` off the session (or its waitlist). When a place frees up and someone is
    waiting, the first in line gets it (at `at`), with `notice` for them in the outbox."""
    _check(session, user, capacity)
    tx.lock(f"{PLACES}:{session}")
    previous = seat(tx, user, session)
    if previous == NO_SEAT:
        return Unregistered(NO_SEAT)
    tx.delete(PLACES, _key(session, user))
    if previous.state == "waitlisted":
        return Unregistered(previous)
    # With no capacity nobody waits for a place to free up: only `fill` moves them.
    promoted = [] if capacity is None else _fill(tx, session, capacity, at, most=1)
    notify(tx, notice, promoted, at)
    return Unregistered(previous, promoted=promoted[0] if promoted else None)


def fill(
    tx: Tx, session: str, capacity: int | None, at: datetime, notice: Notice | None
) -> list[str]:
    """After a session's capacity is raised: move people off its waitlist, first in line
    first, while there is room, each with `notice` in the outbox. Returns those moved."""
    _check(session, "-", capacity)
    tx.lock(f"{PLACES}:{session}")
    promoted = _fill(tx, session, capacity, at)
    notify(tx, notice, promoted, at)
    return promoted


def _fill(
    tx: Tx, session: str, capacity: int | None, at: datetime, most: int | None = None
) -> list[str]:
    waiting = waiting_of(tx, session)
    taken = tx.count(PLACES, session=session, state="registered")
    room = len(waiting) if capacity is None else capacity - taken
    if most is not None:
        room = min(room, most)
    promoted = []
    for user in waiting[: max(room, 0)]:
        # The place is written again, so it now comes last in registration order.
        tx.delete(PLACES, _key(session, user))
        place = {"session": session, "user": user, "state": "registered", "at": aware(at)}
        tx.add(PLACES, _key(session, user), place)
        promoted.append(user)
    return promoted


def save_card(tx: Tx, card: Card) -> None:
    doc = {"session": card.session_id, "channel": card.channel_id, "ts": card.message_ts}
    tx.put(CARDS, f"{card.channel_id}|{card.message_ts}", doc)


# --- lookups --------------------------------------------------------------------------------


def seat(tx: Tx, user: str, session: str) -> Seat:
    doc = tx.get(PLACES, _key(session, user))
    if doc is None:
        return NO_SEAT
    if doc["state"] == "registered":
        return Seat("registered")
    return Seat("waitlisted", waiting_of(tx, session).index(user) + 1)


def seats_of(tx: Tx, user: str) -> dict[str, Seat]:
    return {doc["session"]: seat(tx, user, doc["session"]) for _, doc in tx.find(PLACES, user=user)}


def registered_at(tx: Tx, session: str) -> dict[str, datetime]:
    """When each registrant got their place, in registration order."""
    found = tx.find(PLACES, session=session, state="registered")
    return {doc["user"]: datetime.fromisoformat(doc["at"]) for _, doc in found}


def registered_since(tx: Tx, user: str, session: str) -> datetime | None:
    doc = tx.get(PLACES, _key(session, user))
    if doc is None or doc["state"] != "registered":
        return None
    return datetime.fromisoformat(doc["at"])


def registrants(tx: Tx, session: str) -> list[str]:
    return [doc["user"] for _, doc in tx.find(PLACES, session=session, state="registered")]


def waiting_of(tx: Tx, session: str) -> list[str]:
    """Who waits for the session, first in line first."""
    return [doc["user"] for _, doc in tx.find(PLACES, session=session, state="waiting")]


GROUPED = 20
"""More sessions than this are counted all at once (two grouped counts) rather than one by
one (two counts each): an answer's few sessions one by one, a whole programme at once."""


def counts_of(tx: Tx, sessions: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(registered, waiting) for each of `sessions`, counted by the engine's index (or the
    database), not by reading everyone who holds a place."""
    if len(sessions) > GROUPED:
        registered = tx.count_by(PLACES, "session", state="registered")
        waiting = tx.count_by(PLACES, "session", state="waiting")
        return {session: (registered.get(session, 0), waiting.get(session, 0))
                for session in sessions}  # fmt: skip
    return {
        session: (
            tx.count(PLACES, session=session, state="registered"),
            tx.count(PLACES, session=session, state="waiting"),
        )
        for session in sessions
    }


def taken_at(
    tx: Tx, sessions: Collection[str], length: int, held: int | None = None
) -> dict[str, int]:
    """How many of the places held now in `sessions` were taken in each hour, minute...:
    by the first `length` characters of the moment (as the records keep it: ISO 8601 in
    UTC), counted in one read, less those held in sessions not among them (one read each:
    sessions since removed from the programme, if any). `held`, if known, is how many places
    `sessions` hold: when that is every place, no other session is looked for."""
    taken: dict[str, int] = tx.count_by(PLACES, "at", length=length, state="registered")  # type: ignore[assignment]
    if held is not None and tx.count(PLACES, state="registered") == held:
        return taken
    others = tx.count_by(PLACES, "session", state="registered").keys() - set(sessions)
    if not others:
        return taken
    left = Counter(taken)
    for other in others:
        found = tx.find(PLACES, session=other, state="registered")
        left.subtract(doc["at"][:length] for _, doc in found)
    return {at: count for at, count in left.items() if count > 0}


def sessions_of(tx: Tx, user: str) -> list[str]:
    return [doc["session"] for _, doc in tx.find(PLACES, user=user)]


def card_at(tx: Tx, channel: str, ts: str) -> Card | None:
    doc = tx.get(CARDS, f"{channel}|{ts}")
    return None if doc is None else Card(doc["session"], doc["channel"], doc["ts"])


def cards_for(tx: Tx, session: str) -> list[Card]:
    return [Card(d["session"], d["channel"], d["ts"]) for _, d in tx.find(CARDS, session=session)]


def edition(tx: Tx, digest: str, now: datetime) -> datetime:
    """When the programme with this digest came into force: `now` for the first process to
    see it (which records it), the recorded moment for every other."""
    tx.lock(EDITIONS)
    current = tx.get(EDITIONS, "current")
    if current is not None and current["digest"] == digest:
        return datetime.fromisoformat(current["at"])
    tx.put(EDITIONS, "current", {"digest": digest, "at": aware(now)})
    return now


# --- each operation as its own transaction ----------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return datetime.now(UTC) if at is None else at


class PlacesRecords(OutboxRecords):
    """Places, waitlists, cards and the programme's edition over `engine`, each operation
    its own transaction (the functions above of the same names); with the outbox, where
    a change's messages go in the same transaction."""

    engine: Engine

    def register(
        self, *, user_id: str, session_id: str, capacity: int | None, at: datetime | None = None
    ) -> Registered:
        moment = _now(at)
        return self.engine.transaction(
            lambda tx: register(tx, user_id, session_id, capacity, moment)
        )

    def unregister(
        self,
        *,
        user_id: str,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> Unregistered:
        moment = _now(at)
        return self.engine.transaction(
            lambda tx: unregister(tx, user_id, session_id, capacity, moment, notice)
        )

    def fill(
        self,
        *,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> list[str]:
        moment = _now(at)
        return self.engine.transaction(lambda tx: fill(tx, session_id, capacity, moment, notice))

    def seat(self, *, user_id: str, session_id: str) -> Seat:
        return self.engine.read(lambda tx: seat(tx, user_id, session_id))

    def seats_of(self, *, user_id: str) -> dict[str, Seat]:
        return self.engine.read(lambda tx: seats_of(tx, user_id))

    def registrants(self, *, session_id: str) -> list[str]:
        return self.engine.read(lambda tx: registrants(tx, session_id))

    def attendance(self, *, session_ids: Sequence[str]) -> dict[str, tuple[list[str], int]]:
        """Each session's registrants, in order, and how many wait: all in one read."""

        def read(tx: Tx) -> dict[str, tuple[list[str], int]]:
            counts = counts_of(tx, session_ids)
            holding: dict[str, list[str]] = {session: [] for session in session_ids}
            for _, doc in tx.find(PLACES, state="registered"):  # one query, in order
                users = holding.get(doc["session"])
                if users is not None:
                    users.append(doc["user"])
            return {s: (holding[s], counts[s][1]) for s in session_ids}

        return self.engine.read(read)

    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        return self.engine.read(lambda tx: registered_at(tx, session_id))

    def registered_since(self, *, user_id: str, session_id: str) -> datetime | None:
        return self.engine.read(lambda tx: registered_since(tx, user_id, session_id))

    def waitlist(self, *, session_id: str) -> list[str]:
        return self.engine.read(lambda tx: waiting_of(tx, session_id))

    def place_counts(self, *, session_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        return self.engine.read(lambda tx: counts_of(tx, session_ids))

    def taken_at(
        self, *, session_ids: Collection[str], length: int, held: int | None = None
    ) -> dict[str, int]:
        return self.engine.read(lambda tx: taken_at(tx, session_ids, length, held))

    def save_card(self, *, card: Card) -> None:
        self.engine.transaction(lambda tx: save_card(tx, card))

    def card_at(self, *, channel_id: str, message_ts: str) -> Card | None:
        return self.engine.read(lambda tx: card_at(tx, channel_id, message_ts))

    def cards_for(self, *, session_id: str) -> list[Card]:
        return self.engine.read(lambda tx: cards_for(tx, session_id))

    def programme_edition(self, *, digest: str, now: datetime) -> datetime:
        """When the programme with this digest came into force, the same in every process."""
        return self.engine.transaction(lambda tx: edition(tx, digest, now))
