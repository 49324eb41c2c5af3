"""Connect the app to Slack: Socket Mode, or HTTP served by waitress on `/slack/events`.
Either way, with a calendar, people's calendar feeds are served too (`/calendar/...`), and
with a dashboard the organisers' pages (`/organisers/...`): by the HTTP server, or in Socket
Mode by the health check's server on `HEALTH_PORT`."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.calendar.web import Feed
from bot.dashboard.paths import Site
from bot.guard import MAX_BODY, WsgiApp, guarded
from bot.health import Health, health_app

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
CLOSE_TIMEOUT = 5.0
"""Seconds the Socket Mode connection is given to close when the bot stops."""


def wsgi_app(
    app: App,
    *,
    signing_secret: str | None,
    health: Health | None = None,
    calendar: Feed | None = None,
    dashboard: Site | None = None,
) -> WsgiApp:
    """The WSGI application: Slack's requests are POSTed to `/slack/events`. Each is checked
    first (size, shape, signature: `bot.guard`); only a verified one reaches Bolt. With
    `health`, `GET /healthz` reports on the bot; with `calendar`, `GET /calendar/<token>.ics`
    serves people's calendar feeds."""
    return guarded(
        app,
        path=EVENTS_PATH,
        signing_secret=signing_secret,
        health=health,
        calendar=calendar,
        dashboard=dashboard,
    )


SILENCE = 10
"""Seconds a connection may stay silent before the server closes it."""


def connections(silence: int = SILENCE) -> dict[str, Any]:
    """Waitress's settings for connections. Idle or slow clients must not fill the server:
    waitress's default is 100 connections kept for up to 120 s of silence. Slack's requests
    take well under a second to send, and production runs behind a buffering reverse proxy
    (docs/production.md)."""
    return {
        "connection_limit": 1000,
        "channel_timeout": silence,
        "cleanup_interval": max(1, silence // 5),  # how often silent ones are looked for
        "asyncore_use_poll": True,  # select() cannot watch sockets numbered past 1023
    }


def http_server(
    app: App,
    *,
    signing_secret: str | None,
    health: Health | None = None,
    calendar: Feed | None = None,
    dashboard: Site | None = None,
    host: str = "0.0.0.0",
    port: int = 3000,
    threads: int = 8,
    silence: int = SILENCE,
) -> BaseWSGIServer | MultiSocketServer:
    """A production WSGI server (waitress) for Slack's requests; call `.run()` to serve.
    A connection silent for `silence` seconds is closed."""
    return create_server(
        wsgi_app(
            app,
            signing_secret=signing_secret,
            health=health,
            calendar=calendar,
            dashboard=dashboard,
        ),
        host=host,
        port=port,
        threads=threads,
        ident="socialworkweek-bot",
        max_request_body_size=MAX_BODY,  # a longer chunked body is refused (413) unread
        **connections(silence),
    )


def serve_http(
    app: App,
    *,
    signing_secret: str | None,
    port: int,
    health: Health | None = None,
    calendar: Feed | None = None,
    dashboard: Site | None = None,
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve Slack's HTTP requests (and `GET /healthz`, and calendar feeds with `calendar`)
    until interrupted; `ready` runs once the port is open."""
    server = http_server(
        app,
        signing_secret=signing_secret,
        health=health,
        calendar=calendar,
        dashboard=dashboard,
        port=port,
    )
    logger.info("Listening for Slack on http://0.0.0.0:%s%s", port, EVENTS_PATH)
    ready()
    try:
        server.run()
    except KeyboardInterrupt:
        logger.info("Stopping")
    finally:
        server.close()


def socket_mode_handler(app: App, *, app_token: str) -> SocketModeHandler:
    """A Socket Mode connection that uses the app's own Web API client (and its base URL)."""
    return SocketModeHandler(app, app_token=app_token, web_client=app.client)


def close_socket_mode(handler: SocketModeHandler, *, timeout: float = CLOSE_TIMEOUT) -> None:
    """Close the Socket Mode connection promptly, and in `timeout` seconds at most.

    slack_sdk's builtin client (3.47) can otherwise wait forever: its session thread marks
    the connection live just before it reads from it, and if `close()` marked it ended in
    between (a stop right after connecting), that thread waits on the closed connection
    while `close()` waits for that thread. So the connection is marked ended again until
    `close()` returns. Its message thread, which looks for the end only once a second, is
    woken at once."""
    client = handler.client
    client.closed = True
    client.message_queue.put(None)  # wakes the message thread (an empty message is skipped)
    closing = threading.Thread(target=_close, args=(handler,), name="socket-mode-close",
                               daemon=True)  # fmt: skip
    closing.start()
    deadline = time.monotonic() + timeout
    while closing.is_alive() and time.monotonic() < deadline:
        client.current_session_state.terminated = True
        closing.join(0.05)
    if closing.is_alive():
        logger.warning("The Socket Mode connection did not close in %.0f s; stopping anyway",
                       timeout)  # fmt: skip


def _close(handler: SocketModeHandler) -> None:
    # The builtin connection checks its socket, then closes it: when Slack has just closed
    # it, its receiving thread may have closed it in between, and this close then fails on
    # None. The connection is closed either way.
    with contextlib.suppress(AttributeError):
        handler.close()


def serve_health(
    health: Health, *, port: int, calendar: Feed | None = None, dashboard: Site | None = None
) -> BaseWSGIServer | MultiSocketServer:
    """Serve `GET /healthz` on `port` (and with `calendar`, calendar feeds; with `dashboard`,
    the organisers' pages), from background threads (Socket Mode)."""
    server = create_server(health_app(health, calendar=calendar, dashboard=dashboard),
                           host="0.0.0.0", port=port, threads=4 if calendar or dashboard else 1,
                           ident="socialworkweek-bot", **connections())  # fmt: skip
    threading.Thread(target=server.run, name="health", daemon=True).start()
    logger.info("Health check on http://0.0.0.0:%s/healthz", port)
    return server


def serve_socket_mode(
    app: App,
    *,
    app_token: str,
    health: Health | None = None,
    health_port: int | None = None,
    calendar: Feed | None = None,
    dashboard: Site | None = None,
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Connect over Socket Mode and handle events until interrupted; `ready` runs once the
    connection is up. With `health_port`, `GET /healthz` is served there (and calendar feeds,
    with `calendar`)."""
    logger.info("Connecting to Slack with Socket Mode")
    health_server = (
        serve_health(health, port=health_port, calendar=calendar, dashboard=dashboard)
        if health and health_port
        else None
    )
    handler = socket_mode_handler(app, app_token=app_token)
    try:
        handler.connect()
        ready()
        threading.Event().wait()
    except KeyboardInterrupt:
        logger.info("Stopping")
    finally:
        close_socket_mode(handler)
        if health_server is not None:
            health_server.close()
