"""The audience menu of an announcement preview reaches every session of a big programme:
Slack asks the bot for the options matching what the organiser types (`block_suggestion`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from slack_sdk.models.blocks import Option

from bot.blocks import ids
from tests.broadcasts.test_audiences import many_sessions
from tests.broadcasts.test_commands import (
    audience_options,
    choose,
    controls,
    press,
    preview_of,
    wait_status,
)
from tests.conftest import ORGANISER, RunningBot

SESSIONS = 2000


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    programme = many_sessions(SESSIONS)
    path = tmp_path / "programme.json"
    path.write_text(programme.model_dump_json())
    return path


def test_the_menu_opens_on_the_fixed_audiences_then_the_first_sessions(bot: RunningBot) -> None:
    _, message = preview_of(bot)
    select = controls(message)[ids.ANNOUNCE_AUDIENCE]
    assert select["type"] == "external_select" and select["min_query_length"] == 0
    assert select["initial_option"]["value"] == "channel"  # the draft's audience
    options = audience_options(bot, message)
    assert [o["value"] for o in options[:3]] == ["channel", "registered", "session:s0000"]
    assert len(options) == 100
    for option in options:
        Option(value=option["value"], label=option["text"]["text"]).to_dict()  # Slack's limits


@pytest.mark.slow(seconds=3)
def test_typing_finds_any_session_and_choosing_it_sends_to_its_registrants(
    bot: RunningBot,
) -> None:
    bot.store.register(user_id="U1", session_id="s1999", capacity=None)
    draft, message = preview_of(bot)
    (found,) = audience_options(bot, message, "session 1999")
    assert found == {
        "text": {"type": "plain_text", "text": "Registrants of Session 1999 (DM)"},
        "value": "session:s1999",
    }
    assert [o["value"] for o in audience_options(bot, message, "S1998")] == ["session:s1998"]
    assert audience_options(bot, message, "no such session") == []

    choose(bot, message, "session:s1999", typed="1999")
    (update,) = bot.slack.wait_for("chat.update")
    assert "Goes by DM to 1 person" in json.dumps(update.args["blocks"])
    assert controls(update.args)[ids.ANNOUNCE_AUDIENCE]["initial_option"] == found
    press(bot, controls(update.args)[ids.ANNOUNCE_SEND])
    sent = wait_status(bot, draft.id, "sent")
    assert (sent.audience, sent.delivered) == ("session:s1999", 1)


def test_no_options_for_anyone_but_an_organiser(bot: RunningBot) -> None:
    _, message = preview_of(bot)
    assert audience_options(bot, message, user="U1") == []
    assert len(audience_options(bot, message, user=ORGANISER)) == 100
