"""Questions about the week itself rather than a session: its days at a glance, when it
runs, and how sessions are joined. Pure; plain-text wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.answering.slots import grouped, is_online, same_session
from bot.dates import date_span
from bot.programme import Programme, Session
from bot.wording import counted

# Sessions of these kinds are what a day is known for.
_FEATURED = ("headline", "keynote", "plenary")


@dataclass(frozen=True)
class DaySummary:
    """One day of the programme at a glance."""

    day: date
    name: str | None  # the programme's name for the day, if any
    count: int
    featured: tuple[Session, ...]  # its headline or keynote sessions


def week_summary(programme: Programme) -> tuple[DaySummary, ...]:
    """Each day: its name, how many sessions, and its headline sessions."""
    summaries = []
    for day in programme.days:
        sessions, _ = grouped(programme.on_day(day))  # a session held twice counts once
        featured = tuple(s for s in sessions if (s.type or "").casefold() in _FEATURED)
        summaries.append(DaySummary(day, programme.event.days.get(day), len(sessions), featured))
    return tuple(summaries)


def week_note(programme: Programme, today: date) -> str:
    """When the week runs (or ran), in one sentence."""
    days = programme.days
    if today < days[0]:
        tense = "runs"
    elif today > days[-1]:
        tense = "ran"
    else:
        tense = "is on now, running"
    sessions = counted(len({same_session(s) for s in programme.sessions}), "session")
    return (
        f"{programme.event.name} {tense} {date_span(days[0], days[-1])}: "
        f"{sessions} over {counted(len(days), 'day')}."
    )


def joining_note(programme: Programme) -> str:
    """How sessions are joined, from what the programme holds."""
    links = any(s.join_url for s in programme.sessions)
    in_person = any(not is_online(s) and s.location for s in programme.sessions)
    parts = []
    if links:
        parts.append(
            "Online sessions have a “Join online” link on their card, and in the reminder "
            "you get before each session you register for."
        )
    if in_person:
        parts.append("In-person sessions take place where their card says.")
    reminded = ", with the link," if links else ""
    parts.append(f"Register for a session to be reminded{reminded} before it starts.")
    if programme.event.url:
        parts.append(f"More about the week: {programme.event.url}")
    return " ".join(parts)
