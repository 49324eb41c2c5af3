"""The store: a narrow interface over everything the bot remembers.

Listeners and domain code talk to a `Store`; they never see how it keeps data. Every method
takes keyword arguments only. Every method that changes something returns only once the
change is durable, so a person is never told of a registration that a crash could lose.
Implementations must be safe to call from many threads at once. Only Slack user IDs, ids
and timestamps are kept: no names, no e-mail addresses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

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


class Store(ABC):
    """Registrations, waitlists, session cards, broadcasts and claimed one-time keys."""

    @abstractmethod
    def register(self, *, user_id: str, session_id: str, capacity: int | None) -> Registered:
        """Give `user_id` a place, or a waitlist place when `capacity` places are taken.
        Registering again changes nothing and says so."""

    @abstractmethod
    def unregister(self, *, user_id: str, session_id: str, capacity: int | None) -> Unregistered:
        """Take `user_id` off the session (or its waitlist). When a place frees up and someone
        is waiting, the first on the waitlist is registered and returned as `promoted`."""

    @abstractmethod
    def fill(self, *, session_id: str, capacity: int | None) -> list[str]:
        """After a session's capacity is raised: register people from its waitlist, first in
        line first, while there is room. Returns those moved, to be told."""

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
    def is_claimed(self, *, key: str) -> bool:
        """Whether `key` has been claimed (without claiming it)."""

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
    def broadcast(self, *, broadcast_id: str) -> Broadcast | None:
        """The broadcast with this id, if any."""

    @abstractmethod
    def broadcasts(self, *, limit: int | None = None) -> list[Broadcast]:
        """Broadcasts, newest first (by `created_at`), at most `limit`."""

    @abstractmethod
    def claim(self, *, key: str) -> bool:
        """True the first time `key` is claimed, False ever after (across restarts too).
        Used to act once on a delivery Slack may repeat."""

    @abstractmethod
    def close(self) -> None:
        """Finish pending writes and release the files."""
