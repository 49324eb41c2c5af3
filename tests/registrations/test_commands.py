"""`/register`, `/unregister` and `/mysessions` end to end, on the durable store."""

from __future__ import annotations

import json

from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, first_text, session_buttons, titles

RACISM = "Racism in the workplace, in communities and in practice"
STEREOTYPES = "Smashing stereotypes in the profession"


def test_register_by_topic_confirms_with_title_and_time(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "racism", user_id="U1"))
    assert reply["response_type"] == "ephemeral"
    assert first_text(reply).startswith(
        f":white_check_mark: You're registered for *{RACISM}*, <!date^"
    )
    assert "Tue 21 Mar, 12:30–14:00 GMT" in reply["text"]
    assert bot.store.registrants(session_id="tue-racism") == ["U1"]


def test_register_by_id_and_twice(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "wed-stereotypes", user_id="U1"))
    again = ack_body(bot.send.command("/register", " WED-Stereotypes ", user_id="U1"))
    assert first_text(again).startswith(f"You're already registered for *{STEREOTYPES}*")
    assert bot.store.registrants(session_id="wed-stereotypes") == ["U1"]


def test_several_matches_offer_register_buttons(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "tuesday", user_id="U1"))
    assert "Several sessions match “tuesday”" in first_text(reply)
    buttons = session_buttons(reply)
    assert len(buttons) == 3  # the fourth, in the morning, has taken place: no button
    assert {b["text"]["text"] for b in buttons.values()} == {"Register"}
    assert "_Already taken place_" in json.dumps(reply["blocks"])
    assert bot.store.seats_of(user_id="U1") == {}


def test_no_match_says_so(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "quantum physics", user_id="U1"))
    assert first_text(reply).startswith("I couldn't find a session about “quantum physics”.")


def test_register_alone_explains_how(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/register", "", user_id="U1"))
    assert "/register retention or /register Rebekah Pierre" in reply["text"]


def test_unregister(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    reply = ack_body(bot.send.command("/unregister", "racism", user_id="U1"))
    assert first_text(reply) == f"You're no longer registered for *{RACISM}*."
    again = ack_body(bot.send.command("/unregister", "racism", user_id="U1"))
    assert first_text(again) == f"You weren't registered for *{RACISM}*, so nothing changed."
    assert bot.store.registrants(session_id="tue-racism") == []


def test_unregister_a_day_picks_the_session_you_hold(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    reply = ack_body(bot.send.command("/unregister", "tuesday", user_id="U1"))
    assert first_text(reply) == f"You're no longer registered for *{RACISM}*."


def test_mysessions_lists_by_day_with_unregister_buttons_and_overlaps(bot: RunningBot) -> None:
    empty = ack_body(bot.send.command("/mysessions", user_id="U1"))
    assert "You haven't registered for any sessions yet." in empty["text"]
    for session_id in ("fri-coproduction", "wed-student-placements", "wed-kinship-care"):
        ack_body(bot.send.command("/register", session_id, user_id="U1"))
    reply = ack_body(bot.send.command("/mysessions", user_id="U1"))
    assert reply["text"] == "You have 3 sessions."
    assert titles(reply) == [
        "Great placements: practice educators and students",
        "Kinship care: assessing and supporting family and friends carers",
        "The value of co-production: a reflective space through stories",
    ]
    assert {b["text"]["text"] for b in session_buttons(reply).values()} == {"Unregister"}
    text = str(reply["blocks"])
    assert ":warning: *Great placements" in text and "overlap" in text
    assert "*Wednesday 22 March*" in text and "*Friday 24 March*" in text


def test_sessions_reply_buttons_reflect_the_askers_registrations(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    mine = session_buttons(ack_body(bot.send.command("/sessions", "tuesday", user_id="U1")))
    assert mine[RACISM]["text"]["text"] == "Unregister"
    theirs = session_buttons(ack_body(bot.send.command("/sessions", "tuesday", user_id="U2")))
    assert theirs[RACISM]["text"]["text"] == "Register"
