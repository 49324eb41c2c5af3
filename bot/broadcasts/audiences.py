"""Organiser broadcasts without Slack: audiences, recipients, new drafts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from bot.broadcasts.records import Broadcast
from bot.programme import Programme, Session

if TYPE_CHECKING:
    from bot.registrations.records import PlacesRecords

CHANNEL = "channel"
REGISTERED = "registered"
SESSION = "session:"

CHANNEL_LABEL = "The announcements channel"
REGISTERED_LABEL = "Everyone registered (DM)"


def new_broadcast(*, organiser_id: str, text: str, now: datetime) -> Broadcast:
    """A draft for the announcements channel."""
    return Broadcast(id=uuid.uuid4().hex[:12], organiser_id=organiser_id, text=text, created_at=now)


def _fixed(*, channel: bool) -> list[tuple[str, str]]:
    """The audiences that are not one session's: the channel (when there is one) and
    everyone registered."""
    everyone = [(REGISTERED, REGISTERED_LABEL)]
    return [(CHANNEL, CHANNEL_LABEL), *everyone] if channel else everyone


def _session_audience(session: Session) -> tuple[str, str]:
    return SESSION + session.id, f"Registrants of {session.title} (DM)"


def audiences(programme: Programme, *, channel: bool = True) -> list[tuple[str, str]]:
    """(value, label) for every audience an organiser can choose; without an announcements
    channel (`channel` False), only the DM audiences."""
    return _fixed(channel=channel) + [_session_audience(s) for s in programme.sessions]


def matching(
    query: str, programme: Programme, *, channel: bool, limit: int
) -> list[tuple[str, str]]:
    """The audiences whose label (or session id) has every word of `query`, at most `limit`:
    the fixed audiences first, then sessions in programme order. An empty query matches all."""
    words = query.casefold().split()

    def matches(*texts: str) -> bool:
        haystack = " ".join(texts).casefold()
        return all(word in haystack for word in words)

    found = [(value, label) for value, label in _fixed(channel=channel) if matches(label, value)]
    for session in programme.sessions:
        if len(found) >= limit:
            break
        if matches(session.title, session.id):
            found.append(_session_audience(session))
    return found[:limit]


def audience_label(audience: str, programme: Programme) -> str:
    """What `audience` is called (the channel included, for the history); a session no longer
    in the programme is named by its value."""
    fixed = dict(_fixed(channel=True))
    if audience in fixed:
        return fixed[audience]
    session = _session(audience, programme)
    return audience if session is None else _session_audience(session)[1]


def recipients(audience: str, *, programme: Programme, store: PlacesRecords) -> list[str]:
    """The user ids a DM audience reaches (none for the channel), each once."""
    if audience == REGISTERED:
        people: dict[str, None] = {}
        for session in programme.sessions:
            people.update(dict.fromkeys(store.registrants(session_id=session.id)))
        return list(people)
    if audience.startswith(SESSION):
        return store.registrants(session_id=audience.removeprefix(SESSION))
    return []


def is_known(audience: str, programme: Programme, *, channel: bool = True) -> bool:
    """Whether `audience` can be chosen (the channel only when there is one)."""
    if audience in dict(_fixed(channel=channel)):
        return True
    return _session(audience, programme) is not None


def _session(audience: str, programme: Programme) -> Session | None:
    """The session whose registrants `audience` is, if it is one of the programme's."""
    if not audience.startswith(SESSION):
        return None
    return programme.by_id.get(audience.removeprefix(SESSION))
