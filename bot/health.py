"""`GET /healthz`, for a service manager or a container's health check: 200 with a small JSON
report when the bot can do its work, 503 with the reasons when it cannot."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.calendar.web import Feed, calendar_response, is_calendar_path
from bot.current import CurrentProgramme
from bot.dashboard.paths import Site, is_dashboard_path
from bot.outbox import Outbox
from bot.scheduler import Scheduler
from bot.store import StoreError
from bot.wsgi import status_line

if TYPE_CHECKING:
    from bot.records import Store

HEALTH_PATH = "/healthz"

Report = tuple[bool, dict[str, Any]]
StartResponse = Callable[..., Any]


class Health:
    """What the health check reports: the programme in force, whether the store takes
    changes, whether the scheduler runs, Slack's last acceptance, the outbox's backlog."""

    def __init__(
        self,
        *,
        current: CurrentProgramme,
        store: Store,
        scheduler: Scheduler,
        outbox: Outbox,
        started: Callable[[], bool],
    ) -> None:
        self._current = current
        self._store = store
        self._scheduler = scheduler
        self._outbox = outbox
        self._started = started

    def report(self) -> Report:
        """(healthy, the report)."""
        problems = []
        store = self._store.problem()
        backlog = None
        if not store:
            try:
                backlog = self._store.backlog()
            except StoreError as error:  # failed since the last look: a 503 saying why
                store = str(error)
        if store:
            problems.append(store)
        if self._started() and not self._scheduler.running:
            problems.append("the scheduler is not running")
        sessions = len(self._current.programme.sessions)
        if not sessions:
            problems.append("the programme has no sessions")
        last = self._outbox.last_sent
        report: dict[str, Any] = {
            "ok": not problems,
            "problems": problems,
            "programme": {"event": self._current.programme.event.name, "sessions": sessions},
            "store": "taking changes" if not store else "failed",
            "scheduler": "running" if self._scheduler.running else "stopped",
            "last_slack_message": _iso(last),
            "slack_errors_last_hour": self._outbox.slack_errors(),
            "outbox_backlog": backlog,
        }
        return not problems, report


def health_response(report: Report) -> tuple[int, bytes, list[tuple[str, str]]]:
    healthy, body = report
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return (200 if healthy else 503), json.dumps(body).encode(), headers


def health_app(
    health: Health, *, calendar: Feed | None = None, dashboard: Site | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI application answering only `GET /healthz`, and with `calendar` people's
    calendar feeds, `GET /calendar/<token>.ics`, and with `dashboard` the organisers' pages
    under `/organisers/` (Socket Mode's `HEALTH_PORT`)."""

    def handle(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        where = str(environ.get("PATH_INFO") or "")
        method = str(environ.get("REQUEST_METHOD") or "")
        if where == HEALTH_PATH and method == "GET":
            status, body, headers = health_response(health.report())
        elif calendar is not None and is_calendar_path(where):
            status, body, headers = calendar_response(calendar, method=method, path=where)
        elif dashboard is not None and is_dashboard_path(where):
            status, body, headers = dashboard(environ)
        else:
            status, body, headers = 404, b"Not Found", [("Content-Type", "text/plain")]
        start_response(status_line(status), headers)
        return [body]

    return handle


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
