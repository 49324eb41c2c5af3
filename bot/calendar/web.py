"""`GET /calendar/<token>.ics`: a person's calendar feed, for their calendar app to re-read.

A token not shaped like one is refused before the store is asked; an unknown or malformed
token gets one and the same 404, so nothing is learnt by guessing. Only GET and HEAD.
No token is ever logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from bot.calendar.service import FILENAME, TOKEN_SHAPE
from bot.store import StoreError

logger = logging.getLogger(__name__)

CALENDAR_PREFIX = "/calendar/"
_FEED_PATH = re.compile(rf"{re.escape(CALENDAR_PREFIX)}({TOKEN_SHAPE.pattern})\.ics")
MAX_AGE = 300  # seconds a calendar app or proxy may keep a copy

Feed = Callable[[str], bytes | None]
"""A feed token's iCalendar file, or None when the token is nobody's."""
Response = tuple[int, bytes, list[tuple[str, str]]]


def is_calendar_path(path: str) -> bool:
    return path.startswith(CALENDAR_PREFIX)


def calendar_response(feed: Feed, *, method: str, path: str) -> Response:
    """The answer to `method path` (a path under `/calendar/`)."""
    if method not in ("GET", "HEAD"):
        return 405, b"Method Not Allowed", [*_PLAIN, ("Allow", "GET, HEAD")]
    match = _FEED_PATH.fullmatch(path)
    try:
        body = feed(match[1]) if match else None
    except StoreError:
        logger.exception("Could not read a calendar feed")
        return 503, b"Service Unavailable", list(_PLAIN)
    if body is None:
        return 404, b"Not Found", list(_PLAIN)
    headers = [
        ("Content-Type", "text/calendar; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Content-Disposition", f'inline; filename="{FILENAME}"'),
        ("Cache-Control", f"private, max-age={MAX_AGE}"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return 200, b"" if method == "HEAD" else body, headers


_PLAIN = (
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Cache-Control", "no-store"),
)
