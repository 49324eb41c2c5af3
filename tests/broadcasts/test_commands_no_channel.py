"""`/announce` with ANNOUNCEMENTS_CHANNEL unset: the preview says so and offers only the DM
audiences, and nothing can be sent to the channel, not even by a crafted press."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks import ids
from tests.broadcasts.test_commands import (
    audience_options,
    choose,
    controls,
    press,
    preview_of,
    submit,
    wait_status,
)
from tests.conftest import ORGANISER, RunningBot
from tests.listeners.helpers import ack_body

NOTE = "ANNOUNCEMENTS_CHANNEL is not set: this can go to registrants by DM only"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"announcements_channel": None}


@pytest.mark.slow(seconds=3)
def test_the_preview_says_so_and_offers_no_send_until_a_dm_audience_is_chosen(
    bot: RunningBot,
) -> None:
    bot.store.register(user_id="U1", session_id="tue-racism", capacity=None)
    draft, message = preview_of(bot)
    text = json.dumps(message["blocks"])
    assert NOTE in text and "<#None>" not in text
    assert set(controls(message)) == {ids.ANNOUNCE_AUDIENCE, ids.ANNOUNCE_CANCEL}
    assert "initial_option" not in controls(message)[ids.ANNOUNCE_AUDIENCE]

    offered = [o["value"] for o in audience_options(bot, message)]
    assert offered[0] == "registered" and "channel" not in offered
    assert audience_options(bot, message, "channel") == []

    choose(bot, message, "session:tue-racism", typed="racism")
    (update,) = bot.slack.wait_for("chat.update")
    redrawn = update.args
    assert "Goes by DM to 1 person" in json.dumps(redrawn["blocks"])
    assert NOTE in json.dumps(redrawn["blocks"])
    assert ids.ANNOUNCE_SEND in controls(redrawn)
    initial = controls(redrawn)[ids.ANNOUNCE_AUDIENCE]["initial_option"]
    assert initial["value"] == "session:tue-racism"

    press(bot, controls(redrawn)[ids.ANNOUNCE_SEND])
    sent = wait_status(bot, draft.id, "sent")
    assert (sent.recipients, sent.delivered) == (1, 1)


def test_crafted_presses_cannot_send_or_schedule_to_the_channel(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    block_id = controls(message)[ids.ANNOUNCE_CANCEL]["block_id"]
    send = {"action_id": ids.ANNOUNCE_SEND, "value": draft.id, "block_id": block_id}
    press(bot, send)
    channel_option = {"text": {"type": "plain_text", "text": "Channel"}, "value": "channel"}
    select = {"action_id": ids.ANNOUNCE_AUDIENCE, "type": "external_select", "block_id": block_id}
    press(bot, select, selected_option=channel_option)
    later = {"action_id": ids.ANNOUNCE_LATER, "value": draft.id, "block_id": block_id}
    press(bot, later)
    assert bot.parts.settle()
    assert bot.store.broadcast(broadcast_id=draft.id) == draft  # still a draft for the channel
    assert bot.slack.calls_to("views.open") == []

    # Nor a crafted submission of the "Send later" modal.
    view = {"callback_id": ids.ANNOUNCE_LATER_VIEW, "private_metadata": draft.id, "type": "modal"}
    when = datetime.now(UTC) + timedelta(hours=1)
    refused = submit(bot, view, {"selected_date_time": int(when.timestamp())})
    assert refused.json()["response_action"] == "errors"
    assert bot.parts.broadcasts.send(broadcast_id=draft.id) is False
    assert bot.parts.broadcasts.schedule(broadcast_id=draft.id, when=when) is None
    assert bot.parts.settle()
    assert bot.store.broadcast(broadcast_id=draft.id) == draft
    posts = [c.args["channel"] for c in bot.slack.calls_to("chat.postMessage")]
    assert posts == [ORGANISER]  # the preview, and nothing else


def test_a_broadcast_scheduled_for_the_channel_becomes_a_draft_again(bot: RunningBot) -> None:
    """Scheduled while ANNOUNCEMENTS_CHANNEL was set, due after a restart without it."""
    draft, _ = preview_of(bot)
    when = datetime.now(UTC) + timedelta(hours=1)
    bot.store.change_broadcast(
        broadcast_id=draft.id, when=("draft",), changes={"status": "scheduled", "send_at": when}
    )
    assert bot.parts.broadcasts.send(broadcast_id=draft.id) is False  # what the job would do
    back = bot.store.broadcast(broadcast_id=draft.id)
    assert back is not None and (back.status, back.send_at) == ("draft", None)
    (update,) = bot.slack.wait_for("chat.update")
    assert NOTE in json.dumps(update.args["blocks"])


def test_help_says_the_channel_is_not_set(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/announce", "help", user_id=ORGANISER))
    assert "ANNOUNCEMENTS_CHANNEL is not set" in reply["text"]
    assert bot.store.broadcasts() == []
