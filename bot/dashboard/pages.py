"""The dashboard's pages as HTML, and its two CSV downloads: the figures (`figures`) drawn
with Jinja2 templates (`templates/`, autoescaped: every title, name and reflection is shown
as text) and inline SVG charts (`charts`). No script anywhere: a data page refreshes itself
with `<meta http-equiv="refresh">`. Times are in the programme's timezone, in the words the
bot uses everywhere (`bot.dates`, `bot.wording`).

Who may see them, the routes and the HTTP responses are `web`'s; this module only draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.broadcasts import Broadcasts
from bot.current import CurrentProgramme
from bot.dashboard import paths
from bot.dashboard.charts import Bar, horizontal_bars, vertical_bars
from bot.dashboard.figures import (
    HealthCheck,
    Names,
    Places,
    Records,
    SessionFigures,
    Taken,
    Week,
    broadcasts_figures,
    health_figures,
    session_figures,
    week_figures,
)
from bot.dates import clock as clock_words
from bot.dates import day_name, short_day, short_moment, time_range
from bot.feedback.service import FeedbackService
from bot.registrations import Registrations
from bot.registrations.attendance import attendance_csv
from bot.wording import counted, joined

HERE = Path(__file__).resolve().parent
REFRESH_SECONDS = 30
BUSIEST = 10  # sessions in the week's "most registrations" chart

ENVIRONMENT = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class Pages:
    """The organisers' pages, drawn from the features' services as they stand when asked.
    `names(user_ids)` gives Slack display names; `records` the few reads no service offers
    (the app's store); `clock` the bot's clock."""

    def __init__(
        self,
        *,
        current: CurrentProgramme,
        registrations: Registrations,
        broadcasts: Broadcasts,
        feedback: FeedbackService,
        health: HealthCheck,
        records: Records,
        names: Names,
        clock: Callable[[], datetime],
    ) -> None:
        self._current = current
        self._registrations = registrations
        self._broadcasts = broadcasts
        self._feedback = feedback
        self._health = health
        self._records = records
        self._names = names
        self._clock = clock

    def week(self, *, viewer: str) -> str:
        """The week: places by day and by session, full sessions, waitlists, and the
        registrations over time."""
        programme = self._current.programme
        week = week_figures(programme, registrations=self._registrations, times=self._records)
        busiest = week.busiest(BUSIEST)
        return self._page(
            "week.html",
            viewer=viewer,
            week=week,
            days_chart=days_chart(week),
            taken_chart=taken_chart(week.taken),
            busiest=busiest,
            busiest_chart=busiest_chart(busiest),
            tz=programme.tz,
        )

    def session(self, session_id: str, *, viewer: str) -> str | None:
        """One session's page; None when the programme in force has no such session."""
        programme = self._current.programme
        session = programme.by_id.get(session_id)
        if session is None:
            return None
        figures = session_figures(programme, session, records=self._records,
                                  names=self._names, now=self._clock())  # fmt: skip
        return self._page(
            "session.html",
            viewer=viewer,
            figures=figures,
            places=figures.places,
            ratings_chart=ratings_chart(figures),
            tz=programme.tz,
        )

    def broadcasts(self, *, viewer: str) -> str:
        """The recent broadcasts, as `/announce history` lists them, with their progress."""
        figures = broadcasts_figures(self._broadcasts, outbox=self._records,
                                     names=self._names, now=self._clock())  # fmt: skip
        return self._page("broadcasts.html", viewer=viewer, figures=figures,
                          tz=self._current.programme.tz)  # fmt: skip

    def health(self, *, viewer: str) -> str:
        """What the health check knows, for people."""
        now = self._clock()
        figures = health_figures(self._health, broadcasts=self._broadcasts, now=now)
        return self._page("health.html", viewer=viewer, figures=figures,
                          tz=self._current.programme.tz)  # fmt: skip

    def registrants_csv(self) -> str:
        """The CSV `/announce export` sends: registrations per session (user ids only)."""
        return attendance_csv(self._current.programme, self._registrations)

    def feedback_csv(self) -> str:
        """The CSV `/announce feedback` sends: the reflections shared, without names."""
        return self._feedback.shared_csv()

    def _page(self, template: str, *, viewer: str, **values: Any) -> str:
        programme = self._current.programme
        now = self._clock()
        return ENVIRONMENT.get_template(template).render(
            page=template.removesuffix(".html"),
            signed_in=True,
            viewer=viewer,
            event=programme.event.name,
            now=now,
            updated=moment_words(now, programme.tz),
            refresh=REFRESH_SECONDS,
            **values,
        )


def notice_page(
    title: str, paragraphs: Sequence[str], *, action: tuple[str, str, str] | None = None
) -> str:
    """A plain page with no data (before signing in, refusals, errors): a title, paragraphs
    and an optional `action`, (method "get" or "post", href, label): a link, or a form with
    one button."""
    if action is not None and action[0] not in ("get", "post"):
        raise ValueError(f"an action's method is get or post, not {action[0]!r}")
    return ENVIRONMENT.get_template("notice.html").render(
        signed_in=False, event="", refresh=None, title=title, paragraphs=list(paragraphs),
        action=action,
    )  # fmt: skip


# --- charts of the figures --------------------------------------------------------------------


def days_chart(week: Week) -> Markup:
    """Registrations by the day sessions are on."""
    bars = [Bar(day_name(day.day), day.registered) for day in week.days]
    return horizontal_bars(bars, title="Registrations by day of the sessions")


def taken_chart(taken: Sequence[Taken]) -> Markup:
    """Places taken each day, over time."""
    bars = [Bar(day_name(item.day), item.count, short=_day_month(item.day)) for item in taken]
    return vertical_bars(bars, title="Places taken each day")


def busiest_chart(busiest: Sequence[Places]) -> Markup:
    """The sessions with the most registrations; a full one in its own tone."""
    bars = [Bar(places.session.title, places.registered, tone="full" if places.full else "")
            for places in busiest]  # fmt: skip
    return horizontal_bars(bars, title="Sessions with the most registrations")


def ratings_chart(figures: SessionFigures) -> Markup | None:
    """How many gave each rating, best first; None when nobody has answered."""
    summary = figures.feedback
    if summary is None:
        return None
    bars = [Bar(f"{n} of 5", summary.ratings[n - 1]) for n in range(5, 0, -1)]
    return horizontal_bars(bars, title="Ratings")


# --- words --------------------------------------------------------------------------------------


def moment_words(moment: datetime, tz: ZoneInfo) -> str:
    """`Tue 21 Mar, 12:30 GMT`, in the event's timezone."""
    local = moment.astimezone(tz)
    return f"{short_moment(local)} {local.tzname() or ''}".rstrip()


def ago_words(moment: datetime, now: datetime) -> str:
    """`just now`, `12 minutes ago`, `3 hours ago`, `2 days ago`."""
    seconds = (now - moment).total_seconds()
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            return f"{counted(int(seconds // size), unit)} ago"
    return "just now"


def session_when(places: Places, tz: ZoneInfo) -> str:
    """`Tue 21 Mar, 12:30–14:00 GMT`."""
    session = places.session
    return time_range(session.start.astimezone(tz), session.end.astimezone(tz))


def left_words(places: Places) -> str:
    """Places left, or `no limit`."""
    return "no limit" if places.left is None else f"{places.left:,}"


def capacity_words(places: Places) -> str:
    """How many places the session has, or `no limit`."""
    return "no limit" if places.capacity is None else f"{places.capacity:,}"


def number(value: int | float) -> str:
    """`12,345`."""
    return f"{value:,}"


def _day_month(day: date) -> str:
    """`16 Mar`: a column's label on the axis."""
    return " ".join(short_day(day).split()[1:])


ENVIRONMENT.globals.update(paths=paths, session_path=paths.session_path)
ENVIRONMENT.filters.update(
    number=number,
    counted=counted,
    joined=joined,
    day_name=day_name,
    short_day=short_day,
    clock=clock_words,
    moment=moment_words,
    ago=ago_words,
    session_when=session_when,
    left=left_words,
    capacity=capacity_words,
)
