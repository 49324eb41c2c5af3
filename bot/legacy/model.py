"""The store: a narrow interface over everything the bot remembers.

Listeners and domain code talk to a `Store`; they never see how it keeps data. Every method
takes keyword arguments only. Every method that changes something returns only once the
change is durable, so a person is never told of a registration that a crash could lose.
Implementations must be safe to call from many threads at once. Only Slack user IDs, ids
and timestamps are kept, and what the bot itself sends: no names, no e-mail addresses.

The outbox is part of the store: every message the bot sends unasked is an `Entry`, written
in the same durable step as the decision that caused it (`unregister` promoting someone,
`start_broadcast`, `enqueue`), and settled once it is sent or given up.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SeatState = Literal["registered", "waitlisted", "none"]


class StoreError(Exception):
    """The store cannot be opened or used; the message names the file and the problem."""


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


BroadcastStatus = Literal["draft", "scheduled", "sending", "sent", "cancelled"]
BROADCAST_KIND = "broadcast"
"""The outbox kind of a broadcast's messages; cancelling a broadcast cancels those pending."""


@dataclass(frozen=True)
class Broadcast:
    """An organiser's announcement and its audit record. `audience` is "channel" (the
    announcements channel), "registered" (everyone registered for any session, by DM) or
    "session:<id>" (that session's registrants, by DM). Times are aware (UTC)."""

    id: str
    organiser_id: str
    text: str
    created_at: datetime
    audience: str = "channel"
    status: BroadcastStatus = "draft"
    send_at: datetime | None = None
    sent_at: datetime | None = None
    recipients: int = 0
    delivered: int = 0
    failed: int = 0
    preview_channel: str | None = None
    preview_ts: str | None = None


EntryStatus = Literal["pending", "sent", "failed", "expired", "cancelled"]
SETTLED: tuple[EntryStatus, ...] = ("sent", "failed", "expired", "cancelled")


@dataclass(frozen=True)
class Entry:
    """One message in the outbox, to `recipient` (a user id: their DM; or a channel id).

    `kind` says which feature renders and sends it ("reminder", "broadcast", "promotion"…),
    `subject` what it is about (a session or broadcast id), `version` which occurrence (a due
    time, a promotion time…): together with `recipient` they make the one-time `key`, so the
    same entry added twice is kept once. It is worth sending until `deadline` (aware); after
    that it expires. `message` holds chat.postMessage arguments when the message cannot be
    drawn again at sending time (news of a change); otherwise the feature draws it then."""

    kind: str
    subject: str
    recipient: str
    version: str
    deadline: datetime
    created_at: datetime
    message: dict[str, Any] | None = None
    status: EntryStatus = "pending"
    settled_at: datetime | None = None
    detail: str = ""

    @property
    def key(self) -> str:
        return entry_key(self.kind, self.subject, self.recipient, self.version)


def entry_key(kind: str, subject: str, recipient: str, version: str) -> str:
    """The one-time key of an outbox entry."""
    return f"{kind}|{subject}|{recipient}|{version}"


@dataclass(frozen=True)
class Notice:
    """What to add to the outbox for each person a change moves off a waitlist: an entry of
    `kind` about `subject`, worth sending until `deadline`. The store fills in the recipient
    and the version (the moment of the move)."""

    kind: str
    subject: str
    deadline: datetime


@dataclass(frozen=True)
class Feedback:
    """One person's word on one session they were registered for: a `rating` (1 to 5, or
    None), whether they `attended` ("Didn't attend" makes it False), and their reflection:
    what they `learnt` and how it will `change` their practice; `share` lets organisers read
    `learnt`, without their name. `at` (aware) is when it was last changed."""

    user_id: str
    session_id: str
    at: datetime
    rating: int | None = None
    attended: bool = True
    learnt: str = ""
    change: str = ""
    share: bool = False


@dataclass(frozen=True)
class Forgotten:
    """What `forget` removed: the sessions the person was registered for and waiting for,
    who was moved up into each place freed (session id -> user id), and how many pending
    outbox entries to them were cancelled."""

    registered: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    promoted: dict[str, str] = field(default_factory=dict)
    cancelled: int = 0


