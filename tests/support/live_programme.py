"""Fixtures for tests on real time: a programme whose sessions start seconds from now,
reminder offsets of seconds, and the bot's clock following the real one. A test module uses
them with `from tests.support.live_programme import *`-style imports of the fixtures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import Bot
from tests.conftest import Clock, RunningBot
from tests.support.waiting import wait_until

__all__ = ["wait_until"]  # still imported from here by older tests

OFFSETS = (timedelta(seconds=2), timedelta(seconds=1))


def write_programme(path: Path, sessions: list[dict[str, Any]]) -> None:
    event = {"name": "SWW", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": sessions}))


def session(session_id: str, starts_in: float, **extra: Any) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(seconds=starts_in)
    return {
        "id": session_id,
        "title": f"Session {session_id}",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "location": "Leeds",
    } | extra


@pytest.fixture
def clock() -> Clock:
    return Clock(now=None)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reminder_offsets": OFFSETS}


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write_programme(path, [session("soon", 3.0)])
    return path


@pytest.fixture
def parts(bot: RunningBot) -> Iterator[Bot]:
    """The bot's parts, not yet started: `parts.start()` plans the reminders and watches the
    programme file, as `python -m bot` does once connected."""
    yield bot.parts


def dms(bot: RunningBot, user: str) -> list[str]:
    """The texts sent to `user`'s DM so far."""
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args["text"] for c in calls if c.args["channel"] == user and not c.failed]
