"""Reminders run on real time: a programme whose sessions start seconds from now, offsets of
seconds, and the bot's clock following the real one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.notify import Notifications
from tests.conftest import Clock, RunningBot

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
def notifications(bot: RunningBot) -> Iterator[Notifications]:
    """Reminders and programme watching, started as `python -m bot` starts them."""
    running = Notifications(bot.services, bot.app.client, watch_interval=0.1)
    yield running
    running.stop()
