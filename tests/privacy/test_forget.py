"""Forget me end to end: a person with a place in a full session, a waitlist place elsewhere,
reminder choices, feedback, a calendar link and a reminder waiting to be sent. Confirming
deletes all of it, moves the waitlist up (with the usual DM), cancels what was waiting for
them, refreshes the session's cards; on the durable store, all of it holds after a restart."""

from __future__ import annotations

from typing import Any

from bot.blocks import ids
from bot.records import Card, Feedback, Store
from bot.reminders.jobs import REMINDER
from tests.conftest import ANNOUNCEMENTS, RunningBot
from tests.listeners.helpers import ack_body, button_in, first_text, pressed
from tests.support.own_week import (
    DAY,
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

DONE = (
    ":wastebasket: Done: I've deleted your 2 registrations, your waitlist place, your "
    "reminder choice, your feedback on 1 session (1 reflection), your calendar link and 1 "
    "message waiting to be sent to you. Nothing about you is kept now, except that messages "
    "were sent (counts only)."
)


def keep_everything(bot: RunningBot) -> None:
    """U1 registered for the full one-place session (U2 waiting) and the lunch; waiting for
    the other one-place session (U3 holds it); a choice, feedback, a calendar link."""
    for user, session in (("U1", SMALL), ("U2", SMALL), ("U1", LUNCH), ("U3", OTHER),
                          ("U1", OTHER)):  # fmt: skip
        ack_body(bot.send.command("/register", session, user_id=user))
    ack_body(bot.send.command("/reminders", "1d", user_id="U1"))
    bot.store.save_feedback(feedback=Feedback("U1", LUNCH, TUESDAY_1230, rating=5,
                                              learnt="Ask first", change="I will"))  # fmt: skip
    bot.store.set_calendar_token(user_id="U1", token="c" * 32)


def forget_u1(bot: RunningBot) -> dict[str, Any]:
    """/forgetme, then the red button: the message it was replaced with."""
    listing = ack_body(bot.send.command("/forgetme", user_id="U1"))
    assert "1 message waiting to be sent to you" in str(listing["blocks"])
    confirm = button_in(listing, ids.FORGET_CONFIRM)
    url = bot.slack.response_url("forget")
    assert bot.send.action([pressed(confirm)], user_id="U1", response_url=url).status == 200
    payload: dict[str, Any] = bot.slack.wait_for_response()[-1].payload
    return payload


def promotions(bot: RunningBot, user: str) -> list[str]:
    return [m["text"] for m in dms(bot, user) if m["text"].startswith(":tada: A place came free")]


def assert_forgotten(store: Store) -> None:
    assert store.seats_of(user_id="U1") == {}
    assert store.reminders_of(user_id="U1") is None
    assert store.feedback_of(user_id="U1") == {}
    assert store.feedback_for(session_id=LUNCH) == []
    assert store.calendar_token(user_id="U1") is None
    assert store.pending_to(recipient="U1") == 0
    assert store.registrants(session_id=SMALL) == ["U2"]  # moved up into U1's place
    assert store.waitlist(session_id=SMALL) == []
    assert store.registrants(session_id=OTHER) == ["U3"] and store.waitlist(session_id=OTHER) == []
    assert store.registrants(session_id=LUNCH) == []
    counts = store.counts(kind=REMINDER, subject=LUNCH)
    assert (counts.cancelled, counts.sent, counts.pending) == (1, 0, 0)  # the count stays


def test_forget_me_deletes_everything_and_moves_the_waitlist_up(bot: RunningBot) -> None:
    keep_everything(bot)
    bot.store.save_card(card=Card(SMALL, ANNOUNCEMENTS, "100.1"))
    bot.slack.fail_for("chat.postMessage", 1.0)  # Slack is down: U1's reminder waits, queued
    bot.parts.reminders.run(LUNCH, DAY)
    assert bot.store.pending_to(recipient="U1") == 1

    done = forget_u1(bot)
    assert done["replace_original"] is True
    assert first_text(done) == DONE
    assert_forgotten(bot.store)
    # U2 is told through the outbox, once Slack is back; U1's reminder never goes.
    wait_until(lambda: len(dms(bot, "U2")) == 1)
    assert dms(bot, "U2")[0]["text"].startswith(":tada: A place came free")
    assert dms(bot, "U1") == []
    (update,) = bot.slack.wait_for("chat.update")  # the card counts U2 now
    assert update.args["ts"] == "100.1"


def test_forget_me_holds_after_a_restart(served_bot: RunningBot) -> None:
    bot = served_bot
    keep_everything(bot)
    bot.parts.outbox.close()  # the sender stops: the reminder stays queued for U1
    bot.parts.reminders.run(LUNCH, DAY)

    done = forget_u1(bot)
    assert first_text(done) == DONE
    restarted = bot.restart()  # the promotion DM waits for the restart's sender
    try:
        assert_forgotten(restarted.store)
        # (The restart also plans the week's reminders: U2 now has some for their new place.)
        wait_until(lambda: len(promotions(bot, "U2")) == 1)
        wait_until(restarted.outbox.idle)
        assert len(promotions(bot, "U2")) == 1
        assert dms(bot, "U1") == []
        assert_forgotten(restarted.store)
    finally:
        restarted.close()
