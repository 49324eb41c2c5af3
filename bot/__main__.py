"""Entry point: `python -m bot [run | console | check | import | backup | copy-store]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.error import URLError

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.app import Bot, build_bot, web_client
from bot.backup import add_backup_options, run_backup
from bot.check import run_check, unreadable
from bot.console import ConsoleOptions, add_console_options, run_console
from bot.copying import add_copy_options, run_copy
from bot.importing import add_import_options, run_import
from bot.listeners.executor import FairExecutor
from bot.logs import configure_logging, log_requests
from bot.programme import Programme, ProgrammeError, load_programme
from bot.records import open_store
from bot.server import serve_http, serve_socket_mode
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "check":
        if args.file is not None and (problem := unreadable(args.file)):
            print(problem, file=sys.stderr)
            return 1
        return run_check(programme_path=args.file)
    if command == "import":
        return run_import(args)
    if command == "backup":
        return run_backup(args)
    if command == "copy-store":
        return run_copy(args)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        programme, warnings = load_programme(settings.programme_path)
    except ProgrammeError as error:
        print(f"{error.source} cannot be used:", file=sys.stderr)
        print("\n".join(f"  - {problem}" for problem in error.problems), file=sys.stderr)
        for warning in error.warnings:  # "unknown field ... ignored" may explain a problem
            print(f"  warning: {warning}", file=sys.stderr)
        print("Run `python -m bot check` after fixing it.", file=sys.stderr)
        return 1
    for warning in warnings:
        logging.getLogger("bot").warning("%s: %s", settings.programme_path, warning)
    if command == "console":
        return run_console(settings, programme, options=ConsoleOptions.from_args(args))
    if settings.missing_for_slack():
        if sys.stdin.isatty():
            print(f"{_missing(settings)}: starting the offline console instead.\n")
            return run_console(settings, programme, options=ConsoleOptions.from_args(args))
        print(
            f"Cannot connect to Slack: {_missing(settings)}. Set what is missing in the "
            "environment or in .env (see .env.example), or run `python -m bot console` to try "
            "the bot offline.",
            file=sys.stderr,
        )
        return 2
    return _run(settings, programme)


def _run(settings: Settings, programme: Programme) -> int:
    """Connect to Slack and serve until stopped. Each way start-up can fail is one line on
    standard error, naming the setting to check."""
    quiet = _QuietUntilConnected()
    try:
        return _serve(settings, programme, connected=quiet.end)
    finally:
        quiet.end()


def _serve(settings: Settings, programme: Programme, *, connected: Callable[[], None]) -> int:
    problem = _check_bot_token(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    url = settings.database_url.get_secret_value() if settings.database_url else None
    try:
        store = open_store(settings.database_path, url)
    except StoreError as error:
        left = "" if url else "\nThe file was left exactly as it was, for a person to inspect."
        print(f"{error}{left}", file=sys.stderr)
        return 1
    try:
        store.warm()
    except StoreError as error:  # a database that went away just after answering
        store.close()
        print(error, file=sys.stderr)
        return 1
    try:
        bot = build_bot(settings, programme, store, listener_executor=FairExecutor(5))
    except (BoltError, SlackApiError, OSError) as error:  # Slack failed since the check
        store.close()
        print(f"Could not connect to Slack at {settings.slack_api_url}: {_first_line(error)}",
              file=sys.stderr)  # fmt: skip
        return 1
    log_requests(bot.app)
    # A service manager stops the bot with SIGTERM: leave through `finally`, so pending
    # writes are finished and a final snapshot is written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _connect(settings, bot, connected=connected)
    except (SlackApiError, OSError) as error:  # a refused app token, a port in use...
        if not bot.started and isinstance(error, SlackApiError | URLError):
            # Socket Mode's apps.connections.open, the one call made before connecting.
            print(_slack_problem(error, settings, "SLACK_APP_TOKEN"), file=sys.stderr)
        else:
            print(f"The bot stopped: {_first_line(error)}", file=sys.stderr)
        return 1
    finally:
        bot.close()
    return 0


def _missing(settings: Settings) -> str:
    """What is missing to connect to Slack, in words (when something is)."""
    if settings.slack_bot_token:
        return (
            "SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode) nor "
            "SLACK_SIGNING_SECRET (HTTP) is"
        )
    given = [name for name, value in (("SLACK_APP_TOKEN", settings.slack_app_token),
             ("SLACK_SIGNING_SECRET", settings.slack_signing_secret)) if value]  # fmt: skip
    if given:
        verb = "is" if len(given) == 1 else "are"
        return f"{' and '.join(given)} {verb} set, but SLACK_BOT_TOKEN is not"
    return (
        "No Slack connection is configured (SLACK_BOT_TOKEN, and SLACK_APP_TOKEN for Socket "
        "Mode or SLACK_SIGNING_SECRET for HTTP, are not set)"
    )


# Slack's answers that mean "not this token": the person must change the setting.
REFUSED = frozenset({"invalid_auth", "not_authed", "not_allowed_token_type", "token_revoked",
                     "token_expired", "account_inactive", "missing_scope"})  # fmt: skip
WHICH_TOKEN = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-...) from OAuth & Permissions",
    "SLACK_APP_TOKEN": "an app-level token (xapp-...) with the connections:write scope, from "
    "Basic Information → App-Level Tokens",
}


def _check_bot_token(settings: Settings) -> str | None:
    """Ask Slack once, without retries, whether it takes the bot token: None when it does,
    or one line saying what to fix (a moment, not seven retry lines, when it is down)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    try:
        timeout = settings.slack_timeout_seconds
        web_client(token, settings.slack_api_url, retries=False, timeout=timeout).auth_test()
    except (SlackApiError, OSError) as error:
        return _slack_problem(error, settings, "SLACK_BOT_TOKEN")
    return None


