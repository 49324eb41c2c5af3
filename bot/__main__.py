"""Entry point: `python -m bot [run | console | check]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.app import Bot, build_bot
from bot.check import run_check
from bot.console import run_console
from bot.programme import ProgrammeError, load_programme
from bot.server import serve_http, serve_socket_mode
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreError, open_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Social Work Week bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "console", "check"],
        help="run: connect to Slack (the default); console: try it offline; check: check the "
        "programme and settings",
    )
    command = parser.parse_args(argv).command
    if command == "check":
        return run_check()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every job added and run at INFO; its errors still come through.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))
    try:
        programme, warnings = load_programme(settings.programme_path)
    except ProgrammeError as error:
        print(f"{error.source} cannot be used:", file=sys.stderr)
        print("\n".join(f"  - {problem}" for problem in error.problems), file=sys.stderr)
        print("Run `python -m bot check` after fixing it.", file=sys.stderr)
        return 1
    for warning in warnings:
        logging.getLogger("bot").warning("%s: %s", settings.programme_path, warning)
    missing = settings.missing_for_slack()
    offline = command == "console" or (missing and sys.stdin.isatty())
    if offline:
        if command != "console":
            print(f"No Slack connection configured ({', '.join(missing)} not set).")
            print("Starting the offline console instead.\n")
        return run_console(settings, programme)
    if missing:
        print(
            "Cannot connect to Slack: set " + " and ".join(missing) + " in the environment or "
            "in .env (see .env.example), or run `python -m bot console` to try the bot offline.",
            file=sys.stderr,
        )
        return 2
    try:
        store = open_store(settings.database_path)
    except StoreError as error:
        print(
            f"{error}\nThe file was left exactly as it was, for a person to inspect.",
            file=sys.stderr,
        )
        return 1
    try:
        bot = build_bot(settings, programme, store)
    except (BoltError, SlackApiError, OSError) as error:  # auth.test: Slack unreachable or no
        store.close()
        print(f"Could not connect to Slack at {settings.slack_api_url}: {error}\n"
              "Check SLACK_BOT_TOKEN and SLACK_API_URL.", file=sys.stderr)  # fmt: skip
        return 1
    # A service manager stops the bot with SIGTERM: leave through `finally`, so pending
    # writes are finished and a final snapshot is written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _connect(settings, bot)
    except (SlackApiError, OSError) as error:  # e.g. a refused app token, a port in use
        print(f"The bot stopped: {error}", file=sys.stderr)
        return 1
    finally:
        bot.close()
    return 0


def _connect(settings: Settings, bot: Bot) -> None:
    # Reload the programme on SIGHUP too, off the signal handler's thread.
    signal.signal(
        signal.SIGHUP,
        lambda *_: threading.Thread(target=bot.reloader.reload, name="reload").start(),
    )
    if settings.slack_app_token is not None:
        token = settings.slack_app_token.get_secret_value()
        serve_socket_mode(bot.app, app_token=token, health=bot.health,
                          health_port=settings.health_port, ready=bot.start)  # fmt: skip
    else:
        secret = settings.slack_signing_secret
        signing_secret = secret.get_secret_value() if secret else None
        serve_http(bot.app, signing_secret=signing_secret, port=settings.port, health=bot.health,
                   ready=bot.start)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
