"""The organisers' attendance export: one CSV row per session, with Slack user IDs only."""

from __future__ import annotations

import csv
import io

from bot.programme import Programme
from bot.registrations.service import Registrations

HEADER = ("session_id", "title", "start", "registered", "waitlisted", "registrants")

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def attendance_csv(programme: Programme, registrations: Registrations) -> str:
    """The attendance CSV: a header, then each session of `programme` in programme order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    attendance = registrations.attendance([session.id for session in programme.sessions])
    for session in programme.sessions:
        registrants, waiting = attendance[session.id]
        writer.writerow(
            (
                defuse(session.id),
                defuse(session.title),
                session.start.astimezone(programme.tz).isoformat(),
                len(registrants),
                waiting,
                " ".join(registrants),
            )
        )
    return out.getvalue()


def defuse(text: str) -> str:
    """`text` with a leading `'` if a spreadsheet would otherwise read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
