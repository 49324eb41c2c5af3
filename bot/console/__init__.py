"""`python -m bot console`: try the bot offline. Input goes through the real Bolt app and its
listeners (as Socket Mode payloads), and replies are rendered in the terminal."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TextIO

from slack_bolt import App, BoltContext, BoltResponse, Say
from slack_bolt.request import BoltRequest

from bot.app import Bot, build_bot
from bot.console.client import ConsoleClient
from bot.console.render import render_message
from bot.programme import Programme
from bot.settings import Settings
from bot.store import MemoryStore

USER_ID = "U0CONSOLEUSER"
CHANNEL_ID = "D0CONSOLE"
BANNER = (
    "Offline console: nothing is sent to Slack.\n"
    "Type `/sessions tuesday`, `/sessions racism`, or a question such as\n"
    "`who is running the stereotypes session?`. `help` shows more; Ctrl-D or `quit` leaves.\n"
    "Registrations made here are kept in memory only."
)


class InlineExecutor(Executor):
    """Runs work at once on the caller's thread, so each reply is printed before the prompt."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class Console:
    """Sends what a person types to the app as Slack would, and prints the bot's replies."""

    def __init__(
        self,
        settings: Settings,
        programme: Programme,
        write: Callable[[str], object],
        *,
        colour: bool,
    ) -> None:
        self._write = write
        self._colour = colour
        self._ids = itertools.count(1)
        client = ConsoleClient(show=self.show)
        self.bot: Bot = build_bot(
            settings, programme, MemoryStore(), client=client, listener_executor=InlineExecutor()
        )
        self.app: App = self.bot.app

        def use_console_client(
            context: BoltContext, next: Callable[[], BoltResponse]
        ) -> BoltResponse:
            # Bolt gives each request a fresh WebClient for the app's base URL; offline, the
            # terminal is Slack, so listeners get the console client instead.
            context["client"] = client
            context["say"] = Say(client=client, channel=context.channel_id)
            return next()

        self.app.use(use_console_client)

    def show(self, message: dict[str, Any]) -> None:
        width = min(shutil.get_terminal_size((80, 24)).columns, 100)
        self._write(render_message(message, width=width, colour=self._colour) + "\n")

    def handle(self, line: str) -> None:
        """Handle one line: a slash command, or a direct message to the bot."""
        line = line.strip()
        if not line:
            return
        if line.startswith("/"):
            command, _, text = line.partition(" ")
            response = self.app.dispatch(
                BoltRequest(body=self._command(command, text), mode="socket_mode")
            )
            if response.status == 404:
                self._write(f"Unknown command {command}. Try /sessions help.\n")
            elif response.body:
                self.show(json.loads(response.body))
        else:
            self.app.dispatch(BoltRequest(body=self._message(line), mode="socket_mode"))

    def _command(self, command: str, text: str) -> dict[str, Any]:
        return {
            "command": command,
            "text": text,
            "user_id": USER_ID,
            "channel_id": CHANNEL_ID,
            "team_id": "T0CONSOLE",
            "trigger_id": f"console.{next(self._ids)}",
        }

    def _message(self, text: str) -> dict[str, Any]:
        number = next(self._ids)
        return {
            "type": "event_callback",
            "team_id": "T0CONSOLE",
            "event_id": f"Ev0CONSOLE{number}",
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": CHANNEL_ID,
                "user": USER_ID,
                "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                "ts": f"{time.time():.6f}",
            },
        }


def run_console(
    settings: Settings,
    programme: Programme,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Read lines until end of input; return the exit status."""
    logging.getLogger("bot.bolt").setLevel(logging.ERROR)  # no "unhandled request" advice
    console = Console(settings, programme, stdout.write, colour=stdout.isatty())
    interactive = stdin.isatty()
    stdout.write(BANNER + "\n\n")
    try:
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in {"quit", "exit"}:
                return 0
            console.handle(line)
            stdout.flush()
    finally:
        console.bot.close()
