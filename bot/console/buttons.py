"""The numbers the console gives the buttons and menus on screen. Numbers start again at 1 with
each reply; a number from an older reply no longer presses anything."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from bot.console.display import Shown
from bot.console.render import MENUS, Control

PRESS = re.compile(r"(\d{1,4})(?:\.(\d{1,4}))?")
NO_LONGER_SHOWN = "That button is no longer shown."


@dataclass(frozen=True)
class Pressed:
    """What a number typed presses: `control`, shown in `shown`. For a menu, `choice` is the
    option chosen, counting from 1 (None: the menu was opened, to list its options)."""

    number: int
    shown: Shown
    control: Control
    choice: int | None = None

    @property
    def menu(self) -> bool:
        return self.control.element.get("type") in MENUS


class Buttons:
    """The buttons and menus of the current reply, numbered in the order they are shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: list[tuple[Shown, Control]] = []
        self._highest = 0  # the highest number ever shown
        self._fresh = True

    def new_reply(self) -> None:
        """What is shown next starts a new reply: its buttons are numbered from 1 again."""
        with self._lock:
            self._fresh = True

    def add(self, shown: Shown, controls: list[Control]) -> int:
        """Number `controls`, shown in `shown` (the first message of a reply drops the numbers
        of the last); the number of the first."""
        with self._lock:
            if self._fresh:
                self._current, self._fresh = [], False
            first = len(self._current) + 1
            self._current += [(shown, control) for control in controls]
            self._highest = max(self._highest, len(self._current))
            return first

    def press(self, typed: str) -> Pressed | str:
        """What `typed` (`2`, or `3.1` for a menu's first option) presses, or why nothing."""
        match = PRESS.fullmatch(typed.strip())
        if match is None:
            return f"{typed.strip()} is not a button's number."
        number = int(match[1])
        with self._lock:
            current, highest = list(self._current), self._highest
        if not 1 <= number <= len(current):
            return NO_LONGER_SHOWN if number <= highest else f"There is no button {number}."
        shown, control = current[number - 1]
        pressed = Pressed(number, shown, control, None if match[2] is None else int(match[2]))
        if pressed.choice is not None and not pressed.menu:
            return f"{number} is a button, not a menu: type {number} to press it."
        return pressed


def is_press(line: str) -> bool:
    """`line` is a number (or a menu's number and option) rather than words for the bot."""
    return PRESS.fullmatch(line.strip()) is not None


def option_lines(number: int, options: list[dict[str, Any]]) -> list[str]:
    """A menu's options, each with what to type to choose it (`3.1 The announcements…`)."""
    if not options:
        return ["That menu has nothing to choose from."]
    lines = [
        f"  {number}.{choice} {option.get('text', {}).get('text', '')}"
        for choice, option in enumerate(options, start=1)
    ]
    return ["Type one of these to choose it:", *lines]
