"""The records of earlier versions' store, as their journals and snapshots hold them (read by
`bot.upgrade` only). What follows is how that store described itself.

The store: a narrow interface over everything the bot remembers.

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
