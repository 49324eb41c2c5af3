"""A person's CPD record for the week: the sessions they attended, how long each was, who ran
it and their reflection; as rows, total hours, a CSV file and a Markdown document.

Social Work England's CPD record asks for the activity, its date, the time spent, what was
learnt and how it changed (or will change) the person's practice: the files give exactly
those, one session a row or a section, ready to paste.

Attended means: registered for the session at its start (not later), the session has ended,
and not marked "Didn't attend". Pure functions; the service gathers their inputs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.dates import day_name, time_range
from bot.feedback.records import Feedback
from bot.programme import Programme, Session
from bot.wording import counted

CSV_HEADER = (
    "Date",
    "Time",
    "Hours",
    "Activity",
    "Type",
    "Provided by",
    "Event",
    "What I learnt",
    "How it will change my practice",
)

TEXT_LIMIT = 3000
"""The longest reflection kept, per field (the modal's inputs allow no more)."""

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CpdRow:
    """One session attended. `start` and `end` are in the event's timezone."""

    session_id: str
    title: str
    start: datetime
    end: datetime
    hours: float
    provider: str  # the host, else the speakers' organisations; may be empty
    type: str
    learnt: str = ""
    change: str = ""
    rating: int | None = None


def session_hours(session: Session) -> float:
    """How long a session lasts, in hours to two places (1.5, 0.75)."""
    seconds = (session.end.astimezone(UTC) - session.start.astimezone(UTC)).total_seconds()
    return round(seconds / 3600, 2)


def provider(session: Session) -> str:
    """Who ran the session: its host, else its speakers' organisations (each once)."""
    if session.host:
        return session.host
    organisations = [s.organisation for s in session.speakers if s.organisation]
    return ", ".join(dict.fromkeys(organisations))


def attended(
    session: Session,
    *,
    registered_at: datetime | None,
    feedback: Feedback | None,
    now: datetime,
) -> bool:
    """Whether a person counts as having attended `session` (see the module's docstring)."""
    return (
        registered_at is not None
        and registered_at <= session.start
        and session.end <= now
        and (feedback is None or feedback.attended)
    )


def cpd_rows(
    programme: Programme,
    *,
    registered_at: Mapping[str, datetime],
    feedback: Mapping[str, Feedback],
    now: datetime,
) -> list[CpdRow]:
    """The sessions a person attended, in programme order. `registered_at`: when they got
    their place, by session id; `feedback`: theirs, by session id."""
    rows = []
    tz = programme.tz
    for session in programme.sessions:
        own = feedback.get(session.id)
        if not attended(session, registered_at=registered_at.get(session.id), feedback=own,
                        now=now):  # fmt: skip
            continue
        rows.append(
            CpdRow(
                session_id=session.id,
                title=session.title,
                start=session.start.astimezone(tz),
                end=session.end.astimezone(tz),
                hours=session_hours(session),
                provider=provider(session),
                type=session.type or "",
                learnt=own.learnt if own else "",
                change=own.change if own else "",
                rating=own.rating if own else None,
            )
        )
    return rows


def cpd_hours(rows: Sequence[CpdRow]) -> float:
    """The hours of CPD in `rows`, to two places."""
    return round(sum(row.hours for row in rows), 2)


def hours_words(hours: float) -> str:
    """`1.5 hours`, `1 hour`, `0.75 hours`."""
    return f"{hours:g} hour" if hours == 1 else f"{hours:g} hours"


def defuse(text: str) -> str:
    """`text` with a leading `'` if a spreadsheet would otherwise read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def cpd_csv(rows: Sequence[CpdRow], *, event: str) -> str:
    """The record as CSV: a header, then one row per session attended."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.start.date().isoformat(),
                f"{row.start:%H:%M}–{row.end:%H:%M} {row.end.tzname() or ''}".rstrip(),
                f"{row.hours:g}",
                *(defuse(cell) for cell in (row.title, row.type, row.provider, event)),
                defuse(row.learnt),
                defuse(row.change),
            ]
        )
    return out.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)


def md_escape(text: str) -> str:
    """`text` as literal Markdown: emphasis, code, links and HTML characters escaped
    everywhere, and headings, quotes and list markers at the start of a line."""
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))

    def line_start(match: re.Match[str]) -> str:
        indent, marker = match.group(1), match.group(2)
        if marker[0].isdigit():
            return f"{indent}{marker[:-1]}\\{marker[-1]}"
        return f"{indent}\\{marker}"

    return _MD_LINE_START.sub(line_start, text)


def _paragraphs(text: str) -> str:
    """Multi-line text kept as written: each line break a hard break in Markdown."""
    lines = [line.rstrip() for line in md_escape(text.strip()).split("\n")]
    return "  \n".join(lines)


def cpd_markdown(rows: Sequence[CpdRow], *, event: str) -> str:
    """The record as a Markdown document: the total, then a section per session."""
    total = cpd_hours(rows)
    sessions = counted(len(rows), "session")
    lines = [
        f"# CPD record: {md_escape(event)}",
        "",
        f"Total: {hours_words(total)} of CPD over {sessions}.",
    ]
    for row in rows:
        lines += [
            "",
            f"## {md_escape(row.title)}",
            "",
            f"- Date: {day_name(row.start.date())} {row.start.year}",
            f"- Time: {md_escape(time_range(row.start, row.end))}",
            f"- Time spent: {hours_words(row.hours)}",
        ]
        if row.type:
            lines.append(f"- Type: {md_escape(row.type)}")
        if row.provider:
            lines.append(f"- Provided by: {md_escape(row.provider)}")
        lines.append(f"- Event: {md_escape(event)}")
        lines += ["", "**What I learnt**", "", _paragraphs(row.learnt) or "_Not written yet._"]
        lines += ["", "**How it will change my practice**", "",
                  _paragraphs(row.change) or "_Not written yet._"]  # fmt: skip
    return "\n".join(lines) + "\n"
