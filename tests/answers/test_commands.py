"""`/sessions` end to end: signed slash commands to the real app over HTTP."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, titles

TUESDAY = [
    "The AMHP role today: practice under the Mental Health Act",
    "Racism in the workplace, in communities and in practice",
    "Safeguarding adults: self-neglect and making safeguarding personal",
    "Staying close: supporting care leavers into adulthood",
]


@pytest.mark.parametrize(
    "text", ["tuesday", "Tue", "tues", "tusday", "21 March", "21/03", "2023-03-21", "today", ""]
)
def test_sessions_for_a_day_lists_exactly_that_day(bot: RunningBot, text: str) -> None:
    reply = ack_body(bot.send.command("/sessions", text))
    assert reply["response_type"] == "ephemeral"
    assert titles(reply) == TUESDAY
    assert reply["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Tuesday 21 March · World Social Work Day",
            "emoji": True,
        },
    }
    assert reply["text"].startswith("Tuesday 21 March · World Social Work Day: 4 sessions.")
    assert "<!date^" in json.dumps(reply["blocks"])
    # Answered in the acknowledgement itself: no Web API call beyond the start-up auth.test.
    assert [call.method for call in bot.slack.calls] == ["auth.test"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("racism", ["Racism in the workplace, in communities and in practice"]),
        ("Rebekah Pierre", ["Smashing stereotypes in the profession"]),
        ("when is the LGBTQ+ session?", ["Improving social care with LGBTQ+ young people"]),
        ("thursday evening", ["Improving social care with LGBTQ+ young people"]),
    ],
)
def test_sessions_finds_topics_speakers_and_questions(
    bot: RunningBot, text: str, expected: list[str]
) -> None:
    assert titles(ack_body(bot.send.command("/sessions", text))) == expected


def test_nothing_found_is_plain_and_helpful(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/sessions", "quantum physics"))
    assert titles(reply) == []
    body = reply["blocks"][0]["text"]["text"]
    assert body.startswith("I couldn't find a session about “quantum physics”.")
    assert "Days with sessions:" in body and "Topics to try:" in body


def test_help(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/sessions", "help"))
    shown = reply["blocks"][0]["text"]["text"]
    assert shown.startswith("*Ask me about the sessions of Social Work Week 2023*")
    assert "`/sessions wednesday`" in shown and "`/sessions Rebekah Pierre`" in shown


def test_a_question_cannot_make_the_bot_mention_anyone(bot: RunningBot) -> None:
    for command, typed, echoed in (
        ("/sessions", "&lt;!here&gt; racism", None),
        ("/sessions", "&lt;@U999&gt; racism &lt;!channel&gt;", None),
        ("/register", "&lt;!here&gt; tuesday", "“&lt;!here&gt; tuesday”"),  # repeated, escaped
    ):
        reply = ack_body(bot.send.command(command, typed))
        # the header is plain text, where `<!here>` is just characters; the rest is mrkdwn
        shown = [block["text"]["text"] for block in reply["blocks"][1:] if "text" in block]
        mrkdwn = reply["text"] + json.dumps(shown)  # button values are never shown, so not checked
        assert "<!here>" not in mrkdwn and "<@U999>" not in mrkdwn and "<!channel>" not in mrkdwn
        assert echoed is None or echoed in mrkdwn


@pytest.mark.parametrize("command", ["/sessions", "/register", "/unregister"])
def test_control_characters_in_what_people_type_are_dropped(bot: RunningBot, command: str) -> None:
    reply = ack_body(bot.send.command(command, "racism" + "\x01" * 494 + "\x7f\x85"))
    assert "\\u0001" not in json.dumps(reply)
    assert "Racism in the workplace" in json.dumps(reply)


def test_the_same_question_at_the_same_moment_shows_each_person_their_own_places(
    bot: RunningBot,
) -> None:
    """Replies drawn once for many askers never show one person's registration to another,
    nor a count that has changed (the clock stands still here: the same second for all)."""
    ack_body(bot.send.command("/register", "racism", user_id="U1"))

    def buttons(user: str) -> list[str]:
        reply = ack_body(bot.send.command("/sessions", "tuesday", user_id=user))
        return [
            block["accessory"]["text"]["text"]
            for block in reply["blocks"]
            if block.get("accessory", {}).get("type") == "button"
        ]

    mine, theirs = buttons("U1"), buttons("U2")
    assert mine.count("Unregister") == 1 and "Unregister" not in theirs
    question = "safeguarding adults"  # 90 places
    before = json.dumps(ack_body(bot.send.command("/sessions", question, user_id="U3")))
    ack_body(bot.send.command("/register", question, user_id="U2"))
    after = json.dumps(ack_body(bot.send.command("/sessions", question, user_id="U3")))
    assert "90 of 90 places left" in before and "89 of 90 places left" in after


def test_a_reply_is_drawn_for_the_minute_it_is_asked_in(bot: RunningBot) -> None:
    """Times are shown to the minute, so within a minute the same question gets the same
    reply (drawn once), its buttons carry the minute, and a session is over from the minute
    it ends."""
    start = bot.clock()

    def asked(at: timedelta, question: str = "tuesday") -> dict[str, Any]:
        bot.clock.now = start + at
        return ack_body(bot.send.command("/sessions", question))

    early, late = asked(timedelta(seconds=5)), asked(timedelta(seconds=50))
    assert early == late
    values = [json.loads(b["accessory"]["value"]) for b in early["blocks"] if "accessory" in b]
    assert values and {value["t"] for value in values} == {int(start.timestamp())}
    assert asked(timedelta(minutes=1, seconds=5)) != late

    def racism(at: timedelta) -> str:
        reply = asked(at, "racism")
        return next(json.dumps(b) for b in reply["blocks"] if "Racism in the workplace" in str(b))

    ends = timedelta(hours=1)  # 12:30 to 14:00; the clock says 13:00
    assert "Already taken place" not in racism(ends - timedelta(seconds=1))
    assert "Already taken place" in racism(ends) and "Already taken place" in racism(
        ends + timedelta(seconds=59)
    )
