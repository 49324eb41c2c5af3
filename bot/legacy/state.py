"""The store's state in memory and the rules for changing it, shared by every backend.

Not thread-safe: backends hold a lock around it. Every lookup is O(1) or O(size of the
answer) through dict indexes; dicts keep insertion order, which is registration order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.legacy.model import (
    BROADCAST_KIND,
    NO_SEAT,
    Broadcast,
    Card,
    Counts,
    Entry,
    Feedback,
    Forgotten,
    Registered,
    Seat,
    Unregistered,
)
from bot.legacy.ops import (
    Op,
    broadcast_of,
    broadcast_op,
    check_op,
    entry_of,
    feedback_of,
)

Outcome = (
    Registered | Unregistered | Forgotten | bool | int | list[str] | list[Entry] | Broadcast | None
)
"""What applying an operation gives: `Registered`, `Unregistered`, `Forgotten`, the people a
fill moved off the waitlist, the entries added, the broadcast as changed (None: not changed),
how many entries were cancelled, or for a card, a claim, a broadcast, a settle, a choice, a
calendar token, feedback or a revision whether it changed anything."""

Where = tuple[str, str]  # (channel id, message ts) of a card


def changed(outcome: Outcome) -> bool:
    """Whether the operation that gave `outcome` changed the state (and must be journaled)."""
    if isinstance(outcome, Registered):
        return outcome.changed
    if isinstance(outcome, Unregistered):
        return outcome.previous != NO_SEAT
    return outcome is not None and outcome is not False and outcome != 0 and outcome != []


@dataclass
class StateData:
    """A plain copy of the state, for writing a snapshot or building a state from one.

    `registered` and `waiting` map session -> user -> UTC timestamp, in order."""

    registered: dict[str, dict[str, str]] = field(default_factory=dict)
    waiting: dict[str, dict[str, str]] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)
    """One-time keys claimed by versions before the outbox; kept so their files still load."""
    broadcasts: list[Broadcast] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    """The outbox, in the order entries were added."""
    reminders: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Each person's choice of reminders, when not the default (see `Store.set_reminders`)."""
    tokens: dict[str, str] = field(default_factory=dict)
    """Each person's calendar token."""
    feedback: list[Feedback] = field(default_factory=list)
    revisions: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each session's last fingerprint and revision number."""


