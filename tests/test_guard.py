"""Calendar feeds over real HTTP, as calendar apps read them: `GET /calendar/<token>.ics` on
the HTTP mode server (beside Slack's `/slack/events`) and on Socket Mode's health server.
A known token gets the feed; any other (unknown, malformed, reset) gets one and the same
404; only GET and HEAD are answered."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from bot.health import health_app
from bot.server import wsgi_app
from tests.conftest import SIGNING_SECRET, RunningBot
from tests.listeners.helpers import ack_body
from tests.support.wsgi_server import WsgiServer

PUBLIC_URL = "https://bot.example.org"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"public_url": PUBLIC_URL}


@pytest.fixture
def bot(served_bot: RunningBot) -> Iterator[RunningBot]:
    yield served_bot


@pytest.fixture
def http_mode(bot: RunningBot) -> str:
    """The HTTP mode server (`served_bot`'s, as `python -m bot` serves it): its URL."""
    return bot.send.base_url


@pytest.fixture
def socket_mode(bot: RunningBot) -> Iterator[str]:
    """Socket Mode's `HEALTH_PORT` server, with calendar feeds: its URL."""
    with WsgiServer(health_app(bot.parts.health, calendar=bot.parts.calendar.feed)) as server:
        yield server.base_url


def fetch(base_url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def subscribe(bot: RunningBot, user_id: str = "U1") -> str:
    """Register over HTTP, ask `/mysessions calendar`, and return the link's path."""
    ack_body(bot.send.command("/register", "tue-racism", user_id=user_id))
    reply = ack_body(bot.send.command("/mysessions", "calendar", user_id=user_id))
    (link,) = [word.strip("`") for word in reply["text"].split() if PUBLIC_URL in word]
    assert link.startswith(f"{PUBLIC_URL}/calendar/") and link.endswith(".ics")
    return link.removeprefix(PUBLIC_URL)


def assert_not_found(base_url: str, path: str, method: str = "GET") -> bytes:
    status, headers, body = fetch(base_url, path, method)
    assert status == 404, (path, status)
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    return body


@pytest.mark.parametrize("server", ["http_mode", "socket_mode"])
def test_a_persons_feed_is_served_to_their_calendar_app(
    bot: RunningBot, server: str, request: pytest.FixtureRequest
) -> None:
    base_url = request.getfixturevalue(server)
    path = subscribe(bot)
    status, headers, body = fetch(base_url, path)
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["cache-control"] == "private, max-age=300"
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["UID"]) == "tue-racism@socialworkweek-bot"
    assert b"DTSTART;TZID=Europe/London:" in body and b"U1" not in body
    status, headers, head = fetch(base_url, path, "HEAD")
    assert status == 200 and head == b"" and headers["content-length"] == str(len(body))
    status, _, _ = fetch(base_url, "/healthz")
    assert status == 200  # the health check is still there


def test_after_a_reset_the_old_link_is_gone_and_the_new_one_works(
    bot: RunningBot, http_mode: str
) -> None:
    old = subscribe(bot)
    assert fetch(http_mode, old)[0] == 200
    reply = ack_body(bot.send.command("/mysessions", "calendar reset", user_id="U1"))
    (new,) = [w.strip("`") for w in reply["text"].split() if PUBLIC_URL in w]
    new = new.removeprefix(PUBLIC_URL)
    assert new != old
    assert_not_found(http_mode, old)
    assert fetch(http_mode, new)[0] == 200


@pytest.mark.parametrize("server", ["http_mode", "socket_mode"])
def test_every_bad_token_gets_the_same_404(
    bot: RunningBot, server: str, request: pytest.FixtureRequest
) -> None:
    base_url = request.getfixturevalue(server)
    good = subscribe(bot)
    token = good.removeprefix("/calendar/").removesuffix(".ics")
    bad = [
        "/calendar/" + "A" * len(token) + ".ics",  # well formed, nobody's
        "/calendar/" + token[:-1] + ".ics",  # one character short
        "/calendar/" + token,  # no .ics
        "/calendar/" + token + ".ics/",
        "/calendar/" + token.upper() + "x.ics",
        "/calendar/short.ics",
        "/calendar/" + "A" * 300 + ".ics",
        "/calendar/..%2F..%2Fetc%2Fpasswd.ics",
        "/calendar/U1.ics",
        "/calendar/",
    ]
    bodies = {assert_not_found(base_url, path) for path in bad}
    assert bodies == {b"Not Found"}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_get_and_head_are_answered(bot: RunningBot, http_mode: str, method: str) -> None:
    good = subscribe(bot)
    for path in (good, "/calendar/" + "A" * 43 + ".ics"):
        status, headers, body = fetch(http_mode, path, method)
        assert status == 405 and headers["allow"] == "GET, HEAD" and b"BEGIN" not in body


def test_without_a_calendar_the_server_serves_no_feeds(bot: RunningBot) -> None:
    path = subscribe(bot)
    assert fetch(bot.send.base_url, path)[0] == 200
    # Servers built without a calendar, as when PUBLIC_URL is unset
    with WsgiServer(wsgi_app(bot.app, signing_secret=SIGNING_SECRET)) as server:
        assert fetch(server.base_url, path)[0] == 404
    with WsgiServer(health_app(bot.parts.health)) as server:
        assert fetch(server.base_url, path)[0] == 404
