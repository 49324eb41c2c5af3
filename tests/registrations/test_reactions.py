"""Session cards posted by `/announce sessions <day>`, and registering by reacting to them."""

from __future__ import annotations

import time
from pathlib import Path

from bot.records import open_store
from tests.conftest import ANNOUNCEMENTS, ORGANISER, RunningBot
from tests.listeners.helpers import ack_body

TUESDAY_IDS = ["tue-amhp", "tue-racism", "tue-safeguarding-adults", "tue-care-leavers"]


def post_cards(bot: RunningBot) -> dict[str, str]:
    """Post Tuesday's cards as an organiser; returns session id -> message ts."""
    reply = ack_body(bot.send.command("/announce", "sessions tuesday", user_id=ORGANISER))
    assert reply["text"].startswith("Posting the cards for Tuesday 21 March to <#C0ANNOUNCE>")
    posts = bot.slack.wait_for("chat.postMessage", count=4)
    bot.slack.wait_for("reactions.add", count=4)
    (done,) = bot.slack.wait_for_response()
    assert done.payload["text"] == "Posted 4 session cards for Tuesday 21 March to <#C0ANNOUNCE>."
    cards = {}
    for session_id, call in zip(TUESDAY_IDS, posts, strict=True):
        assert call.args["channel"] == ANNOUNCEMENTS
        assert "React with :white_check_mark: to register" in call.args["text"]
        card = bot.store.cards_for(session_id=session_id)
        assert len(card) == 1
        cards[session_id] = card[0].message_ts
    return cards


def reaction(
    kind: str, ts: str, *, user: str = "U1", emoji: str = "white_check_mark"
) -> dict[str, object]:
    return {
        "type": kind,
        "user": user,
        "reaction": emoji,
        "item": {"type": "message", "channel": ANNOUNCEMENTS, "ts": ts},
        "item_user": "UBOT",
        "event_ts": f"{time.time():.6f}",
    }


def dms_to(bot: RunningBot, user: str) -> list[str]:
    return [
        c.args["text"] for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == user
    ]


def test_non_organisers_are_refused_and_nothing_is_posted(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/announce", "sessions tuesday", user_id="U1"))
    assert reply["text"] == "Sorry, only the week's organisers can use `/announce`."
    assert bot.parts.settle()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_reacting_registers_and_removing_unregisters(bot: RunningBot) -> None:
    cards = post_cards(bot)
    bot.slack.reset()
    bot.send.event(reaction("reaction_added", cards["tue-racism"]))
    (dm,) = bot.slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == "U1"
    assert dm.args["text"].startswith(":white_check_mark: You're registered for *Racism in the")
    assert bot.store.registrants(session_id="tue-racism") == ["U1"]

    bot.send.event(reaction("reaction_removed", cards["tue-racism"]))
    second = bot.slack.wait_for("chat.postMessage", count=2)[1]
    assert second.args["text"].startswith("You're no longer registered for *Racism")
    assert bot.store.registrants(session_id="tue-racism") == []


def test_the_same_reaction_delivered_twice_registers_and_confirms_once(bot: RunningBot) -> None:
    cards = post_cards(bot)
    bot.slack.reset()
    event = reaction("reaction_added", cards["tue-care-leavers"])
    bot.send.event(event, event_id="Ev0REACT")
    bot.slack.wait_for("chat.postMessage")
    bot.send.event(event, event_id="Ev0REACT", retry_num=1)
    bot.send.event(event, event_id="Ev0REACT2")  # a repeat with a new id changes nothing either
    assert bot.parts.settle()
    assert len(dms_to(bot, "U1")) == 1
    assert bot.store.registrants(session_id="tue-care-leavers") == ["U1"]


def test_reacting_to_the_card_of_a_session_that_has_ended_is_refused(bot: RunningBot) -> None:
    cards = post_cards(bot)  # Tuesday 13:00: the AMHP session ended at 10:30
    bot.slack.reset()
    bot.send.event(reaction("reaction_added", cards["tue-amhp"]))
    (told,) = bot.slack.wait_for("chat.postMessage")
    assert told.args["channel"] == "U1"
    assert (
        "took place on Tue 21 Mar, 09:30–10:30 GMT, so registration has closed" in told.args["text"]
    )
    assert bot.store.registrants(session_id="tue-amhp") == []


def test_other_emoji_and_other_messages_change_nothing(bot: RunningBot) -> None:
    cards = post_cards(bot)
    bot.slack.reset()
    bot.send.event(reaction("reaction_added", cards["tue-racism"], emoji="heart"))
    bot.send.event(reaction("reaction_added", "1679000000.000001"))
    assert bot.parts.settle()
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.store.seats_of(user_id="U1") == {}


def test_cards_show_counts_kept_current_without_an_update_per_reaction(bot: RunningBot) -> None:
    cards = post_cards(bot)
    bot.slack.reset()
    for number in range(8):
        bot.send.event(reaction("reaction_added", cards["tue-racism"], user=f"U{number}"))
    bot.slack.wait_for("chat.postMessage", count=8)
    assert bot.parts.settle()  # the cards show every change (gathered 0.2 s in tests)
    updates = bot.slack.calls_to("chat.update")
    assert 1 <= len(updates) < 8
    assert updates[-1].args["ts"] == cards["tue-racism"]
    assert "8 registered" in str(updates[-1].args["blocks"])


def test_cards_are_remembered_across_a_restart(served_bot: RunningBot, tmp_path: Path) -> None:
    cards = post_cards(served_bot)
    served_bot.store.close()
    reopened = open_store(tmp_path / "bot.json")
    try:
        card = reopened.card_at(channel_id=ANNOUNCEMENTS, message_ts=cards["tue-racism"])
        assert card is not None and card.session_id == "tue-racism"
    finally:
        reopened.close()