@dataclass(frozen=True)
class Counts:
    """How the outbox entries of one subject stand."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.failed + self.expired + self.cancelled

    @property
    def settled(self) -> int:
        return self.total - self.pending


class Store(ABC):
    """Registrations, waitlists, session cards, broadcasts, the outbox, and each person's
    choices, calendar link and feedback."""

    @abstractmethod
    def register(
        self, *, user_id: str, session_id: str, capacity: int | None, at: datetime | None = None
    ) -> Registered:
        """Give `user_id` a place, or a waitlist place when `capacity` places are taken, at
        `at` (aware; now when not given). Registering again changes nothing and says so."""

    @abstractmethod
    def unregister(
        self,
        *,
        user_id: str,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> Unregistered:
        """Take `user_id` off the session (or its waitlist). When a place frees up and someone
        is waiting, the first on the waitlist is registered (at `at`) and returned as
        `promoted`, and `notice` for them is added to the outbox in the same durable step."""

    @abstractmethod
    def fill(
        self,
        *,
        session_id: str,
        capacity: int | None,
        notice: Notice | None = None,
        at: datetime | None = None,
    ) -> list[str]:
        """After a session's capacity is raised: register people from its waitlist (at `at`),
        first in line first, while there is room, each with `notice` in the outbox. Returns
        those moved."""

    @abstractmethod
    def seat(self, *, user_id: str, session_id: str) -> Seat:
        """Where `user_id` stands for one session."""

    @abstractmethod
    def seats_of(self, *, user_id: str) -> dict[str, Seat]:
        """Every session `user_id` is registered or waitlisted for, by session id."""

    @abstractmethod
    def registrants(self, *, session_id: str) -> list[str]:
        """User ids registered for the session, in the order they registered."""

    @abstractmethod
    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        """When each registrant got their place (aware, UTC), in registration order."""

    @abstractmethod
    def registered_since(self, *, user_id: str, session_id: str) -> datetime | None:
        """When `user_id` got their place in the session (aware, UTC), or None if they hold
        none: `registered_at` for one person, without copying everyone's."""

    @abstractmethod
    def waitlist(self, *, session_id: str) -> list[str]:
        """User ids waiting for the session, first in line first."""

    @abstractmethod
    def save_card(self, *, card: Card) -> None:
        """Remember which session a channel message stands for."""

    @abstractmethod
    def card_at(self, *, channel_id: str, message_ts: str) -> Card | None:
        """The card posted as that message, if it is one."""

    @abstractmethod
    def cards_for(self, *, session_id: str) -> list[Card]:
        """Every card posted for the session."""

    @abstractmethod
    def save_broadcast(self, *, broadcast: Broadcast) -> None:
        """Create or replace the broadcast with this id."""

    @abstractmethod
    def change_broadcast(
        self,
        *,
        broadcast_id: str,
        when: tuple[BroadcastStatus, ...],
        changes: dict[str, Any],
        entries: Sequence[Entry] = (),
    ) -> Broadcast | None:
        """If the broadcast's status is one of `when`: apply `changes` (field: value) and add
        `entries` to the outbox, in one durable step, and return the broadcast as it now is.
        Otherwise change nothing and return None (a second Send, a late save of a preview).
        Changing the status to "cancelled" cancels its pending outbox entries in that step."""

    @abstractmethod
    def broadcast(self, *, broadcast_id: str) -> Broadcast | None:
        """The broadcast with this id, if any."""

    @abstractmethod
    def broadcasts(self, *, limit: int | None = None) -> list[Broadcast]:
        """Broadcasts, newest first (by `created_at`), at most `limit`."""

    @abstractmethod
    def enqueue(self, *, entries: Sequence[Entry]) -> list[Entry]:
        """Add entries to the outbox; those whose key is already there are left out. Returns
        the entries added."""

    @abstractmethod
    def settle(self, *, key: str, status: EntryStatus, at: datetime, detail: str = "") -> bool:
        """Mark a pending entry sent, failed, expired or cancelled; False if it was not pending.
        A cancelled entry can still be marked sent: it was on its way when it was cancelled."""

    @abstractmethod
    def cancel_entries(self, *, kind: str, subject: str, at: datetime) -> int:
        """Cancel every pending entry of `kind` about `subject`; returns how many."""

    @abstractmethod
    def entry(self, *, key: str) -> Entry | None:
        """The outbox entry with this key."""

    @abstractmethod
    def counts(self, *, kind: str, subject: str) -> Counts:
        """How the entries of `kind` about `subject` stand."""

    @abstractmethod
    def problems(self, *, since: datetime) -> list[Entry]:
        """Entries that failed or expired since `since`, oldest first."""

    @abstractmethod
    def wait_entries(self, *, after: int, timeout: float) -> tuple[list[Entry], int]:
        """Pending entries added after position `after` (0: from the start), waiting up to
        `timeout` seconds for one when there are none; and the position to ask after next."""

    @abstractmethod
    def backlog(self) -> int:
        """How many outbox entries are pending."""

    @abstractmethod
    def pending_to(self, *, recipient: str) -> int:
        """How many pending outbox entries are addressed to `recipient` (a user id)."""

    # --- each person's own choices, calendar link and feedback ------------------------------

    @abstractmethod
    def set_reminders(self, *, user_id: str, offsets: tuple[int, ...] | None) -> None:
        """Which reminders `user_id` wants: None, all the organisers plan (the default);
        `()`, none; otherwise only those whose offsets (in seconds) are listed."""

    @abstractmethod
    def reminders_of(self, *, user_id: str) -> tuple[int, ...] | None:
        """`user_id`'s choice of reminders, as given to `set_reminders` (None if never set)."""

    @abstractmethod
    def set_calendar_token(self, *, user_id: str, token: str | None) -> None:
        """Give `user_id` this private calendar token, replacing any earlier one (which stops
        working); None removes it. A token is never given to two people."""

    @abstractmethod
    def calendar_token(self, *, user_id: str) -> str | None:
        """`user_id`'s calendar token, if they have one."""

    @abstractmethod
    def calendar_owner(self, *, token: str) -> str | None:
        """Whose calendar token this is, if anyone's."""

    @abstractmethod
    def save_feedback(self, *, feedback: Feedback) -> None:
        """Create or replace `feedback.user_id`'s feedback on `feedback.session_id`."""

    @abstractmethod
    def feedback_of(self, *, user_id: str) -> dict[str, Feedback]:
        """`user_id`'s feedback, by session id."""

    @abstractmethod
    def feedback_for(self, *, session_id: str) -> list[Feedback]:
        """Everyone's feedback on one session, in the order first given."""

    @abstractmethod
    def revise(self, *, fingerprints: Mapping[str, str]) -> dict[str, int]:
        """Each session's revision number (a calendar's SEQUENCE): 0 the first time its
        fingerprint (what the session looks like: times, place...) is seen, one more each
        time the fingerprint given differs from the last. Returns them by session id."""

    @abstractmethod
    def fingerprints(self, *, session_ids: Sequence[str]) -> dict[str, str]:
        """The last fingerprint given to `revise` for each of these sessions that has one."""

    @abstractmethod
    def forget(
        self,
        *,
        user_id: str,
        capacities: Mapping[str, int | None],
        notices: Mapping[str, Notice],
        at: datetime,
    ) -> Forgotten:
        """Delete everything kept about `user_id`, in one durable step: their places (each
        freed place goes to the first on its waitlist, with `notices[session]` for them, as
        `unregister` does; `capacities` by session id), waitlist places, choices, calendar
        token and feedback. Their pending outbox entries are cancelled, and every outbox
        entry ever addressed to them keeps its status but no longer names them: counts stay,
        the person does not."""

    def problem(self) -> str | None:
        """Why the store cannot take changes now (for a health check), or None."""
        return None

    @abstractmethod
    def close(self) -> None:
        """Finish pending writes and release the files."""
