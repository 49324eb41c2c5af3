"""The console itself: what a person types goes to the real Bolt app as Slack would send it
(Socket Mode payloads), and what the bot sends back is printed, its buttons numbered."""

from __future__ import annotations

import itertools
import json
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.app import Bot, build_bot, utc_now
from bot.console.buttons import Buttons, Pressed, is_press, option_lines
from bot.console.display import CHANNEL_ID, USER_ID, Display, Shown
from bot.console.render import BOLD_OFF, DIM_ON, MENUS, Control, controls, render_message
from bot.listeners.allowance import Allowance
from bot.programme import Programme
from bot.records import MemoryStore
from bot.settings import Settings
from bot.standin.fake_slack import FakeSlack
from bot.standin.slack_payloads import (
    BOT_USER_ID,
    action_payload,
    command_payload,
    event_envelope,
    message_event,
    suggestion_payload,
)

SETTLE_TIMEOUT = 3.0  # seconds to wait, after each line, for the outbox to send what it has


class LaterExecutor(Executor):
    """Holds the work done after an acknowledgement until `run_pending`, on the caller's
    thread: the acknowledgement is printed first, as Slack shows it first, and every reply is
    printed before the next prompt."""

    def __init__(self) -> None:
        self._pending: deque[tuple[Future[Any], Callable[[], Any]]] = deque()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            self._pending.append((future, lambda: fn(*args, **kwargs)))
        return future

    def run_pending(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    return
                future, work = self._pending.popleft()
            try:
                future.set_result(work())
            except Exception as error:  # listeners report their own errors (after_ack)
                future.set_exception(error)


class Console:
    """Sends what a person types to the app as Slack would, and prints the bot's replies."""

    def __init__(
        self,
        settings: Settings,
        programme: Programme,
        write: Callable[[str], object],
        *,
        colour: bool,
        clock: Callable[[], datetime] = utc_now,
        files: Path | None = None,
    ) -> None:
        self._write = write
        self._colour = colour
        self._ids = itertools.count(1)
        self._screen = threading.Lock()  # one message printed at a time
        self._turn = threading.RLock()  # one line (or one look at the clock) at a time
        self.buttons = Buttons()
        self._in_turn = False  # a reply is being made: what is shown belongs to it
        self._wrote = False
        self._closed = False
        self._later = LaterExecutor()
        # The bot talks to the tests' stand-in Slack on 127.0.0.1 as it talks to Slack, over
        # HTTP; what the stand-in accepts is shown here.
        self.slack = FakeSlack()
        self._display = Display(self.show, self.note, uploads=self.slack.uploads, files=files)
        self.slack.observer = self._display
        self.slack.start()
        try:
            self.bot: Bot = build_bot(
                _to_standin(settings, self.slack),
                programme,
                MemoryStore(),
                clock=clock,
                listener_executor=self._later,
                allowance=Allowance.unlimited(),
            )
        except BaseException:
            self.slack.stop()
            raise
        self.app: App = self.bot.app
        # Reminders, feedback requests and announcements go out as they would in Slack, on
        # the console's clock.
        self.bot.start()

    # --- what the bot shows ---------------------------------------------------------------

    def show(self, shown: Shown) -> None:
        """Print a message (or view) from the bot, its buttons numbered."""
        width = min(shutil.get_terminal_size((80, 24)).columns, 100)
        pressable = controls(shown.message)
        with self._screen:
            # A reply drops the numbers of the last; a message without buttons that arrives
            # between replies (a channel card updated) leaves them be.
            first = self.buttons.add(shown, pressable) if pressable or self._in_turn else None
            text = render_message(shown.message, width=width, colour=self._colour, first=first)
            text = text.rstrip("\n")
            if shown.note:
                note = f"» {shown.note}"
                self._write((f"{DIM_ON}{note}{BOLD_OFF}" if self._colour else note) + "\n")
            self._write(text + "\n")
            self._wrote = True

    def note(self, line: str) -> None:
        """Print a line of the console's own (not a reply from the bot)."""
        with self._screen:
            self._write(line + "\n")
            self._wrote = True

    # --- what the person does -------------------------------------------------------------

    def handle(self, line: str) -> None:
        """Handle one line: a button's number, a slash command, or a direct message."""
        line = line.strip()
        if not line:
            return
        with self._turn:
            self.tick()
            with self._reply():
                if is_press(line):
                    self._press(line)
                elif line.startswith("/"):
                    command, _, text = line.partition(" ")
                    self._command(command, text)
                else:
                    event = message_event(line, user_id=USER_ID, channel_id=CHANNEL_ID)
                    self._dispatch(event_envelope(event))
                self._later.run_pending()
                self.bot.settle(SETTLE_TIMEOUT)

    def tick(self) -> None:
        """Look at the clock (it may have been moved): print what has fallen due by now."""
        with self._turn:
            if self._closed:
                return
            with self._reply():
                self.bot.scheduler.clock_moved()
                self.bot.settle(SETTLE_TIMEOUT)

    def close(self) -> None:
        with self._turn:
            if not self._closed:
                self._closed = True
                self.bot.close()
                self.slack.stop()
                self._display.close()

    @contextmanager
    def _reply(self) -> Iterator[None]:
        """One reply: what is shown meanwhile is numbered afresh, and followed by a blank
        line."""
        self._in_turn, self._wrote = True, False
        try:
            yield
        finally:
            self._in_turn = False
            self.buttons.new_reply()
            if self._wrote:
                self.note("")

    def _command(self, command: str, text: str) -> None:
        body = command_payload(
            command, text, user_id=USER_ID, channel_id=CHANNEL_ID, response_url=self._response_url()
        )
        response = self._dispatch(body)
        if response.status == 404:
            self.note(f"Unknown command {command}. Try /sessions help.")
        elif response.body:
            self.show(Shown(json.loads(response.body), ephemeral=True))

    def _press(self, typed: str) -> None:
        pressed = self.buttons.press(typed)
        if isinstance(pressed, str):
            self.note(pressed)
            return
        option = None
        if pressed.menu:
            options = self._options(pressed)
            if pressed.choice is None:
                self.note("\n".join(option_lines(pressed.number, options)))
                return
            if not 1 <= pressed.choice <= len(options):
                self.note(f"That menu has no option {pressed.number}.{pressed.choice}.")
                return
            option = options[pressed.choice - 1]
        action = _action(pressed.control, option)
        body = action_payload(
            [action], user_id=USER_ID, response_url=self._response_url(), **_where(pressed.shown)
        )
        if self._dispatch(body).status == 404:
            self.note("Nothing answers that button offline.")

    def _options(self, pressed: Pressed) -> list[dict[str, Any]]:
        """A menu's options: its own, or (loaded as Slack loads them) the app's answer."""
        element = pressed.control.element
        if element.get("type") != "external_select":
            return list(element.get("options") or [])
        control = pressed.control
        action_id = str(control.element.get("action_id"))
        where = _where(pressed.shown)
        body = suggestion_payload(action_id, block_id=control.block_id, user_id=USER_ID, **where)
        response = self._dispatch(body)
        answer = json.loads(response.body) if response.status == 200 and response.body else {}
        groups = answer.get("option_groups") or [{"options": answer.get("options") or []}]
        return [option for group in groups for option in group.get("options") or []]

    def _dispatch(self, body: dict[str, Any]) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))

    def _response_url(self) -> str:
        return self.slack.response_url(str(next(self._ids)))


def _to_standin(settings: Settings, slack: FakeSlack) -> Settings:
    """`settings` with the stand-in as Slack's Web API, and its token."""
    changes = {"slack_bot_token": SecretStr(slack.bot_token), "slack_api_url": slack.api_url}
    return settings.model_copy(update=changes)


def _action(control: Control, option: dict[str, Any] | None) -> dict[str, Any]:
    """What a `block_actions` payload says of `control` pressed (or `option` chosen in it)."""
    element = control.element
    action: dict[str, Any] = {
        "type": element.get("type"),
        "action_id": element.get("action_id"),
        "block_id": control.block_id,
    }
    if element.get("type") in MENUS:
        action["selected_option"] = option
    else:
        action["text"] = element.get("text")
        if "value" in element:
            action["value"] = element["value"]
    return action


def _where(shown: Shown) -> dict[str, Any]:
    """Where a control is, as the payload builders take it: the Home tab, or a message."""
    if shown.view:
        return {"view": shown.message}  # as published, with the id Slack gave it
    ts = shown.ts or f"{time.time():.6f}"
    message = {"type": "message", "ts": ts, "user": BOT_USER_ID, **shown.message}
    return {"channel_id": shown.channel, "message": message, "ephemeral": shown.ephemeral}
