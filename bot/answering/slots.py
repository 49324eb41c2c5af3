"""What a session is, beyond its id: one session held in several slots (same title, same
speakers), and whether it is held online. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.words import fold, tokens
from bot.programme import Session

_ONLINE_WORDS = {"online", "virtual", "remote", "zoom", "teams", "webinar"}


def same_session(session: Session) -> tuple[str, tuple[str, ...]]:
    """What the slots of one session share: its title and its speakers."""
    return fold(session.title), tuple(sorted(fold(s.name) for s in session.speakers))


def grouped(sessions: Sequence[Session]) -> tuple[list[Session], dict[str, tuple[Session, ...]]]:
    """One entry per session held in several slots, at the place of its first; the slots of
    each such entry (by the id of the one shown), by start."""
    groups: dict[tuple[str, tuple[str, ...]], list[Session]] = {}
    for session in sessions:
        groups.setdefault(same_session(session), []).append(session)
    shown = [group[0] for group in groups.values()]
    slots = {
        group[0].id: tuple(sorted(group, key=lambda s: (s.start, s.id)))
        for group in groups.values()
        if len(group) > 1
    }
    return shown, slots


def is_online(session: Session) -> bool:
    """Held online: its location says so and names no other place, or it has only a link."""
    place = set(tokens(session.location or ""))
    if not place:
        return session.join_url is not None
    return bool(place & _ONLINE_WORDS) and not (place - _ONLINE_WORDS - {"only", "and"})
