"""Where each page of the dashboard lives: one place for the routes and the links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

ROOT = "/organisers/"
WEEK = ROOT
SESSIONS = ROOT + "sessions/"
BROADCASTS = ROOT + "broadcasts"
HEALTH = ROOT + "health"
REGISTRANTS_CSV = ROOT + "registrants.csv"
FEEDBACK_CSV = ROOT + "feedback.csv"
STYLE = ROOT + "static/style.css"
SIGN_IN = ROOT + "signin"
CALLBACK = ROOT + "callback"
SIGN_OUT = ROOT + "signout"


Site = Callable[[dict[str, Any]], tuple[int, bytes, list[tuple[str, str]]]]
"""The dashboard as the bot's HTTP server calls it: a WSGI environ in, (status, body,
headers) out (`bot.dashboard.web.Dashboard.respond`)."""


def is_dashboard_path(path: str) -> bool:
    return path == ROOT.rstrip("/") or path.startswith(ROOT)


def session_path(session_id: str) -> str:
    """The page of one session: its id, quoted (ids come from the programme)."""
    return SESSIONS + quote(session_id, safe="")
