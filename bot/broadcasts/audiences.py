"""Organiser broadcasts without Slack: audiences, recipients, new drafts."""

from __future__ import annotations

import uuid
from datetime import datetime

from bot.programme import Programme
from bot.store import Broadcast, Store

CHANNEL = "channel"
REGISTERED = "registered"
SESSION = "session:"


def new_broadcast(*, organiser_id: str, text: str, now: datetime) -> Broadcast:
    """A draft for the announcements channel."""
    return Broadcast(id=uuid.uuid4().hex[:12], organiser_id=organiser_id, text=text, created_at=now)


def audiences(programme: Programme) -> list[tuple[str, str]]:
    """(value, label) for every audience an organiser can choose."""
    options = [(CHANNEL, "The announcements channel"), (REGISTERED, "Everyone registered (DM)")]
    options += [(SESSION + s.id, f"Registrants of {s.title} (DM)") for s in programme.sessions]
    return options


def audience_label(audience: str, programme: Programme) -> str:
    return dict(audiences(programme)).get(audience, audience)


def recipients(audience: str, *, programme: Programme, store: Store) -> list[str]:
    """The user ids a DM audience reaches (none for the channel), each once."""
    if audience == REGISTERED:
        people: dict[str, None] = {}
        for session in programme.sessions:
            people.update(dict.fromkeys(store.registrants(session_id=session.id)))
        return list(people)
    if audience.startswith(SESSION):
        return store.registrants(session_id=audience.removeprefix(SESSION))
    return []


def is_known(audience: str, programme: Programme) -> bool:
    return audience in dict(audiences(programme))
