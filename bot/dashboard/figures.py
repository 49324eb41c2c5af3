"""The dashboard's read model: the numbers its pages show, read through the features' own
services and records, with no HTML and no Slack.

Places are counted, not read: the week asks `Registrations.counts_of` for every session at
once. Only what a page lists person by person (one session's registrants and waitlist) reads
the places themselves; the registrations over time are counted by the moment each place was
taken (`PlacesRecords.taken_at`), in one read. A broadcast's numbers are those of
`/announce history`, a session's feedback is `summarise`d as `/announce feedback` does, and
attendance is counted as the CPD record counts it (`bot.feedback.cpd.attended`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.broadcasts import Broadcasts
from bot.broadcasts.commands import HISTORY_SHOWN, PROBLEMS_SINCE
from bot.broadcasts.records import BROADCAST_KIND, Broadcast
from bot.feedback.cpd import attended
from bot.feedback.records import FEEDBACK, Feedback
from bot.feedback.summary import SessionSummary, summarise
from bot.listeners.later import REPLY
from bot.outbox.records import Counts, Entry
from bot.programme import Programme, Session
from bot.registrations import PROMOTION, Registrations
from bot.registrations.news import CHANGE
from bot.reminders.jobs import REMINDER, STARTING_SOON

Names = Callable[[Sequence[str]], Mapping[str, str]]
"""Slack display names for user ids (an id it does not know may be left out)."""

HEALTH_SINCE = timedelta(hours=1)
"""How far back the health page looks for messages Slack did not take."""

KIND_NAMES = {
    REMINDER: "Reminders",
    STARTING_SOON: "“Starting soon” posts",
    CHANGE: "Change notices",
    PROMOTION: "Waitlist place messages",
    FEEDBACK: "Feedback requests",
    BROADCAST_KIND: "Announcement messages",
    REPLY: "Replies sent later",
}
"""What each kind of outbox entry is called on the pages."""

SESSION_KINDS = (REMINDER, STARTING_SOON, CHANGE, PROMOTION, FEEDBACK)
"""The kinds of message about one session: each entry's `subject` is the session's id."""


class HealthCheck(Protocol):
    """What `GET /healthz` reports (`bot.health.Health`): (healthy, the report)."""

    def report(self) -> tuple[bool, dict[str, Any]]: ...


class PlaceTimes(Protocol):
    """When each registrant got their place (`PlacesRecords.registered_at`), and how many
    places were taken at each moment (`PlacesRecords.taken_at`)."""

    def registered_at(self, *, session_id: str) -> dict[str, datetime]: ...

    def taken_at(
        self, *, session_ids: Collection[str], length: int, held: int | None = None
    ) -> dict[str, int]: ...


class OutboxCounts(Protocol):
    """How the outbox entries of one kind about one subject stand (`OutboxRecords.counts`)."""

    def counts(self, *, kind: str, subject: str) -> Counts: ...


class Records(PlaceTimes, OutboxCounts, Protocol):
    """The reads the dashboard makes that no service offers, each a records method:
    places (`PlacesRecords`), feedback (`FeedbackRecords`) and the outbox
    (`OutboxRecords`). The app's `Store` is all of them."""

    def waitlist(self, *, session_id: str) -> list[str]: ...

    def feedback_for(self, *, session_id: str) -> list[Feedback]: ...


# --- the week -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """One session's places: `registered`, `waiting`, and its capacity (None: no limit)."""

    session: Session
    registered: int
    waiting: int

    @property
    def capacity(self) -> int | None:
        return self.session.capacity

    @property
    def left(self) -> int | None:
        """Places still free, or None when the session has no limit."""
        capacity = self.session.capacity
        return None if capacity is None else max(capacity - self.registered, 0)

    @property
    def full(self) -> bool:
        capacity = self.session.capacity
        return capacity is not None and self.registered >= capacity


@dataclass(frozen=True)
class Day:
    """The sessions starting on one day (event time), added up."""

    day: date
    sessions: int
    registered: int
    waiting: int
    full: int


