"""The door for HTTP mode: each request to `/slack/events` is checked before Bolt sees it.

- A body over `MAX_BODY` (by its Content-Length) is refused with 413, unread: Slack's own
  payloads are far smaller, and nothing is held in memory for anyone else's.
- A request whose timestamp or signature is missing, unreadable, stale or wrong gets 401,
  and nothing in it is used: no response_url is called, no listener runs.
- A body that is not UTF-8, or a signed body that is not what Slack sends (JSON that is not
  an object, nested too deeply, or missing or mistyping a field the bot reads: see
  `bot.payloads`), gets 400.
Each refusal is one log line, never a traceback. What passes goes to `app.dispatch`.

Beside Slack's path it serves `GET /healthz` and, when given a calendar, people's calendar
feeds, `GET /calendar/<token>.ics` (`bot.calendar.web`), which need no signature: the
token is the key; and when given a dashboard, the organisers' pages under `/organisers/`
(`bot.dashboard.web`), behind Sign in with Slack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import json_input, payloads
from bot.calendar.web import Feed, calendar_response, is_calendar_path
from bot.dashboard.paths import Site, is_dashboard_path
from bot.health import HEALTH_PATH, Health, health_response
from bot.json_input import TooDeep
from bot.wsgi import status_line

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes
_TIMESTAMP = re.compile(r"[0-9]{1,12}")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def guarded(
    app: App,
    *,
    path: str,
    signing_secret: str | None,
    health: Health | None = None,
    calendar: Feed | None = None,
    dashboard: Site | None = None,
) -> WsgiApp:
    """A WSGI application serving `app` at `path`, `GET /healthz` with `health`,
    `GET /calendar/<token>.ics` with `calendar`, and the organisers' pages under
    `/organisers/` with `dashboard`; with `signing_secret` (HTTP mode, always in
    production) every request to `path` must be signed with it."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def handle(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        where = str(environ.get("PATH_INFO") or "")
        if health is not None and where == HEALTH_PATH:
            status, body, headers = health_response(health.report())
        elif calendar is not None and is_calendar_path(where):
            method = str(environ.get("REQUEST_METHOD") or "")
            status, body, headers = calendar_response(calendar, method=method, path=where)
        elif dashboard is not None and is_dashboard_path(where):
            status, body, headers = dashboard(environ)
        else:
            status, body, headers = _answer(app, path, verifier, environ)
        start_response(status_line(status), headers)
        return [body]

    return handle


def _answer(
    app: App, path: str, verifier: SignatureVerifier | None, environ: dict[str, Any]
) -> tuple[int, bytes, list[tuple[str, str]]]:
    if environ.get("PATH_INFO") != path or environ.get("REQUEST_METHOD") != "POST":
        return _plain(404, "Not Found")
    length = str(environ.get("CONTENT_LENGTH") or "0")
    if not length.isdigit():
        return _refuse(400, "an unreadable Content-Length", environ)
    if int(length) > MAX_BODY:
        return _refuse(413, f"a body of {int(length):,} bytes", environ)
    raw = environ["wsgi.input"].read(int(length)) if int(length) else b""
    headers = _headers(environ)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:  # checked first: the signature check would fail on it
        return _refuse(400, "a body that is not UTF-8", environ)
    if verifier is not None and not _signed(verifier, raw, headers):
        return _refuse(401, "a request without a valid signature", environ)
    problem = _malformed(raw, headers.get("content-type", ""))
    if problem:
        return _refuse(400, problem, environ)
    request = BoltRequest(
        body=raw.decode("utf-8"),
        query=environ.get("QUERY_STRING") or None,
        headers={name: [value] for name, value in headers.items()},
    )
    response = app.dispatch(request)
    out = [(name, value) for name, values in response.headers.items() for value in values]
    return response.status, response.body.encode("utf-8"), out


def _signed(verifier: SignatureVerifier, raw: bytes, headers: dict[str, str]) -> bool:
    """Whether the request carries Slack's signature of `raw`, made in the last five
    minutes. The timestamp must be 1 to 12 ASCII digits before anything is computed from it;
    a check that fails in any way is a request not signed."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        return False
    try:
        return verifier.is_valid(raw, timestamp, signature)
    except (ValueError, TypeError, UnicodeError):
        return False


def _malformed(raw: bytes, content_type: str) -> str | None:
    """Why `raw` is not a body Slack sends (see `bot.payloads`), or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "a body that is not UTF-8"
    try:
        if content_type.split(";")[0].strip().lower() == "application/json":
            return payloads.problem(json_input.loads(text))
        # Only interactions carry a `payload` field: a command's form is not parsed here
        # (Bolt parses it, once; the door checks what Bolt reads, see `bot.payloads`).
        if _may_carry_payload(text):
            form = parse_qs(text, keep_blank_values=True)
            if "payload" in form:
                return payloads.problem(json_input.loads(form["payload"][0]))
    except TooDeep as error:
        return f"a payload {error}"
    except ValueError:
        return "a body that is not valid JSON"
    return None


# A field named `payload`, or any field whose name is escaped (it might decode to `payload`).
_PAYLOAD_FIELD = re.compile(r"(?:^|&)(?:payload|[^=&]*%[^=&]*)(?:=|&|$)")


def _may_carry_payload(form: str) -> bool:
    """Whether a form body may have a `payload` field, however its name is encoded."""
    return _PAYLOAD_FIELD.search(form) is not None


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


def _refuse(
    status: int, what: str, environ: dict[str, Any]
) -> tuple[int, bytes, list[tuple[str, str]]]:
    logger.warning("Refused %s from %s: %d", what, environ.get("REMOTE_ADDR", "?"), status)
    return _plain(status, HTTPStatus(status).phrase)


def _plain(status: int, text: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    return status, text.encode(), [("Content-Type", "text/plain; charset=utf-8")]
