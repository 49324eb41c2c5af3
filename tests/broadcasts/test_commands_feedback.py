"""`/announce feedback`: per session the answers, mean rating, distribution and "didn't
attend"; the shared reflections as an anonymous CSV in the organiser's DM; organisers only."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from bot.feedback.summary import SHARED_HEADER
from bot.listeners.organisers import NOT_ORGANISER_COMMAND as NOT_ORGANISER
from bot.records import Feedback
from tests.conftest import LONDON, ORGANISER, RunningBot
from tests.listeners.helpers import ack_body

AT = datetime(2023, 3, 21, 11, 0, tzinfo=LONDON)


def answer(bot: RunningBot, user: str, session_id: str, **fields: Any) -> None:
    bot.store.save_feedback(feedback=Feedback(user_id=user, session_id=session_id, at=AT, **fields))


def answers(bot: RunningBot) -> None:
    answer(bot, "U1", "tue-amhp", rating=5, learnt="Know the Act", share=True)
    answer(bot, "U2", "tue-amhp", rating=5, learnt="Private thoughts", share=False)
    answer(bot, "U3", "tue-amhp", rating=4)
    answer(bot, "U4", "tue-amhp", rating=2, learnt="=cmd|' /C calc'!A0", share=True)
    answer(bot, "U5", "tue-amhp", attended=False)
    answer(bot, "U1", "mon-workforce", rating=3, learnt="Retention", share=True)


def test_organisers_see_counts_mean_and_distribution_per_session(bot: RunningBot) -> None:
    programme = bot.parts.current.programme
    answers(bot)
    reply = ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    assert reply["response_type"] == "ephemeral"
    blocks = reply["blocks"]
    assert blocks[0]["text"]["text"] == "Feedback by session"
    workforce, amhp = blocks[1]["text"]["text"], blocks[2]["text"]["text"]  # programme order
    assert workforce == (
        f"*{programme.by_id['mon-workforce'].title}* · Mon 20 Mar\n1 answer · mean 3.0 of 5 "
        "from 1 · 5★ 0 · 4★ 0 · 3★ 1 · 2★ 0 · 1★ 0 · didn't attend 0"
    )
    assert amhp.endswith(
        "\n5 answers · mean 4.0 of 5 from 4 · 5★ 2 · 4★ 1 · 3★ 0 · 2★ 1 · 1★ 0 · didn't attend 1"
    )
    assert "3 reflections were shared with you" in reply["text"]
    assert "U1" not in json.dumps(blocks)
    bot.slack.wait_for("files.completeUploadExternal")  # the CSV (below), sent afterwards


def test_the_csv_has_only_shared_reflections_and_no_user_ids(bot: RunningBot) -> None:
    answers(bot)
    ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    (complete,) = bot.slack.wait_for("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D0ORGANISER"
    (content,) = bot.slack.uploads.values()
    text = content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == SHARED_HEADER
    assert [(row[0], row[3]) for row in rows[1:]] == [
        ("mon-workforce", "Retention"),
        ("tue-amhp", "'=cmd|' /C calc'!A0"),  # defused, and in alphabetical order
        ("tue-amhp", "Know the Act"),
    ]
    assert "Private thoughts" not in text
    assert not any(f"U{n}" in text for n in range(1, 6))


def test_without_feedback_it_says_so_and_sends_no_file(bot: RunningBot) -> None:
    answer(bot, "U1", "tue-amhp", rating=4)  # rated, nothing shared
    reply = ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    assert "Nobody has shared a reflection yet." in reply["text"]
    assert bot.parts.settle()
    assert bot.slack.calls_to("files.getUploadURLExternal") == []


def test_no_answers_at_all(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    assert reply["text"] == "No feedback yet: nobody has answered for any session."


def test_a_non_organiser_is_refused_and_sent_nothing(bot: RunningBot) -> None:
    answers(bot)
    reply = ack_body(bot.send.command("/announce", "feedback", user_id="U1"))
    assert reply["text"] == NOT_ORGANISER
    assert "blocks" not in reply
    assert bot.parts.settle()
    assert bot.slack.calls_to("files.getUploadURLExternal") == []
    assert bot.slack.calls_to("conversations.open") == []


def test_help_lists_feedback(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/announce", "help", user_id=ORGANISER))
    assert any(line.startswith("`/announce feedback`:") for line in reply["text"].splitlines())