@dataclass(frozen=True)
class Taken:
    """How many of the places held now were taken on `day` (event time)."""

    day: date
    count: int


@dataclass(frozen=True)
class Week:
    """Every session's places, by day, and the registrations over time."""

    sessions: tuple[Places, ...]
    days: tuple[Day, ...]
    taken: tuple[Taken, ...]  # from the first day a place was taken to the last, gaps as 0

    @property
    def registered(self) -> int:
        return sum(places.registered for places in self.sessions)

    @property
    def waiting(self) -> int:
        return sum(places.waiting for places in self.sessions)

    @property
    def full(self) -> tuple[Places, ...]:
        return tuple(places for places in self.sessions if places.full)

    @property
    def waitlists(self) -> tuple[Places, ...]:
        """The sessions someone is waiting for, longest waitlist first."""
        waiting = [places for places in self.sessions if places.waiting]
        return tuple(sorted(waiting, key=lambda places: -places.waiting))

    def busiest(self, most: int) -> tuple[Places, ...]:
        """The `most` sessions with the most registrations (programme order among equals),
        leaving out those nobody registered for."""
        taken = [places for places in self.sessions if places.registered]
        return tuple(sorted(taken, key=lambda places: -places.registered)[:most])


def week_figures(programme: Programme, *, registrations: Registrations, times: PlaceTimes) -> Week:
    """The week's places, counted for every session at once, and when they were taken,
    counted by the moment in one read (`days_taken`)."""
    ids = [session.id for session in programme.sessions]
    counts = registrations.counts_of(ids)
    sessions = tuple(Places(s, *counts[s.id]) for s in programme.sessions)
    taken: tuple[Taken, ...] = ()
    if ids:
        length = taken_precision(programme.tz, programme.sessions[0].start.year)
        held = sum(registered for registered, _ in counts.values())
        moments = times.taken_at(session_ids=ids, length=length, held=held)
        taken = days_taken(moments, programme.tz)
    return Week(sessions=sessions, days=by_day(programme, sessions), taken=taken)


def by_day(programme: Programme, sessions: Sequence[Places]) -> tuple[Day, ...]:
    """`sessions` added up by the day each starts on (event time), in order."""
    grouped: dict[date, list[Places]] = {}
    for places in sessions:
        grouped.setdefault(programme.local(places.session.start).date(), []).append(places)
    return tuple(
        Day(
            day=day,
            sessions=len(group),
            registered=sum(places.registered for places in group),
            waiting=sum(places.waiting for places in group),
            full=sum(1 for places in group if places.full),
        )
        for day, group in sorted(grouped.items())
    )


def taken_by_day(programme: Programme, times: PlaceTimes) -> tuple[Taken, ...]:
    """How many of the places held now were taken each day (event time), from the first
    such day to the last, read from everyone's place. A place taken off the waitlist counts
    on the day it was given. (The week's page counts them instead: `days_taken`.)"""
    per_day: Counter[date] = Counter()
    for session in programme.sessions:
        per_day += _days(times, session.id, programme.tz)
    return _in_order(per_day)


def _days(times: PlaceTimes, session_id: str, tz: ZoneInfo) -> Counter[date]:
    """How many of one session's places were taken each day (event time)."""
    return Counter(
        at.astimezone(tz).date() for at in times.registered_at(session_id=session_id).values()
    )


def _in_order(per_day: Mapping[date, int]) -> tuple[Taken, ...]:
    """Every day from the first to the last with a place taken, a day with none as 0."""
    days = [day for day, count in per_day.items() if count]
    if not days:
        return ()
    first, last = min(days), max(days)
    every = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(Taken(day, per_day.get(day, 0)) for day in every)


HOUR, MINUTE = 13, 16
"""Characters of an ISO 8601 time up to its hour (`2023-03-21T09`), and up to its minute."""


