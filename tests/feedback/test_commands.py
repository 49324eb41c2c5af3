"""`/cpd`: the person's CPD record (sessions attended, hours, who ran them, reflections, the
total), privately; and "Send me this as files", whose CSV and Markdown are parsed back."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from bot.blocks import ids
from bot.feedback.buttons import SENT_FILES
from bot.feedback.cpd import CSV_HEADER
from bot.feedback.messages import NO_RECORD
from bot.records import Feedback
from tests.conftest import LONDON, RunningBot
from tests.listeners.helpers import ack_body, pressed

BEFORE = datetime(2023, 3, 20, 9, 0, tzinfo=LONDON)
WORKFORCE = "mon-workforce"  # Mon 12:30–13:30, hosted by Social Work England
ASYE = "mon-asye"  # Mon 14:00–15:30
EVENT = "Social Work Week 2023"


def attend(bot: RunningBot, session_id: str, at: datetime = BEFORE) -> None:
    bot.store.register(user_id="U1", session_id=session_id, capacity=None, at=at)


def reflect(bot: RunningBot, session_id: str, **fields: Any) -> None:
    bot.store.save_feedback(
        feedback=Feedback(user_id="U1", session_id=session_id, at=BEFORE, **fields)
    )


def week_of_u1(bot: RunningBot) -> None:
    attend(bot, WORKFORCE)
    attend(bot, ASYE)
    reflect(bot, ASYE, rating=5, learnt="=SUM(A1) & <b>", change="- supervise weekly")
    attend(bot, "tue-amhp", datetime(2023, 3, 21, 9, 45, tzinfo=LONDON))  # joined late
    attend(bot, "tue-racism")  # not over at 13:00 on Tuesday


def test_cpd_lists_each_session_attended_with_hours_host_and_reflection(bot: RunningBot) -> None:
    programme = bot.parts.current.programme
    week_of_u1(bot)
    reply = ack_body(bot.send.command("/cpd", user_id="U1"))
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Your CPD record: 2 sessions, 2.5 hours."
    blocks = reply["blocks"]
    assert blocks[0]["text"]["text"] == "Your CPD record"
    assert blocks[1]["text"]["text"] == f"*{EVENT}*: 2 sessions, 2.5 hours of CPD in all."
    workforce, asye = blocks[2]["text"]["text"], blocks[3]["text"]["text"]
    assert workforce.startswith(f"*{programme.by_id[WORKFORCE].title}*\n")
    assert "· 1 hour · Social Work England" in workforce
    assert "No reflection yet" in workforce
    assert asye.startswith(f"*{programme.by_id[ASYE].title}*\n")
    assert f"· 1.5 hours · {programme.by_id[ASYE].host}" in asye
    assert "*What I learnt:* =SUM(A1) &amp; &lt;b&gt;" in asye
    assert "*How it will change my practice:* - supervise weekly" in asye
    text = json.dumps(blocks)
    assert "AMHP" not in text and "Racism" not in text
    assert blocks[-1]["elements"][0]["action_id"] == ids.CPD_SEND


def test_send_me_this_as_files_sends_a_csv_and_a_markdown_document(bot: RunningBot) -> None:
    programme = bot.parts.current.programme
    week_of_u1(bot)
    reply = ack_body(bot.send.command("/cpd", user_id="U1"))
    send = reply["blocks"][-1]["elements"][0]
    url = bot.slack.response_url("cpd")
    assert bot.send.action([pressed(send)], user_id="U1", response_url=url).status == 200
    (complete,) = bot.slack.wait_for("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D1"  # their DM with the bot
    names = sorted(c.args["filename"] for c in bot.slack.calls_to("files.getUploadURLExternal"))
    assert names == ["cpd-record.csv", "cpd-record.md"]
    files = {content[:6]: content.decode() for content in bot.slack.uploads.values()}
    assert len(files) == 2

    rows = list(csv.reader(io.StringIO(files[b"Date,T"])))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1] == ["2023-03-20", "12:30–13:30 GMT", "1",
                       programme.by_id[WORKFORCE].title, programme.by_id[WORKFORCE].type or "",
                       "Social Work England", EVENT, "", ""]  # fmt: skip
    assert rows[2][:3] == ["2023-03-20", "14:00–15:30 GMT", "1.5"]
    assert rows[2][5] == programme.by_id[ASYE].host
    assert rows[2][7:] == ["'=SUM(A1) & <b>", "'- supervise weekly"]  # no formulas
    assert len(rows) == 3

    markdown = files[b"# CPD "]
    assert markdown.startswith(f"# CPD record: {EVENT}\n")
    assert "Total: 2.5 hours of CPD over 2 sessions." in markdown
    assert "- Date: Monday 20 March 2023" in markdown
    assert "- Time spent: 1.5 hours" in markdown
    assert "**What I learnt**\n\n\\=SUM(A1) & \\<b\\>\n" in markdown
    assert "**How it will change my practice**\n\n\\- supervise weekly\n" in markdown

    (told,) = bot.slack.wait_for_response()
    assert told.payload["text"] == SENT_FILES


def test_files_slack_refuses_are_apologised_for_and_the_record_is_kept(bot: RunningBot) -> None:
    week_of_u1(bot)
    reply = ack_body(bot.send.command("/cpd", user_id="U1"))
    refused = {"ok": False, "error": "not_allowed_token_type"}  # not one that a retry mends
    bot.slack.fail_next("files.getUploadURLExternal", status=200, body=refused)
    url = bot.slack.response_url("cpd")
    assert bot.send.action([pressed(reply["blocks"][-1]["elements"][0])], user_id="U1",
                           response_url=url).status == 200  # fmt: skip
    (apology,) = bot.slack.wait_for_response()
    assert apology.payload["text"].startswith("Sorry, something went wrong on my side.")
    assert bot.slack.uploads == {}
    assert bot.store.feedback_of(user_id="U1")[ASYE].learnt == "=SUM(A1) & <b>"
    again = ack_body(bot.send.command("/cpd", user_id="U1"))
    assert again["text"] == "Your CPD record: 2 sessions, 2.5 hours."


def test_no_sessions_attended_yet_is_said_kindly(bot: RunningBot) -> None:
    attend(bot, "tue-racism")  # registered, but it has not ended
    reply = ack_body(bot.send.command("/cpd", user_id="U1"))
    assert reply["text"] == NO_RECORD
    assert "haven't attended any sessions yet" in reply["text"]
    assert all(block["type"] != "actions" for block in reply["blocks"])
