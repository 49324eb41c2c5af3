"""Logging, set up in one place (`configure_logging`): `LOG_FORMAT=text`, one readable line
each, or `LOG_FORMAT=json`, one JSON object per line for a log collector, carrying the
command, user and session of the Slack request being handled when the line was written.

The request's fields live in a context variable, set around each `App.dispatch`
(`log_requests`) and copied into the lazy listeners it starts (`bot.listeners.executor`),
so they are on every line written for that request and on no other.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TextIO, TypeVar

from slack_bolt import App, BoltRequest, BoltResponse

from bot.blocks.values import read_button_value
from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_NO_REQUEST: Mapping[str, str] = {}
_request: ContextVar[Mapping[str, str]] = ContextVar("request", default=_NO_REQUEST)

T = TypeVar("T")


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Send every log line to `stream` (standard error) at `LOG_LEVEL`, as `LOG_FORMAT` says."""
    handler = logging.StreamHandler(stream or sys.stderr)
    json_lines = settings.log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # APScheduler logs every job added and run at INFO; its errors still come through.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (ISO 8601, with the UTC offset), level, logger,
    message, exception (the traceback, when there is one), and the request's command (or
    action, or event), user and session where known."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).astimezone()
        line: dict[str, Any] = {
            "timestamp": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        line.update(current_request())
        return json.dumps(line, ensure_ascii=False, default=str)


def current_request() -> Mapping[str, str]:
    """The command, user and session of the request being handled here (those known)."""
    return _request.get()


def request_fields(body: Mapping[str, Any]) -> dict[str, str]:
    """What a Slack request says about itself: its slash command, button action or event
    type, the user, and the session a button is for."""
    fields: dict[str, str] = {}
    event = body.get("event")
    event = event if isinstance(event, dict) else {}
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else {}
    action = action if isinstance(action, dict) else {}
    for name, value in (
        ("command", body.get("command")),
        ("action", action.get("action_id")),
        ("event", event.get("type")),
    ):
        if isinstance(value, str) and value:
            fields[name] = value
    user = body.get("user_id") or _id(body.get("user")) or _id(event.get("user"))
    if user:
        fields["user"] = user
    button = action.get("value")
    if isinstance(button, str):
        try:
            _, session = read_button_value(button)
        except ValueError:
            session = None
        if session:
            fields["session"] = session
    return fields


def _id(user: Any) -> str | None:
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) and user else None


def log_requests(app: App) -> None:
    """Have every line logged while `app` handles a request carry the request's fields.

    Around `dispatch` rather than in a global middleware: Bolt runs middleware one after
    another, not nested, so a middleware could set the fields but never clear them, and the
    next line on that thread (another request refused at the door) would wear them."""
    dispatch = app.dispatch

    def dispatch_with_fields(req: BoltRequest) -> BoltResponse:
        token = _request.set(request_fields(req.body))
        try:
            return dispatch(req)
        finally:
            _request.reset(token)

    app.dispatch = dispatch_with_fields  # type: ignore[method-assign]
