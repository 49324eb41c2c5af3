"""Audiences without Slack: which ones match what an organiser types in the menu."""

from __future__ import annotations

import json

import pytest

from bot.broadcasts.audiences import (
    CHANNEL,
    REGISTERED,
    audience_label,
    audiences,
    is_known,
    matching,
)
from bot.programme import Programme
from bot.programme.loader import parse_programme


def many_sessions(count: int) -> Programme:
    """A week of `count` sessions, "Session 0000" to …, ids s0000…, in that order."""
    sessions = [
        {
            "id": f"s{n:04d}",
            "title": f"Session {n:04d}" + (": care leavers" if n % 500 == 7 else ""),
            "start": f"2023-03-{20 + n // 500:02d}T{9 + (n % 500) // 60:02d}:{n % 60:02d}:00",
            "end": f"2023-03-{20 + n // 500:02d}T{10 + (n % 500) // 60:02d}:{n % 60:02d}:00",
        }
        for n in range(count)
    ]
    event = {"name": "Big week", "timezone": "Europe/London"}
    programme, _ = parse_programme(json.dumps({"event": event, "sessions": sessions}))
    return programme


PROGRAMME = many_sessions(2000)


def values(found: list[tuple[str, str]]) -> list[str]:
    return [value for value, _ in found]


def test_nothing_typed_gives_the_fixed_audiences_then_sessions_up_to_the_limit() -> None:
    found = values(matching("", PROGRAMME, channel=True, limit=100))
    assert found[:3] == [CHANNEL, REGISTERED, "session:s0000"]
    assert len(found) == 100 and found[-1] == "session:s0097"


def test_every_session_can_be_found_by_title_or_id() -> None:
    assert values(matching("session 1999", PROGRAMME, channel=True, limit=100)) == ["session:s1999"]
    assert values(matching("S1234", PROGRAMME, channel=True, limit=100)) == ["session:s1234"]
    found = values(matching("care LEAVERS", PROGRAMME, channel=True, limit=100))
    assert found == ["session:s0007", "session:s0507", "session:s1007", "session:s1507"]


def test_the_fixed_audiences_match_their_own_words() -> None:
    assert values(matching("everyone", PROGRAMME, channel=True, limit=100)) == [REGISTERED]
    assert values(matching("channel", PROGRAMME, channel=True, limit=100)) == [CHANNEL]
    assert matching("nothing like this", PROGRAMME, channel=True, limit=100) == []


def test_without_a_channel_only_dm_audiences_are_offered_or_known() -> None:
    assert CHANNEL not in values(matching("", PROGRAMME, channel=False, limit=100))
    assert matching("channel", PROGRAMME, channel=False, limit=100) == []
    assert CHANNEL not in values(audiences(PROGRAMME, channel=False))
    assert not is_known(CHANNEL, PROGRAMME, channel=False)
    assert is_known(REGISTERED, PROGRAMME, channel=False)
    assert is_known("session:s1999", PROGRAMME, channel=False)


@pytest.mark.parametrize(
    ("audience", "label"),
    [
        (CHANNEL, "The announcements channel"),
        (REGISTERED, "Everyone registered (DM)"),
        ("session:s1999", "Registrants of Session 1999 (DM)"),
        ("session:gone", "session:gone"),
    ],
)
def test_labels(audience: str, label: str) -> None:
    assert audience_label(audience, PROGRAMME) == label
    assert is_known(audience, PROGRAMME) == (audience != "session:gone")
