"""The questions quoted in the answering issue, asked of the real app both ways a person asks
them: as `/sessions <question>` (answered in the acknowledgement) and in a direct message
(answered with chat.postMessage). The shipped programme, at the default clock: Tuesday
21 March 2023, 13:00 in London. The fake Slack checks every posted message against Slack's
rules, and `ack_body` checks every acknowledgement."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from bot.programme import load_programme
from tests.conftest import LONDON, ROOT, RunningBot
from tests.listeners.helpers import ack_body, first_text, session_buttons
from tests.support.shipped import COURT, FRIDAY, IN_PERSON, TUESDAY

USER = "U1"
DM_CHANNEL = "D0U1"
VIA = ["/sessions", "DM"]

COURT_ID = "fri-court-skills"
WEEK = [
    "20 March–24 March 2023",
    "*Mon 20 Mar* · 5 sessions",
    "*Tue 21 Mar* · World Social Work Day · 4 sessions",
    "*Wed 22 Mar* · 6 sessions",
    "*Thu 23 Mar* · 4 sessions",
    "*Fri 24 Mar* · 5 sessions",
]


@dataclass(frozen=True)
class Expected:
    """What the reply to `question` shows: its header (not checked when None), exactly these
    sessions in this order (none: an empty list), and these fragments of its text, in order."""

    question: str
    header: str | None
    sessions: list[str]
    fragments: list[str] = field(default_factory=list)


def nothing_about(topic: str) -> Expected:
    return Expected(topic, None, [], [f"I couldn't find a session about “{topic}”."])


QUESTIONS = [
    Expected("anything in person?", "All days, in person", IN_PERSON),
    Expected("how do I join?", "Joining sessions", [], ["“Join online” link"]),
    Expected("when does the week start?", "Social Work Week 2023", [], WEEK),
    Expected("what's on this week?", "Social Work Week 2023", [], WEEK),
    Expected("hi", None, [], ["Hello!", "Ask me about the sessions of Social Work Week 2023"]),
    Expected(
        "what am I registered for?",
        "Your sessions",
        [],
        ["You haven't registered for any sessions yet."],
    ),
    Expected(
        "what's on at 2pm on thursday?",
        "On at 14:00, Thursday 23 March",
        ["Recording CPD that reflects your practice"],
    ),
    Expected("24th", "Friday 24 March", FRIDAY),
    Expected(
        "last session on friday",
        "Last session, Friday 24 March",
        ["End-of-week peer support circle"],
    ),
    Expected(
        "saturday",
        None,
        [],
        [
            "Social Work Week 2023 has no sessions on a Saturday.",
            "Its days are Monday, Tuesday, Wednesday, Thursday, Friday",
            "Mon 20 Mar, Tue 21 Mar, Wed 22 Mar, Thu 23 Mar, Fri 24 Mar",
        ],
    ),
    Expected("World Social Work Day", "Tuesday 21 March · World Social Work Day", TUESDAY),
    nothing_about("opera singing"),
    nothing_about("mountain climbing"),
    nothing_about("sourdough baking"),
    nothing_about("tax returns for farmers"),
]


# --- Asking, and reading the reply ---------------------------------------------------------------


def ask(bot: RunningBot, via: str, question: str, user: str = USER) -> dict[str, Any]:
    """The bot's reply to `question`, asked with /sessions or in a DM."""
    if via == "/sessions":
        reply = ack_body(bot.send.command("/sessions", question, user_id=user))
        assert reply["response_type"] == "ephemeral"
        return reply
    before = len(bot.slack.calls_to("chat.postMessage"))
    now = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": DM_CHANNEL,
        "user": user,
        "text": question,
        "ts": now,
        "event_ts": now,
    }
    assert bot.send.event(event).status == 200
    call = bot.slack.wait_for("chat.postMessage", before + 1)[before]
    assert call.args["channel"] == DM_CHANNEL
    args: dict[str, Any] = call.args
    return args


def header(message: dict[str, Any]) -> str | None:
    """The text of the reply's header block, if it starts with one."""
    first = message["blocks"][0]
    return str(first["text"]["text"]) if first["type"] == "header" else None


def texts(message: dict[str, Any]) -> Iterator[str]:
    """Every piece of mrkdwn or plain text shown, block by block."""
    for block in message["blocks"]:
        if "text" in block:
            yield block["text"]["text"]
        for element in block.get("elements", []):
            if "text" in element:
                text = element["text"]
                yield text["text"] if isinstance(text, dict) else text


def shown(message: dict[str, Any]) -> str:
    """All the reply's text, as mrkdwn."""
    return "\n".join(texts(message))


def assert_in_order(text: str, fragments: list[str]) -> None:
    """Each fragment is in `text`, after the one before it."""
    position = 0
    for fragment in fragments:
        found = text.find(fragment, position)
        assert found >= 0, f"{fragment!r} not found (in this order) in:\n{text}"
        position = found + len(fragment)