def taken_precision(tz: ZoneInfo, year: int) -> int:
    """How finely to count when places were taken so that each count falls on one day in
    `tz`: by the hour where `tz` is a whole number of hours from UTC all year, else by the
    minute (India, Nepal, Lord Howe...: every timezone is whole minutes from UTC)."""
    offsets = [datetime(year, month, 1, tzinfo=tz).utcoffset() for month in (1, 4, 7, 10)]
    whole = all(offset is not None and offset.total_seconds() % 3600 == 0 for offset in offsets)
    return HOUR if whole else MINUTE


def days_taken(taken: Mapping[str, int], tz: ZoneInfo) -> tuple[Taken, ...]:
    """`taken_by_day` from `PlacesRecords.taken_at`: how many places were taken in each
    hour or minute (UTC, as `taken_precision` chose), each turned into its day in `tz`."""
    per_day: Counter[date] = Counter()
    for prefix, count in taken.items():
        moment = datetime.fromisoformat(prefix + (":00" if len(prefix) == HOUR else "") + "+00:00")
        per_day[moment.astimezone(tz).date()] += count
    return _in_order(per_day)


# --- one session ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone holding a place or waiting: their user id, their name (the id when Slack
    gave none) and, for a registrant, when they got the place."""

    user_id: str
    name: str
    since: datetime | None = None


@dataclass(frozen=True)
class Messages:
    """How the messages of one kind about a session stand (`Counts` from the outbox)."""

    kind: str
    label: str
    counts: Counts


@dataclass(frozen=True)
class SessionFigures:
    """One session: who holds a place and who waits (in order), the messages about it, its
    feedback and the reflections shared, and who attended once it has ended."""

    session: Session
    registrants: tuple[Person, ...]
    waitlist: tuple[Person, ...]
    messages: tuple[Messages, ...]
    feedback: SessionSummary | None  # None: nobody has answered
    reflections: tuple[str, ...]  # shared with the organisers, in alphabetical order
    attended: int | None  # as the CPD record counts it; None until the session has ended

    @property
    def places(self) -> Places:
        return Places(self.session, len(self.registrants), len(self.waitlist))


def session_figures(
    programme: Programme, session: Session, *, records: Records, names: Names, now: datetime
) -> SessionFigures:
    """Everything the session's page shows."""
    times = records.registered_at(session_id=session.id)
    waiting = records.waitlist(session_id=session.id)
    given = records.feedback_for(session_id=session.id)
    known = names([*times, *waiting])
    summaries = summarise(programme, {session.id: given})
    return SessionFigures(
        session=session,
        registrants=tuple(Person(user, known.get(user) or user, at) for user, at in times.items()),
        waitlist=tuple(Person(user, known.get(user) or user) for user in waiting),
        messages=tuple(
            Messages(kind, KIND_NAMES[kind], records.counts(kind=kind, subject=session.id))
            for kind in SESSION_KINDS
        ),
        feedback=summaries[0] if summaries else None,
        reflections=shared_reflections(given),
        attended=attendance(session, times, given, now=now),
    )


def shared_reflections(given: Sequence[Feedback]) -> tuple[str, ...]:
    """What people chose to share of what they learnt, as the organisers' CSV has it: only
    those shared and written, in alphabetical order (not the order given, which could hint
    at who wrote it)."""
    return tuple(sorted(item.learnt.strip() for item in given
                        if item.share and item.learnt.strip()))  # fmt: skip


def attendance(
    session: Session,
    registered_at: Mapping[str, datetime],
    given: Sequence[Feedback],
    *,
    now: datetime,
) -> int | None:
    """How many attended, as each one's CPD record counts it: registered at the start, the
    session over, and not "didn't attend". None until the session has ended."""
    if now < session.end:
        return None
    theirs = {item.user_id: item for item in given}
    return sum(
        1
        for user, at in registered_at.items()
        if attended(session, registered_at=at, feedback=theirs.get(user), now=now)
    )


