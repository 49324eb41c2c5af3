"""The "Add to calendar" links, which need no server: Google Calendar's event template and
Outlook on the web's compose deeplink, each prefilled with one session. Pure functions.

Every value is percent-encoded (so no `<`, `>`, `|` or `&` of a title reaches mrkdwn) and cut
to a budget measured after encoding, so each link stays well under 1,000 characters.
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from bot.programme import Session, mrkdwn

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.office.com/calendar/0/deeplink/compose"
# Encoded lengths of the title, details and location: with the fixed parts, a link stays
# under 600 characters (Slack allows 3,000 for a whole session's text).
TITLE_BUDGET = 150
DETAILS_BUDGET = 180
LOCATION_BUDGET = 100
SAFE = "/:"  # left as they are: readable, and harmless inside a query


def google_link(session: Session) -> str:
    """Google Calendar's "create event" page for `session`, times in UTC."""
    dates = f"{_compact(session.start)}/{_compact(session.end)}"
    params = {"action": "TEMPLATE", "text": _fit(session.title, TITLE_BUDGET), "dates": dates}
    params |= _place_and_details(session)
    return f"{GOOGLE}?{urlencode(params, quote_via=quote, safe=SAFE)}"


def outlook_link(session: Session) -> str:
    """Outlook on the web's "new event" form for `session`, times in UTC."""
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": _fit(session.title, TITLE_BUDGET),
        "startdt": _iso(session.start),
        "enddt": _iso(session.end),
    }
    place = _place_and_details(session)
    if "details" in place:
        params["body"] = place["details"]
    if "location" in place:
        params["location"] = place["location"]
    return f"{OUTLOOK}?{urlencode(params, quote_via=quote, safe=SAFE)}"


def _place_and_details(session: Session) -> dict[str, str]:
    """`details` (the joining link, then the start of the description) and `location` (the
    place, or the joining link for a session held online only), as far as each is known."""
    found: dict[str, str] = {}
    lines = [f"Join online: {session.join_url}"] if session.join_url else []
    if session.description:
        lines.append(mrkdwn.plain(session.description))
    if lines:
        found["details"] = _fit("\n\n".join(lines), DETAILS_BUDGET)
    where = session.location or session.join_url
    if where:
        found["location"] = _fit(where, LOCATION_BUDGET)
    return found


def _fit(text: str, budget: int) -> str:
    """`text` cut with "…" so that its encoded form fits `budget`."""
    text = text.strip()
    if len(text) * 12 <= budget or len(quote(text, safe=SAFE)) <= budget:
        return text  # fits whole (a character encodes to at most 12): no need to measure
    room = budget - _width("…")
    used, cut = 0, None
    for index, char in enumerate(text):
        used += _width(char)
        if cut is None and used > room:
            cut = index  # where to cut, if the whole does not fit
        if used > budget:
            return text[:cut].rstrip() + "…" if room >= 0 else ""
    return text


# What `quote(..., safe=SAFE)` leaves as it is; anything else becomes %XX per UTF-8 byte.
_AS_IS = frozenset(string.ascii_letters + string.digits + "_.-~" + SAFE)


def _width(char: str) -> int:
    """How long `char` is once encoded."""
    return 1 if char in _AS_IS else 3 * len(char.encode("utf-8"))


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