def _slack_problem(error: SlackApiError | OSError, settings: Settings, token: str) -> str:
    """One line for a failed call to Slack with `token` (the setting's name)."""
    url = settings.slack_api_url
    if isinstance(error, SlackApiError):
        code = error.response.get("error") or f"HTTP {error.response.status_code}"
        if code in REFUSED:
            return f"Slack refused {token} ({code}): set it to {WHICH_TOKEN[token]}."
        return f"Slack at {url} answered with an error ({code}); check SLACK_API_URL."
    reason = _first_line(getattr(error, "reason", None) or error)
    return f"Could not reach Slack at {url}: {reason}; check your network or SLACK_API_URL."


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


class _QuietUntilConnected(logging.Filter):
    """Slack's clients log each failed call and retry as it happens ("Failed to send a
    request", "Going to retry", "Failed to retrieve WSS URL"): until the bot is connected,
    `_run` tells a failure in one line instead. `end()` lets them through again."""

    LOGGERS = ("slack_sdk.web.base_client", "bot.bolt")

    def __init__(self) -> None:
        super().__init__()
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if logging.root.isEnabledFor(logging.DEBUG):
            return True  # LOG_LEVEL=DEBUG: everything, as it happens
        if record.name == "bot.bolt":
            return not record.getMessage().startswith("Failed to retrieve WSS URL")
        return record.levelno >= logging.CRITICAL

    def end(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeFilter(self)


def _parser() -> argparse.ArgumentParser:
    """One subcommand each; each adds its own options (`bot.console`, `bot.importing`,
    `bot.backup`, `bot.copying`)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Slack bot for an event's sessions"
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("run", help="connect to Slack (the default)")
    add_console_options(commands.add_parser("console", help="try the bot offline"))
    check = commands.add_parser("check", help="check the programme and settings")
    check.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="the programme to check (default: PROGRAMME_PATH, else programme.json)",
    )
    add_import_options(
        commands.add_parser(
            "import", help="turn a CSV, Sessionize or frab/pretalx export into a programme"
        )
    )
    add_backup_options(
        commands.add_parser("backup", help="copy the database consistently, while the bot runs")
    )
    add_copy_options(
        commands.add_parser("copy-store", help="copy an event between TinyDB and PostgreSQL")
    )
    return parser


def _connect(settings: Settings, bot: Bot, *, connected: Callable[[], None]) -> None:
    """Serve Slack until stopped; `connected` runs once the connection (or port) is up,
    just before the bot starts its work."""
    # Reload the programme on SIGHUP too, off the signal handler's thread.
    signal.signal(
        signal.SIGHUP,
        lambda *_: threading.Thread(target=bot.reloader.reload, name="reload").start(),
    )

    def ready() -> None:
        connected()
        bot.start()

    # People's calendar feeds are served only when PUBLIC_URL gives them an address.
    calendar = bot.calendar.feed if settings.calendar_url else None
    if settings.slack_app_token is not None:
        token = settings.slack_app_token.get_secret_value()
        serve_socket_mode(bot.app, app_token=token, health=bot.health,
                          health_port=settings.health_port, calendar=calendar,
                          dashboard=bot.dashboard.respond, ready=ready)  # fmt: skip
    else:
        secret = settings.slack_signing_secret
        signing_secret = secret.get_secret_value() if secret else None
        serve_http(bot.app, signing_secret=signing_secret, port=settings.port, health=bot.health,
                   calendar=calendar, dashboard=bot.dashboard.respond, ready=ready)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