# --- broadcasts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BroadcastFigures:
    """One broadcast as `/announce history` counts it (from its outbox entries once it has
    any), with its expired messages apart from the failed ones (the history adds them up),
    and those still waiting to go."""

    broadcast: Broadcast
    audience: str  # its label
    organiser: str  # their name
    recipients: int
    delivered: int
    failed: int
    expired: int
    pending: int

    @property
    def when(self) -> datetime:
        """The moment the history shows: sent, else due, else drafted."""
        item = self.broadcast
        return item.sent_at or item.send_at or item.created_at

    @property
    def done(self) -> int:
        """Messages settled: delivered, failed, expired or cancelled."""
        return self.recipients - self.pending


@dataclass(frozen=True)
class Undelivered:
    """Messages of one kind that Slack did not take, for one reason."""

    kind: str
    label: str
    status: str  # "failed" or "expired"
    reason: str  # Slack's error for a failed one; "" for an expired one
    count: int


@dataclass(frozen=True)
class BroadcastsFigures:
    """The recent broadcasts, as `/announce history` lists them, and what the bot could not
    deliver over the same day."""

    broadcasts: tuple[BroadcastFigures, ...]
    undelivered: tuple[Undelivered, ...]
    since: datetime


def broadcasts_figures(
    broadcasts: Broadcasts,
    *,
    outbox: OutboxCounts,
    names: Names,
    now: datetime,
    limit: int = HISTORY_SHOWN,
) -> BroadcastsFigures:
    """What `/announce history` shows: the same `limit` newest broadcasts, counted the same
    way, and the same day of problems."""
    recent = broadcasts.history(limit=limit)
    labels = broadcasts.audience_labels()
    known = names(sorted({item.organiser_id for item in recent}))
    shown = []
    for item in recent:
        own = outbox.counts(kind=BROADCAST_KIND, subject=item.id)
        counted = (own.total, own.sent, own.failed, own.expired, own.pending)
        if not own.total:  # nothing queued: the broadcast's own numbers, as the history
            counted = (item.recipients, item.delivered, item.failed, 0, 0)
        shown.append(
            BroadcastFigures(
                item,
                labels.get(item.audience, item.audience),
                known.get(item.organiser_id) or item.organiser_id,
                *counted,
            )
        )
    since = now - PROBLEMS_SINCE
    return BroadcastsFigures(tuple(shown), undelivered(broadcasts.problems(since=since)), since)


def undelivered(problems: Sequence[Entry]) -> tuple[Undelivered, ...]:
    """Failed and expired messages grouped by kind, status and Slack's reason, most first."""
    grouped = Counter((entry.kind, entry.status, entry.detail if entry.status == "failed" else "")
                      for entry in problems)  # fmt: skip
    ordered = sorted(grouped.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        Undelivered(kind, KIND_NAMES.get(kind, kind), status, reason, count)
        for (kind, status, reason), count in ordered
    )


# --- health ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthFigures:
    """What `GET /healthz` reports, for people; and the messages Slack did not take in the
    last hour (failed, with Slack's reason, or expired after Slack kept failing)."""

    ok: bool
    problems: tuple[str, ...]
    sessions: int
    store: str
    scheduler: str
    backlog: int | None  # None when the store could not say
    last_accepted: datetime | None  # when Slack last took a message from the outbox
    slack_errors: int  # this process's calls Slack refused or failed in the last hour
    undelivered: tuple[Undelivered, ...]
    since: datetime


def health_figures(health: HealthCheck, *, broadcasts: Broadcasts, now: datetime) -> HealthFigures:
    """`health.report()`, and what the outbox could not deliver in the last `HEALTH_SINCE`
    (`Broadcasts.problems`, every kind of message, as `/announce history` reads them)."""
    ok, report = health.report()
    last = report.get("last_slack_message")
    since = now - HEALTH_SINCE
    return HealthFigures(
        ok=ok,
        problems=tuple(report["problems"]),
        sessions=report["programme"]["sessions"],
        store=report["store"],
        scheduler=report["scheduler"],
        backlog=report["outbox_backlog"],
        last_accepted=datetime.fromisoformat(last) if last else None,
        slack_errors=int(report.get("slack_errors_last_hour") or 0),
        undelivered=undelivered(broadcasts.problems(since=since)),
        since=since,
    )
