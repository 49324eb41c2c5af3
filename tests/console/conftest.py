"""The console in this process: a `Console` on the shipped programme, its output collected, its
clock settable, and files it saves kept in the test's directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.console import Console, ConsoleOptions
from bot.programme import load_programme
from bot.settings import Settings
from tests.conftest import ROOT, Clock

LONDON = ZoneInfo("Europe/London")


def tuesday(hour: int, minute: int = 0) -> datetime:
    """A moment on Tuesday 21 March 2023, World Social Work Day, in London."""
    return datetime(2023, 3, 21, hour, minute, tzinfo=LONDON)


def squeeze(text: str) -> str:
    """Runs of whitespace as one space, so wrapped lines read as one."""
    return " ".join(text.split())


@dataclass
class Screen:
    """What the console printed, read a reply at a time."""

    written: list[str] = field(default_factory=list)
    read_up_to: int = 0

    def write(self, text: str) -> None:
        self.written.append(text)

    @property
    def text(self) -> str:
        return "".join(self.written)

    def new(self) -> str:
        """What was printed since the last call."""
        text = self.text
        new, self.read_up_to = text[self.read_up_to :], len(text)
        return new


@dataclass
class Running:
    console: Console
    screen: Screen
    clock: Clock

    def type(self, line: str) -> str:
        """Type `line`; what the console printed in reply."""
        self.screen.new()
        self.console.handle(line)
        return self.screen.new()


StartConsole = Callable[..., Running]


@pytest.fixture
def start_console(tmp_path: Path) -> Iterator[StartConsole]:
    """Start a console at a moment (Tuesday 10:30 unless given), as an attendee unless
    `organiser`; every console started is closed after the test."""
    started: list[Console] = []
    programme, _ = load_programme(ROOT / "programme.json")

    def start(*, now: datetime | None = None, organiser: bool = False, **settings: Any) -> Running:
        base = Settings(_env_file=None, **settings)  # type: ignore[call-arg]
        options = ConsoleOptions(organiser=organiser)
        clock = Clock(now or tuesday(10, 30))
        screen = Screen()
        console = Console(
            options.settings(base),
            programme,
            screen.write,
            colour=False,
            clock=clock,
            files=tmp_path / "files",
        )
        started.append(console)
        return Running(console, screen, clock)

    yield start
    for console in started:
        console.close()
    for console in started:
        assert console.slack.violations == [], "the bot broke Slack's rules"