class State:
    """Registrations, waitlists, cards, claims and broadcasts, changed only by `apply`."""

    def __init__(self) -> None:
        self._registered: dict[str, dict[str, str]] = {}
        self._waiting: dict[str, dict[str, str]] = {}
        # 1-based waitlist places, so a seat lookup does not walk the waitlist.
        self._place: dict[str, dict[str, int]] = {}
        # Sessions each user has a seat for (registered or waiting), for `seats_of`.
        self._sessions_of: dict[str, dict[str, None]] = {}
        self._cards: dict[Where, Card] = {}
        self._cards_for: dict[str, dict[Where, None]] = {}
        self._claims: dict[str, str] = {}
        self._broadcasts: dict[str, Broadcast] = {}
        # The outbox: entries by key in the order added, their keys by position (1-based),
        # and per (kind, subject) how many stand at each status.
        self._entries: dict[str, Entry] = {}
        self._order: list[str] = []
        self._tally: dict[tuple[str, str], Counter[str]] = {}
        # Keys of the entries that failed or expired: organisers' history reads these, and
        # must not walk every message ever sent.
        self._problems: list[str] = []
        self._reminders: dict[str, tuple[int, ...]] = {}
        self._tokens: dict[str, str] = {}
        self._owners: dict[str, str] = {}
        self._feedback: dict[str, dict[str, Feedback]] = {}  # user -> session -> feedback
        self._feedback_for: dict[str, dict[str, None]] = {}  # session -> users, in order
        self._revisions: dict[str, tuple[str, int]] = {}

    # --- changes ------------------------------------------------------------------------------

    def apply(self, op: Op) -> Outcome:
        """Apply one operation (see `bot.legacy.ops`); ValueError if it is malformed."""
        check_op(op)
        kind = op["op"]
        if kind == "register":
            return self._register(op["user"], op["session"], op["capacity"], op["at"])
        if kind == "unregister":
            outcome = self._unregister(op["user"], op["session"], op["capacity"], op["at"])
            self._notify(op["notice"], [outcome.promoted] if outcome.promoted else [], op["at"])
            return outcome
        if kind == "fill":
            promoted = self._fill(op["session"], op["capacity"], op["at"])
            self._notify(op["notice"], promoted, op["at"])
            return promoted
        if kind == "card":
            return self._save_card(Card(op["session"], op["channel"], op["ts"]))
        if kind == "broadcast":
            return self._save_broadcast(broadcast_of(op))
        if kind == "broadcast_change":
            at = datetime.fromisoformat(op["at"])
            return self._change_broadcast(op["id"], op["when"], op["changes"], op["entries"], at)
        if kind == "enqueue":
            return self._enqueue([entry_of(record) for record in op["entries"]])
        if kind == "settle":
            at = datetime.fromisoformat(op["at"])
            return self._settle(op["key"], op["status"], at, op["detail"])
        if kind == "cancel_entries":
            return self._cancel(op["kind"], op["subject"], datetime.fromisoformat(op["at"]))
        if kind == "reminders":
            offsets = op["offsets"]
            return self._set_reminders(op["user"], None if offsets is None else tuple(offsets))
        if kind == "calendar":
            return self._set_token(op["user"], op["token"])
        if kind == "feedback":
            return self._save_feedback(feedback_of(op))
        if kind == "revise":
            return self._revise(op["fingerprints"])
        if kind == "forget":
            return self._forget(op["user"], op["capacities"], op["notices"], op["at"])
        return self._claim(op["key"], op["at"])

    def _notify(self, notice: dict[str, str] | None, people: list[str], at: str) -> None:
        """Add `notice` to the outbox for each person moved off a waitlist at `at`."""
        if notice is None or not people:
            return
        moment = datetime.fromisoformat(at)
        deadline = datetime.fromisoformat(notice["deadline"])
        self._enqueue(
            [Entry(notice["kind"], notice["subject"], person, at, deadline, moment)
             for person in people]
        )  # fmt: skip

    def _enqueue(self, entries: list[Entry]) -> list[Entry]:
        added = []
        for entry in entries:
            key = entry.key
            if key in self._entries:
                continue
            self._entries[key] = entry
            self._order.append(key)
            self._tally.setdefault((entry.kind, entry.subject), Counter())[entry.status] += 1
            if entry.status in ("failed", "expired"):  # read back from a snapshot
                self._problems.append(key)
            added.append(entry)
        return added

    def _settle(self, key: str, status: str, at: datetime, detail: str) -> bool:
        entry = self._entries.get(key)
        if entry is None:
            return False
        # A message already on its way when it was cancelled did go: record that it did.
        went_anyway = entry.status == "cancelled" and status == "sent"
        if entry.status != "pending" and not went_anyway:
            return False
        settled = replace(entry, status=status, settled_at=at, detail=detail)  # type: ignore[arg-type]
        self._entries[key] = settled
        tally = self._tally[(entry.kind, entry.subject)]
        tally[entry.status] -= 1
        tally[status] += 1
        if status in ("failed", "expired"):
            self._problems.append(key)
        return True

    def _cancel(self, kind: str, subject: str, at: datetime) -> int:
        if not self._tally.get((kind, subject), Counter())["pending"]:
            return 0
        keys = [
            key
            for key, entry in self._entries.items()
            if entry.kind == kind and entry.subject == subject and entry.status == "pending"
        ]
        for key in keys:
            self._settle(key, "cancelled", at, "cancelled")
        return len(keys)

    def _change_broadcast(
        self,
        broadcast_id: str,
        when: list[str],
        changes: dict[str, Any],
        entries: list[Any],
        at: datetime,
    ) -> Broadcast | None:
        current = self._broadcasts.get(broadcast_id)
        if current is None or current.status not in when:
            return None
        record = broadcast_op(current) | changes
        changed = broadcast_of(check_op(record))
        self._broadcasts[broadcast_id] = changed
        self._enqueue([entry_of(entry) for entry in entries])
        if changed.status == "cancelled":
            self._cancel(BROADCAST_KIND, broadcast_id, at)
        return changed

    def _register(self, user: str, session: str, capacity: int | None, at: str) -> Registered:
        current = self.seat(user, session)
        if current != NO_SEAT:
            return Registered(current, changed=False)
        registered = self._registered.setdefault(session, {})
        if capacity is None or len(registered) < capacity:
            registered[user] = at
            self._sessions_of.setdefault(user, {})[session] = None
            return Registered(Seat("registered"), changed=True)
        waiting = self._waiting.setdefault(session, {})
        waiting[user] = at
        place = len(waiting)
        self._place.setdefault(session, {})[user] = place
        self._sessions_of.setdefault(user, {})[session] = None
        return Registered(Seat("waitlisted", place), changed=True)

    def _unregister(self, user: str, session: str, capacity: int | None, at: str) -> Unregistered:
        previous = self.seat(user, session)
        if previous.state == "none":
            return Unregistered(NO_SEAT)
        self._forget_session(user, session)
        if previous.state == "waitlisted":
            self._leave_waitlist(user, session)
            return Unregistered(previous)
        registered = self._registered[session]
        del registered[user]
        waiting = self._waiting.get(session)
        if capacity is None or len(registered) >= capacity or not waiting:
            return Unregistered(previous)
        first = next(iter(waiting))
        self._leave_waitlist(first, session)
        # The promoted person's registration time is when their place came free.
        registered[first] = at
        self._sessions_of.setdefault(first, {})[session] = None
        return Unregistered(previous, promoted=first)

    def _fill(self, session: str, capacity: int | None, at: str) -> list[str]:
        """Move people off the waitlist, first in line first, while there is room."""
        promoted: list[str] = []
        registered = self._registered.setdefault(session, {})
        waiting = self._waiting.get(session, {})
        while waiting and (capacity is None or len(registered) < capacity):
            first = next(iter(waiting))
            self._leave_waitlist(first, session)
            registered[first] = at
            promoted.append(first)
        if not registered:
            del self._registered[session]
        return promoted

    def _leave_waitlist(self, user: str, session: str) -> None:
        waiting = self._waiting[session]
        del waiting[user]
        # Everyone behind moves up: renumber this session's waitlist only (O(its length)).
        self._place[session] = {waiter: place for place, waiter in enumerate(waiting, start=1)}

    def _forget_session(self, user: str, session: str) -> None:
        sessions = self._sessions_of[user]
        del sessions[session]
        if not sessions:
            del self._sessions_of[user]

    def _save_card(self, card: Card) -> bool:
        where = (card.channel_id, card.message_ts)
        old = self._cards.get(where)
        if old == card:
            return False
        if old is not None:
            # The same message now stands for another session: drop it from the old one.
            del self._cards_for[old.session_id][where]
        self._cards[where] = card
        self._cards_for.setdefault(card.session_id, {})[where] = None
        return True

    def _claim(self, key: str, at: str) -> bool:
        if key in self._claims:
            return False
        self._claims[key] = at
        return True

    def _save_broadcast(self, broadcast: Broadcast) -> bool:
        if self._broadcasts.get(broadcast.id) == broadcast:
            return False
        self._broadcasts[broadcast.id] = broadcast
        return True

    def _set_reminders(self, user: str, offsets: tuple[int, ...] | None) -> bool:
        if self._reminders.get(user) == offsets:
            return False
        if offsets is None:
            del self._reminders[user]
        else:
            self._reminders[user] = offsets
        return True

    def _set_token(self, user: str, token: str | None) -> bool:
        old = self._tokens.get(user)
        if old == token:
            return False
        if token is not None and token in self._owners:
            raise ValueError("calendar: that token is someone else's")
        if old is not None:
            del self._owners[old]
            del self._tokens[user]
        if token is not None:
            self._tokens[user] = token
            self._owners[token] = user
        return True

    def _save_feedback(self, feedback: Feedback) -> bool:
        mine = self._feedback.setdefault(feedback.user_id, {})
        if mine.get(feedback.session_id) == feedback:
            return False
        mine[feedback.session_id] = feedback
        self._feedback_for.setdefault(feedback.session_id, {})[feedback.user_id] = None
        return True

    def _revise(self, fingerprints: dict[str, str]) -> bool:
        changed = False
        for session, fingerprint in fingerprints.items():
            known = self._revisions.get(session)
            if known is None:
                self._revisions[session] = (fingerprint, 0)
            elif known[0] != fingerprint:
                self._revisions[session] = (fingerprint, known[1] + 1)
            else:
                continue
            changed = True
        return changed

    def _forget(
        self,
        user: str,
        capacities: dict[str, int | None],
        notices: dict[str, dict[str, str]],
        at: str,
    ) -> Forgotten:
        registered, waiting, promoted = [], [], {}
        for session in list(self._sessions_of.get(user, ())):
            outcome = self._unregister(user, session, capacities.get(session), at)
            if outcome.previous.state == "waitlisted":
                waiting.append(session)
                continue
            registered.append(session)
            if outcome.promoted:
                promoted[session] = outcome.promoted
                self._notify(notices.get(session), [outcome.promoted], at)
        self._set_reminders(user, None)
        self._set_token(user, None)
        for session in self._feedback.pop(user, {}):
            del self._feedback_for[session][user]
            if not self._feedback_for[session]:
                del self._feedback_for[session]
        for key in [key for key in self._claims if f"|{user}|" in key]:
            del self._claims[key]
        cancelled = self._unaddress(user, datetime.fromisoformat(at))
        return Forgotten(tuple(registered), tuple(waiting), promoted, cancelled)

    def _unaddress(self, user: str, at: datetime) -> int:
        """Cancel `user`'s pending entries, then make every entry to them anonymous: it keeps
        its place, kind, subject and status (so counts stay), under a recipient that names
        its position instead. Returns how many were cancelled."""
        cancelled = 0
        renamed: dict[str, Entry] = {}  # old key -> the entry as it is now
        for position, key in enumerate(self._order, start=1):
            if self._entries[key].recipient != user:
                continue
            if self._entries[key].status == "pending":
                self._settle(key, "cancelled", at, "forgotten")
                cancelled += 1
            anonymous = f"forgotten-{position}"
            renamed[key] = replace(self._entries[key], recipient=anonymous, message=None)
            self._order[position - 1] = renamed[key].key
        if renamed:
            self._entries = {
                (renamed[key].key if key in renamed else key): renamed.get(key, entry)
                for key, entry in self._entries.items()
            }
            self._problems = [renamed[k].key if k in renamed else k for k in self._problems]
        return cancelled

    # --- lookups ------------------------------------------------------------------------------

    def seat(self, user: str, session: str) -> Seat:
        if user in self._registered.get(session, ()):
            return Seat("registered")
        place = self._place.get(session, {}).get(user)
        return NO_SEAT if place is None else Seat("waitlisted", place)

    def seats_of(self, user: str) -> dict[str, Seat]:
        return {session: self.seat(user, session) for session in self._sessions_of.get(user, ())}

    def registrants(self, session: str) -> list[str]:
        return list(self._registered.get(session, ()))

    def registered_at(self, session: str) -> dict[str, str]:
        return dict(self._registered.get(session, {}))

    def registered_since(self, user: str, session: str) -> str | None:
        return self._registered.get(session, {}).get(user)

    def waitlist(self, session: str) -> list[str]:
        return list(self._waiting.get(session, ()))

    def card_at(self, channel: str, ts: str) -> Card | None:
        return self._cards.get((channel, ts))

    def cards_for(self, session: str) -> list[Card]:
        return [self._cards[where] for where in self._cards_for.get(session, ())]

    def broadcast(self, broadcast_id: str) -> Broadcast | None:
        return self._broadcasts.get(broadcast_id)

    def entry(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def counts(self, kind: str, subject: str) -> Counts:
        tally = self._tally.get((kind, subject), Counter())
        return Counts(**{status: tally[status] for status in Counts.__dataclass_fields__})

    def problems(self, since: datetime) -> list[Entry]:
        found = [
            entry
            for entry in (self._entries[key] for key in self._problems)
            if entry.settled_at is not None and entry.settled_at >= since
        ]
        return sorted(found, key=lambda entry: entry.settled_at or since)

    def pending_between(self, after: int, upto: int) -> list[Entry]:
        """Pending entries added after position `after`, up to position `upto` (1-based)."""
        keys = self._order[after:upto]
        return [self._entries[key] for key in keys if self._entries[key].status == "pending"]

    def backlog(self) -> int:
        return sum(tally["pending"] for tally in self._tally.values())

    def entry_count(self) -> int:
        """How many entries the outbox has ever held (the position of the last one)."""
        return len(self._order)

    def pending_to(self, recipient: str) -> int:
        return sum(
            1
            for entry in self._entries.values()
            if entry.recipient == recipient and entry.status == "pending"
        )

    def reminders_of(self, user: str) -> tuple[int, ...] | None:
        return self._reminders.get(user)

    def calendar_token(self, user: str) -> str | None:
        return self._tokens.get(user)

    def calendar_owner(self, token: str) -> str | None:
        return self._owners.get(token)

    def feedback_of(self, user: str) -> dict[str, Feedback]:
        return dict(self._feedback.get(user, {}))

    def feedback_for(self, session: str) -> list[Feedback]:
        return [self._feedback[user][session] for user in self._feedback_for.get(session, ())]

    def fingerprint(self, session: str) -> str | None:
        known = self._revisions.get(session)
        return None if known is None else known[0]

    def revisions(self, sessions: list[str]) -> dict[str, int]:
        return {s: self._revisions[s][1] for s in sessions if s in self._revisions}

    def broadcasts(self, limit: int | None) -> list[Broadcast]:
        # Few broadcasts are ever made: sorting on each call is cheaper than keeping order.
        newest = sorted(self._broadcasts.values(), key=lambda b: b.id)
        newest.sort(key=lambda b: b.created_at, reverse=True)
        return newest if limit is None else newest[: max(limit, 0)]

    # --- copies -------------------------------------------------------------------------------

    def copy_data(self) -> StateData:
        """A copy that later changes do not touch. Shallow copies of the inner dicts suffice
        (their keys and values are strings), which keeps the time under a lock short."""
        return StateData(
            registered={session: dict(users) for session, users in self._registered.items()},
            waiting={session: dict(users) for session, users in self._waiting.items()},
            cards=list(self._cards.values()),
            claims=dict(self._claims),
            broadcasts=list(self._broadcasts.values()),
            entries=[self._entries[key] for key in self._order],
            reminders=dict(self._reminders),
            tokens=dict(self._tokens),
            feedback=[
                self._feedback[user][session]
                for session, users in self._feedback_for.items()
                for user in users
            ],
            revisions=dict(self._revisions),
        )

    @classmethod
    def from_data(cls, data: StateData) -> State:
        """The state a copy describes; ValueError if it is inconsistent."""
        state = cls()
        for session, users in data.registered.items():
            if users:
                state._registered[session] = dict(users)
            for user in users:
                state._sessions_of.setdefault(user, {})[session] = None
        for session, users in data.waiting.items():
            clash = set(users) & set(data.registered.get(session, ()))
            if clash:
                raise ValueError(f"{sorted(clash)[0]} both registered and waiting for {session}")
            if users:
                state._waiting[session] = dict(users)
                state._place[session] = {user: n for n, user in enumerate(users, start=1)}
            for user in users:
                state._sessions_of.setdefault(user, {})[session] = None
        for card in data.cards:
            state._save_card(card)
        state._claims = dict(data.claims)
        for broadcast in data.broadcasts:
            if broadcast.id in state._broadcasts:
                raise ValueError(f"broadcast {broadcast.id} saved twice")
            state._broadcasts[broadcast.id] = broadcast
        for entry in data.entries:
            if not state._enqueue([entry]):
                raise ValueError(f"outbox entry {entry.key} saved twice")
        for user, offsets in data.reminders.items():
            state._set_reminders(user, offsets)
        for user, token in data.tokens.items():
            state._set_token(user, token)
        for feedback in data.feedback:
            if not state._save_feedback(feedback):
                raise ValueError(f"feedback of {feedback.user_id} on {feedback.session_id} twice")
        state._revisions = dict(data.revisions)
        return state
