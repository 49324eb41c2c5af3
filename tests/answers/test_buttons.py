"""The More / Previous buttons under a long day: the reply is replaced in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.blocks import ids
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, titles


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    sessions = [
        {
            "id": f"s{n:02d}",
            "title": f"Session {n:02d}",
            "start": f"2023-03-21T{8 + n // 4:02d}:{(n % 4) * 15:02d}:00",
            "end": f"2023-03-21T{9 + n // 4:02d}:{(n % 4) * 15:02d}:00",
        }
        for n in range(25)
    ]
    path = tmp_path / "programme.json"
    event = {"name": "Busy day", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": sessions}))
    return path


def buttons(message: dict[str, object]) -> dict[str, dict[str, str]]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_more_and_previous_page_through_a_long_day(bot: RunningBot) -> None:
    first = ack_body(bot.send.command("/sessions", "tuesday"))
    assert titles(first) == [f"Session {n:02d}" for n in range(10)]
    more = buttons(first)[ids.SESSIONS_PAGE_NEXT]

    url = bot.slack.response_url("page")
    result = bot.send.action([{**more, "type": "button", "block_id": "b"}], response_url=url)
    assert result.status == 200
    (response,) = bot.slack.wait_for_response()
    assert response.payload["replace_original"] is True
    assert titles(response.payload) == [f"Session {n:02d}" for n in range(10, 20)]
    assert "Showing 11–20 of 25" in json.dumps(response.payload, ensure_ascii=False)

    back = buttons(response.payload)[ids.SESSIONS_PAGE_PREVIOUS]
    bot.send.action([{**back, "type": "button", "block_id": "b"}], response_url=url)
    second = bot.slack.wait_for_response(count=2)[1]
    assert titles(second.payload) == titles(first)
