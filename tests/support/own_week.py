"""Fixtures for the attendee's own week (reminder choices, forget me): a small programme with
two one-place sessions, and the bot's clock at Tuesday 21 March 2023, 12:30 in London, a day
before the Wednesday 12:30 session. A test module imports the fixtures it uses."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Clock, RunningBot
from tests.support.live_programme import wait_until as wait_until  # for these tests too
from tests.support.live_programme import write_programme

LONDON = ZoneInfo("Europe/London")
TUESDAY_1230 = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
DAY, QUARTER = timedelta(days=1), timedelta(minutes=15)

LUNCH = "wed-lunch"  # Wednesday 12:30, no limit on places
SMALL = "wed-small"  # Wednesday 15:00, one place
OTHER = "thu-small"  # Thursday 10:00, one place


def _session(session_id: str, title: str, start: datetime, **extra: Any) -> dict[str, Any]:
    return {"id": session_id, "title": title, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()} | extra  # fmt: skip


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    wednesday = TUESDAY_1230 + DAY
    sessions = [
        _session(LUNCH, "Lunch and learn", wednesday, location="Leeds"),
        _session(SMALL, "Court skills", wednesday.replace(hour=15), capacity=1,
                 location="Bristol"),
        _session(OTHER, "Peer support", wednesday.replace(hour=10) + DAY, capacity=1,
                 join_url="https://example.org/peer"),
    ]  # fmt: skip
    write_programme(path, sessions)
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock(now=TUESDAY_1230)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"reminder_offsets": (DAY, QUARTER)}


def dms(bot: RunningBot, user: str) -> list[dict[str, Any]]:
    """The messages (chat.postMessage arguments) Slack accepted for `user`'s DM so far."""
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args for c in calls if c.args["channel"] == user and not c.failed]
