"""Feedback requests end to end on the bot's clock, moved by the test: asked at the session's
end plus FEEDBACK_DELAY, not before, and once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Clock, RunningBot
from tests.conftest import move_clock as move
from tests.support.live_programme import dms, write_programme

START = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
END = START + timedelta(hours=1)
DELAY = timedelta(minutes=10)  # the default FEEDBACK_DELAY


@pytest.fixture
def clock() -> Clock:
    return Clock(now=START - timedelta(minutes=30))


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write_programme(path, [{"id": "ending", "title": "Session ending",
                            "start": START.isoformat(), "end": END.isoformat()}])  # fmt: skip
    return path


def test_asked_once_when_due_and_not_before(bot: RunningBot, clock: Clock) -> None:
    bot.store.register(user_id="U1", session_id="ending", capacity=None,
                       at=START - timedelta(minutes=5))  # fmt: skip
    bot.parts.start()
    move(clock, bot.parts, END)
    move(clock, bot.parts, END + DELAY - timedelta(seconds=1))
    assert dms(bot, "U1") == []  # not yet
    move(clock, bot.parts, END + DELAY)
    assert len(dms(bot, "U1")) == 1
    assert dms(bot, "U1")[0].startswith("How useful was Session ending?")
    move(clock, bot.parts, END + timedelta(days=1))
    assert len(dms(bot, "U1")) == 1
