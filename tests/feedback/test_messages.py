"""Block Kit for feedback, checked without Slack: the DM and its answer, the reflection
modal, the CPD record and the organisers' summary."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.blocks import ids
from bot.feedback.cpd import CpdRow
from bot.feedback.messages import (
    NO_RECORD,
    SHARE_OPTION,
    cpd_message,
    distribution,
    feedback_message,
    feedback_summary_message,
    read_reflection_metadata,
    reflection_modal,
)
from bot.feedback.summary import SessionSummary
from bot.programme import Session
from bot.records import Feedback
from bot.standin.block_rules import block_problems, view_problems
from tests.registrations.test_sessions import assert_valid_message

LONDON = ZoneInfo("Europe/London")
START = datetime(2023, 3, 21, 12, 30, tzinfo=LONDON)
SESSION = Session.model_validate(
    {"id": "tue", "title": "Racism & <practice>", "start": START,
     "end": START + timedelta(hours=1, minutes=30)}
)  # fmt: skip


def answer(**fields: Any) -> Feedback:
    return Feedback(user_id="U1", session_id="tue", at=START, **fields)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    row = next(b for b in blocks if b["type"] == "actions")
    return {e["action_id"]: e for e in row["elements"]}


def test_the_request_asks_with_five_ratings_didnt_attend_and_a_reflection() -> None:
    message = feedback_message(SESSION)
    assert_valid_message(message.blocks, message.text)
    assert block_problems(message.blocks, limit=50) == []
    lead = message.blocks[0]["text"]["text"]
    assert lead.startswith(":speech_balloon: How useful was *Racism &amp; &lt;practice&gt;*?")
    found = buttons(message.blocks)
    assert list(found) == [*ids.FEEDBACK_RATINGS, ids.FEEDBACK_ABSENT, ids.FEEDBACK_REFLECT]
    assert [found[a]["text"]["text"] for a in ids.FEEDBACK_RATINGS] == ["1", "2", "3", "4", "5"]
    assert found[ids.FEEDBACK_ABSENT]["text"]["text"] == "Didn't attend"
    assert found[ids.FEEDBACK_REFLECT]["text"]["text"] == "Add a reflection"
    assert {e["value"] for e in found.values()} == {"tue"}
    assert not any("style" in e for e in found.values())
    assert message.text.startswith("How useful was Racism &amp; &lt;practice&gt;?")


def test_the_answer_given_is_shown_and_highlighted() -> None:
    message = feedback_message(SESSION, feedback=answer(rating=4, learnt="A lot"))
    assert_valid_message(message.blocks, message.text)
    found = buttons(message.blocks)
    assert [a for a, e in found.items() if e.get("style") == "primary"] == ["feedback_4"]
    assert found[ids.FEEDBACK_REFLECT]["text"]["text"] == "Edit your reflection"
    said = message.blocks[-1]["elements"][0]["text"]
    assert said.startswith("You rated it 4 of 5. Thank you!")
    assert "reflection is saved" in said and "You rated it 4 of 5" in message.text

    absent = feedback_message(SESSION, feedback=answer(attended=False))
    assert [a for a, e in buttons(absent.blocks).items() if e.get("style")] == [ids.FEEDBACK_ABSENT]
    assert "didn't attend" in absent.blocks[-1]["elements"][0]["text"]


def test_the_reflection_modal_is_valid_and_filled_in_with_the_last_one() -> None:
    empty = reflection_modal(SESSION, feedback=None)
    assert view_problems(empty) == []
    assert empty["callback_id"] == ids.FEEDBACK_REFLECTION_VIEW
    assert json.loads(empty["private_metadata"]) == {"s": "tue"}  # nothing of where it was
    assert read_reflection_metadata(empty["private_metadata"]) == "tue"
    inputs = {b["block_id"]: b for b in empty["blocks"] if b["type"] == "input"}
    assert list(inputs) == [ids.FEEDBACK_LEARNT, ids.FEEDBACK_CHANGE, ids.FEEDBACK_SHARE]
    learnt = inputs[ids.FEEDBACK_LEARNT]["element"]
    assert learnt["multiline"] and learnt["action_id"] == ids.FEEDBACK_LEARNT
    assert "initial_value" not in learnt
    share = inputs[ids.FEEDBACK_SHARE]["element"]
    assert share["options"][0]["text"]["text"] == (
        "Share what I learnt with the organisers (without my name)"
    )
    assert "initial_options" not in share

    filled = reflection_modal(SESSION, feedback=answer(learnt="x", change="y", share=True))
    assert view_problems(filled) == []
    inputs = {b["block_id"]: b["element"] for b in filled["blocks"] if b["type"] == "input"}
    assert inputs[ids.FEEDBACK_LEARNT]["initial_value"] == "x"
    assert inputs[ids.FEEDBACK_CHANGE]["initial_value"] == "y"
    assert inputs[ids.FEEDBACK_SHARE]["initial_options"][0]["value"] == SHARE_OPTION
    assert read_reflection_metadata(filled["private_metadata"]) == "tue"


def test_metadata_that_is_not_ours_is_refused() -> None:
    for text in ("", "{}", "[1]", "not json"):
        with pytest.raises(ValueError):
            read_reflection_metadata(text)


def row(n: int, **fields: Any) -> CpdRow:
    start = START + timedelta(hours=n)
    base: dict[str, Any] = {"session_id": f"s{n}", "title": f"Session {n}", "start": start,
                            "end": start + timedelta(hours=1), "hours": 1.0, "provider": "BASW",
                            "type": ""}  # fmt: skip
    return CpdRow(**(base | fields))


def test_the_cpd_record_lists_sessions_hours_providers_and_reflections() -> None:
    rows = [row(1, hours=1.5, learnt="Listening <well>", change="More time"), row(2)]
    message = cpd_message(rows, event="Social Work Week 2023")
    assert_valid_message(message.blocks, message.text)
    assert message.text == "Your CPD record: 2 sessions, 2.5 hours."
    text = json.dumps(message.blocks)
    assert "*Social Work Week 2023*: 2 sessions, 2.5 hours of CPD in all." in text
    first = message.blocks[2]["text"]["text"]
    assert first.startswith("*Session 1*\n<!date^")
    assert "· 1.5 hours · BASW" in first
    assert "*What I learnt:* Listening &lt;well&gt;" in first
    assert "*How it will change my practice:* More time" in first
    assert "No reflection yet" in message.blocks[3]["text"]["text"]
    assert buttons(message.blocks)[ids.CPD_SEND]["text"]["text"] == "Send me this as files"


def test_an_empty_record_says_so_kindly_without_a_button() -> None:
    message = cpd_message([], event="SWW")
    assert_valid_message(message.blocks, message.text)
    assert message.text == NO_RECORD
    assert all(b["type"] != "actions" for b in message.blocks)


def test_a_long_record_stays_within_the_block_limit() -> None:
    message = cpd_message([row(n) for n in range(80)], event="SWW")
    assert_valid_message(message.blocks, message.text)
    assert "…and 35 more: the files have them all." in json.dumps(
        message.blocks, ensure_ascii=False
    )


def test_the_summary_shows_answers_mean_distribution_and_absences() -> None:
    summary = SessionSummary(SESSION, answers=6, ratings=(0, 1, 0, 1, 2), absent=1, shared=2)
    message = feedback_summary_message([summary], LONDON)
    assert_valid_message(message.blocks, message.text)
    line = message.blocks[1]["text"]["text"]
    assert line == (
        "*Racism &amp; &lt;practice&gt;* · Tue 21 Mar\n6 answers · mean 4.0 of 5 from 4 · "
        "5★ 2 · 4★ 1 · 3★ 0 · 2★ 1 · 1★ 0 · didn't attend 1"
    )
    assert "2 reflections were shared with you" in message.text
    assert distribution((1, 2, 3, 4, 5)) == "5★ 5 · 4★ 4 · 3★ 3 · 2★ 2 · 1★ 1"


def test_no_feedback_and_many_sessions() -> None:
    assert feedback_summary_message([], LONDON).text.startswith("No feedback yet")
    quiet = SessionSummary(SESSION, answers=1, ratings=(0, 0, 0, 0, 0), absent=1, shared=0)
    message = feedback_summary_message([quiet] * 60, LONDON)
    assert_valid_message(message.blocks, message.text)
    assert "no ratings" in message.blocks[1]["text"]["text"]
    assert "Nobody has shared a reflection yet." in message.text
    assert "…and 13 more sessions with answers." in json.dumps(message.blocks, ensure_ascii=False)
