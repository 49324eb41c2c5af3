"""A command acts on one session only when its text names it without doubt: an id that is
not in the programme (unknown, or cancelled since) never falls through to a search that
acts, and a session that has ended takes no more registrations."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import LONDON, RunningBot
from tests.listeners.helpers import ack_body, first_text, pressed, session_buttons

SESSIONS: list[dict[str, object]] = [
    {"id": "tue-racism", "title": "Racism in practice", "start": "2023-03-21T15:00:00",
     "end": "2023-03-21T16:00:00", "tags": ["racism"]},
    {"id": "wed-racism-research", "title": "Racism research", "start": "2023-03-22T15:00:00",
     "end": "2023-03-22T16:00:00", "tags": ["racism"]},
    {"id": "tue-morning", "title": "Morning supervision", "start": "2023-03-21T09:00:00",
     "end": "2023-03-21T10:00:00"},
]  # fmt: skip


def write(path: Path, sessions: list[dict[str, object]]) -> None:
    event = {"name": "SWW", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": sessions}))


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    path = tmp_path / "programme.json"
    write(path, SESSIONS)
    return path


def test_an_unknown_id_acts_on_nothing(bot: RunningBot) -> None:
    for command in ("/register", "/unregister"):
        reply = ack_body(bot.send.command(command, "no-such-session", user_id="U1"))
        assert first_text(reply).startswith(
            "There is no session with the id “no-such-session”, so nothing changed."
        )
    assert bot.store.seats_of(user_id="U1") == {}


def test_the_id_of_a_cancelled_session_acts_on_no_other(
    bot: RunningBot, programme_path: Path
) -> None:
    ack_body(bot.send.command("/register", "tue-racism", user_id="U1"))
    ack_body(bot.send.command("/register", "wed-racism-research", user_id="U1"))
    write(programme_path, SESSIONS[1:])  # the Tuesday session is cancelled
    assert bot.parts.reloader.reload()
    for command in ("/unregister", "/register"):
        reply = ack_body(bot.send.command(command, "tue-racism", user_id="U1"))
        notice = first_text(reply)
        assert notice.startswith(":no_entry: *Racism in practice* was cancelled"), notice
        assert "These may be what you meant:" in notice
        assert {b["text"]["text"] for b in session_buttons(reply).values()} <= {"Unregister"}
    assert bot.store.registrants(session_id="wed-racism-research") == ["U1"]


def test_a_session_that_has_ended_takes_no_registration(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "tue-morning", user_id="U1"))
    assert first_text(reply) == (
        "*Morning supervision* took place on Tue 21 Mar, 09:00–10:00 GMT, "
        "so registration has closed."
    )
    # An answer drawn before the session ended still has its button; pressed afterwards...
    now = bot.clock.now
    bot.clock.now = datetime(2023, 3, 21, 8, 30, tzinfo=LONDON)
    listing = ack_body(bot.send.command("/sessions", "supervision", user_id="U1"))
    bot.clock.now = now
    register = session_buttons(listing)["Morning supervision"]
    assert bot.send.action([pressed(register)], user_id="U1").status == 200
    (redrawn,) = bot.slack.wait_for_response()
    assert "registration has closed" in json.dumps(redrawn.payload)
    assert "Already taken place" in json.dumps(redrawn.payload)  # ...and the redraw says so
    assert bot.store.seats_of(user_id="U1") == {}


def test_one_match_for_only_some_of_the_words_is_offered_not_acted_on(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "racism practice quantum", user_id="U1"))
    assert first_text(reply).startswith("This session may be what “racism practice quantum”")
    assert list(session_buttons(reply)) == ["Racism in practice"]  # offered...
    assert bot.store.seats_of(user_id="U1") == {}  # ...not acted on
    both = ack_body(bot.send.command("/register", "racism research", user_id="U1"))
    assert first_text(both).startswith(":white_check_mark: You're registered for *Racism research*")


def test_a_day_alone_names_no_session(bot: RunningBot, programme_path: Path) -> None:
    write(programme_path, SESSIONS[1:2])  # Wednesday has one session
    assert bot.parts.reloader.reload()
    reply = ack_body(bot.send.command("/register", "wednesday", user_id="U1"))
    assert "Register" in {b["text"]["text"] for b in session_buttons(reply).values()}
    assert bot.store.seats_of(user_id="U1") == {}
