"""`/forgetme`: what is kept, listed privately with a red confirm button and Cancel; nothing
kept means no button; confirming deletes once (a second press is harmless); Cancel keeps."""

from __future__ import annotations

from typing import Any

from bot.blocks import ids
from bot.records import Feedback
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, button_in, first_text, pressed
from tests.support.own_week import (
    LUNCH,
    OTHER,
    SMALL,
    TUESDAY_1230,
    clock,
    dms,
    programme_path,
    settings_overrides,
    wait_until,
)

__all__ = ["clock", "programme_path", "settings_overrides"]


def press(bot: RunningBot, message: dict[str, Any], action_id: str, count: int) -> dict[str, Any]:
    """Press `message`'s button `action_id` as U1; the payload the message was replaced with."""
    element = button_in(message, action_id)
    url = bot.slack.response_url(f"f{count}")
    result = bot.send.action([pressed(element)], user_id="U1", response_url=url)
    assert result.status == 200
    payload: dict[str, Any] = bot.slack.wait_for_response(count=count)[-1].payload
    return payload


def test_nothing_kept_says_so_and_offers_no_button(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/forgetme", user_id="U1"))
    assert reply["response_type"] == "ephemeral"
    assert first_text(reply) == (
        "I keep nothing about you: no registrations, waitlist places, reminder choices, "
        "feedback or calendar link."
    )
    assert all(block["type"] != "actions" for block in reply["blocks"])


def test_everything_kept_is_listed_with_a_confirmed_red_button(bot: RunningBot) -> None:
    store = bot.store
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    ack_body(bot.send.command("/register", OTHER, user_id="U3"))
    ack_body(bot.send.command("/register", OTHER, user_id="U1"))  # waitlisted
    ack_body(bot.send.command("/reminders", "15m", user_id="U1"))
    for session, learnt in ((LUNCH, "Curiosity"), (SMALL, "")):
        store.save_feedback(feedback=Feedback("U1", session, TUESDAY_1230, rating=4,
                                              learnt=learnt))  # fmt: skip
    store.set_calendar_token(user_id="U1", token="a" * 32)
    reply = ack_body(bot.send.command("/forgetme", user_id="U1"))
    assert reply["blocks"][0]["text"]["text"] == "What I keep about you"
    assert reply["blocks"][1]["text"]["text"].splitlines() == [
        "• Registered for: *Lunch and learn*",
        "• On the waitlist for: *Peer support*",
        "• Your reminder choice: only 15 minutes before",
        "• Feedback on 2 sessions, with 1 reflection",
        "• Your private calendar link",
    ]
    (delete, cancel) = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"]
    assert (delete["action_id"], delete["style"]) == (ids.FORGET_CONFIRM, "danger")
    assert delete["confirm"]["style"] == "danger"
    assert delete["confirm"]["confirm"]["text"] == "Delete"
    assert cancel["action_id"] == ids.FORGET_CANCEL
    assert store.seats_of(user_id="U1")  # listing deletes nothing


def test_cancel_deletes_nothing(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", LUNCH, user_id="U1"))
    reply = ack_body(bot.send.command("/forgetme", user_id="U1"))
    cancelled = press(bot, reply, ids.FORGET_CANCEL, 1)
    assert cancelled["replace_original"] is True
    assert first_text(cancelled) == "Nothing was deleted. `/forgetme` whenever you want."
    assert bot.store.registrants(session_id=LUNCH) == ["U1"]


def test_confirming_twice_is_harmless(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", SMALL, user_id="U1"))
    ack_body(bot.send.command("/register", SMALL, user_id="U2"))  # waiting for U1's place
    ack_body(bot.send.command("/register", SMALL, user_id="U3"))
    reply = ack_body(bot.send.command("/forgetme", user_id="U1"))
    done = press(bot, reply, ids.FORGET_CONFIRM, 1)
    assert first_text(done) == (
        ":wastebasket: Done: I've deleted your registration. Nothing about you is kept now, "
        "except that messages were sent (counts only)."
    )
    again = press(bot, reply, ids.FORGET_CONFIRM, 2)  # the same button, pressed again
    assert first_text(again) == (
        "There was nothing left to delete. Nothing about you is kept now, except that "
        "messages were sent (counts only)."
    )
    assert bot.store.registrants(session_id=SMALL) == ["U2"]  # moved up once, not twice
    assert bot.store.waitlist(session_id=SMALL) == ["U3"]
    wait_until(lambda: len(dms(bot, "U2")) == 1)
    assert dms(bot, "U3") == [] and dms(bot, "U1") == []


def test_an_answer_waiting_for_slack_is_forgotten_too(bot: RunningBot) -> None:
    """Slack refused the answer to a DM (429): it waits in the outbox, addressed to the
    person, and /forgetme cancels it with the rest."""
    import time

    bot.slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "60"})
    question = {"type": "message", "channel_type": "im", "channel": "D0USER1", "user": "U1",
                "text": "racism", "ts": f"{time.time():.6f}"}  # fmt: skip
    assert bot.send.event(question).status == 200
    wait_until(lambda: bot.store.pending_to(recipient="U1") > 0, 5,
               "the refused answer never reached the outbox")  # fmt: skip
    reply = ack_body(bot.send.command("/forgetme", user_id="U1"))
    press(bot, reply, ids.FORGET_CONFIRM, 1)
    assert bot.store.pending_to(recipient="U1") == 0
    assert bot.store.backlog() == 0