def buttons(message: dict[str, Any]) -> list[str]:
    """The labels of every button in the reply."""
    found = []
    for block in message["blocks"]:
        for element in [block.get("accessory") or {}, *block.get("elements", [])]:
            if element.get("type") == "button":
                found.append(element["text"]["text"])
    return found


def cards(message: dict[str, Any]) -> dict[str, str]:
    """Each listed session's section text, by title: a bold title, then its date and time."""
    found = {}
    for block in message["blocks"]:
        if block["type"] == "section":
            text = block["text"]["text"]
            first, _, rest = text.partition("\n")
            if first.startswith("*") and first.endswith("*") and rest.startswith("<!date^"):
                found[first.strip("*").replace("&amp;", "&")] = text
    return found


# --- The questions ------------------------------------------------------------------------------


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("expected", QUESTIONS, ids=lambda e: e.question)
def test_each_question_is_answered_as_the_issue_describes(
    bot: RunningBot, via: str, expected: Expected
) -> None:
    reply = ask(bot, via, expected.question)
    if expected.header is not None:
        assert header(reply) == expected.header
    assert list(cards(reply)) == expected.sessions
    if not expected.sessions:
        assert "Register" not in buttons(reply)
    assert_in_order(shown(reply), expected.fragments)
    assert reply["text"]


@pytest.mark.parametrize("via", VIA)
def test_hi_is_a_greeting_followed_by_the_help(bot: RunningBot, via: str) -> None:
    help_blocks = ack_body(bot.send.command("/sessions", "help"))["blocks"]
    reply = ask(bot, via, "hi")
    assert reply["blocks"][0]["text"]["text"].startswith("Hello!")
    assert reply["blocks"][-len(help_blocks) :] == help_blocks


@pytest.mark.parametrize("via", VIA)
def test_what_am_i_registered_for_is_my_agenda(bot: RunningBot, via: str) -> None:
    registered = ack_body(bot.send.command("/register", "court", user_id=USER))
    assert "You're registered" in shown(registered)
    agenda = ack_body(bot.send.command("/mysessions", user_id=USER))
    reply = ask(bot, via, "what am I registered for?")
    assert COURT in shown(reply)
    assert "You haven't registered" not in shown(reply)
    assert reply["blocks"] == agenda["blocks"]


# --- Places, and sessions that have ended -------------------------------------------------------


def register(bot: RunningBot, count: int) -> None:
    """Register `count` people for the court session (30 places): the 31st waits."""
    for n in range(count):
        bot.store.register(user_id=f"UPLACE{n:02}", session_id=COURT_ID, capacity=30)


@pytest.mark.parametrize("via", VIA)
def test_is_the_court_session_full_with_places_left(bot: RunningBot, via: str) -> None:
    register(bot, 2)
    reply = ask(bot, via, "is the court session full?")
    assert list(cards(reply))[0] == COURT
    assert first_text(reply) == f"*{COURT}* has 28 of 30 places left."
    assert "_28 of 30 places left_" in cards(reply)[COURT]
    assert "Register" in buttons(reply)


@pytest.mark.parametrize("via", VIA)
def test_is_the_court_session_full_when_it_is(bot: RunningBot, via: str) -> None:
    register(bot, 31)
    assert len(bot.store.registrants(session_id=COURT_ID)) == 30
    assert len(bot.store.waitlist(session_id=COURT_ID)) == 1
    reply = ask(bot, via, "is the court session full?")
    assert list(cards(reply))[0] == COURT
    assert first_text(reply).startswith(f"*{COURT}* is full, with 1 on the waitlist")
    assert "_Full · 1 on the waitlist_" in cards(reply)[COURT]


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("question", ["anything in person?", "24th", "World Social Work Day"])
def test_every_listed_session_with_a_capacity_shows_its_places(
    bot: RunningBot, via: str, question: str
) -> None:
    register(bot, 2)
    programme, _ = load_programme(ROOT / "programme.json")
    by_title = {session.title: session for session in programme.sessions}
    now = bot.clock()
    listed = cards(ask(bot, via, question))
    assert listed
    for title, card in listed.items():
        session = by_title[title]
        if session.end <= now:
            assert "_Already taken place_" in card, card
        elif session.capacity:
            taken = 2 if session.id == COURT_ID else 0
            left = session.capacity - taken
            assert f"_{left} of {session.capacity} places left_" in card, card
        else:
            assert "places left" not in card, card


@pytest.mark.parametrize("via", VIA)
def test_a_session_that_has_ended_has_taken_place_and_no_register_button(
    bot: RunningBot, via: str
) -> None:
    bot.clock.now = datetime(2023, 3, 24, 17, 0, tzinfo=LONDON)
    reply = ask(bot, via, "court")
    assert list(cards(reply)) == [COURT]
    assert "_Already taken place_" in cards(reply)[COURT]
    assert COURT not in session_buttons(reply)
    assert "Register" not in buttons(reply)
