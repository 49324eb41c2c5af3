"""The announcement preview and the audience menu's options, as Block Kit (no Slack)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Option

from bot.blocks import ids
from bot.broadcasts.messages import OPTIONS_LIMIT, audience_options, preview_message
from bot.records import Broadcast
from bot.standin.block_rules import block_problems

LONDON = ZoneInfo("Europe/London")
DRAFT = Broadcast(id="b1", organiser_id="U0ORG", text="Hall B", created_at=datetime.now(UTC))
LONG_TITLE = "Strengths-based practice with older people and people living with dementia"


def controls(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    (row,) = [b for b in blocks if b["type"] == "actions"]
    return {e["action_id"]: e for e in row["elements"]}


def test_the_audience_menu_searches_and_keeps_the_current_audience() -> None:
    draft = replace(DRAFT, audience="session:fri-older")
    label = f"Registrants of {LONG_TITLE} (DM)"
    message = preview_message(draft, audience_label=label, count=3, channel="C0ANN", tz=LONDON)
    assert block_problems(message.blocks, limit=50) == []
    found = controls(message.blocks)
    select = found[ids.ANNOUNCE_AUDIENCE]
    assert select["type"] == "external_select" and select["min_query_length"] == 0
    assert "options" not in select
    initial = select["initial_option"]
    assert initial["value"] == "session:fri-older"
    assert len(initial["text"]["text"]) <= 75 and initial["text"]["text"].endswith("… (DM)")
    assert set(found) == {
        ids.ANNOUNCE_AUDIENCE,
        ids.ANNOUNCE_SEND,
        ids.ANNOUNCE_LATER,
        ids.ANNOUNCE_CANCEL,
    }
    assert "Goes by DM to 3 people" in message.blocks[2]["elements"][0]["text"]


def test_without_a_channel_a_draft_for_it_says_so_and_offers_no_send() -> None:
    message = preview_message(
        DRAFT, audience_label="The announcements channel", count=None, channel=None, tz=LONDON
    )
    assert block_problems(message.blocks, limit=50) == []
    note = message.blocks[2]["elements"][0]["text"]
    assert "ANNOUNCEMENTS_CHANNEL is not set: this can go to registrants by DM only" in note
    assert "<#None>" not in str(message.blocks)
    found = controls(message.blocks)
    assert set(found) == {ids.ANNOUNCE_AUDIENCE, ids.ANNOUNCE_CANCEL}
    assert "initial_option" not in found[ids.ANNOUNCE_AUDIENCE]


def test_without_a_channel_a_dm_draft_can_be_sent() -> None:
    draft = replace(DRAFT, audience="registered")
    message = preview_message(
        draft, audience_label="Everyone registered (DM)", count=1, channel=None, tz=LONDON
    )
    note = message.blocks[2]["elements"][0]["text"]
    assert "registrants by DM only" in note and "Goes by DM to 1 person" in note
    assert ids.ANNOUNCE_SEND in controls(message.blocks)


def test_options_fit_slack_limits() -> None:
    pairs = [("registered", "Everyone registered (DM)")] + [
        (f"session:s{n}", f"Registrants of {LONG_TITLE} {n} (DM)") for n in range(150)
    ]
    options = audience_options(pairs)
    assert len(options) == OPTIONS_LIMIT
    for option in options:
        Option(value=option["value"], label=option["text"]["text"]).to_dict()  # checks 75/150
        assert option["text"]["text"].endswith("(DM)")
    assert options[0] == {
        "text": {"type": "plain_text", "text": "Everyone registered (DM)"},
        "value": "registered",
    }
