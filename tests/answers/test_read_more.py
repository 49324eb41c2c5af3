"""Replies fit a phone: the one session an answer is about shows about 300 characters of its
description, and "Read more" redraws the reply in place with all of it. The builders are
checked without Slack; the button end to end through the real app."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.answers.messages import answer_message
from bot.blocks import ids
from bot.blocks.formatting import Message
from bot.blocks.kit import SECTION_LIMIT
from bot.blocks.values import Origin, read_button_value
from bot.current.examples import examples_for
from bot.programme import Programme
from bot.registrations.sessions import MAX_DESCRIPTION_SECTIONS, SHORT_DESCRIPTION
from tests.answers.test_messages import ASKED, assert_valid_reply, at, held
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, button_in, first_text, session_buttons, titles
from tests.registrations.test_sessions import LONDON, make_programme

WORDS = " ".join(f"word{n}" for n in range(400))  # about 3,000 characters, each word unique
LONG = held("long", "Supervision in depth", at(1, 10), description=WORDS)
SHORT = held("short", "Short and sweet", at(1, 12), description="Two lines about it.")
TWICE = (
    held("twice-1", "Tutorial twice", at(1, 9), description=WORDS),
    held("twice-2", "Tutorial twice", at(2, 9), description=WORDS),
)


def reply(programme: Programme, question: str, *, more: bool = False) -> Message:
    answerer = Answerer(programme)
    message = answer_message(
        answerer.answer(question, now=ASKED),
        LONDON,
        asked_at=ASKED.timestamp(),
        more=more,
        examples=examples_for(programme, answerer),
    )
    assert_valid_reply(message)
    return message


def readable(payload: dict[str, Any]) -> str:
    """What the sections say, lines joined, without the "Add to calendar" links (whose
    addresses carry the description too)."""
    lines = [
        line
        for b in payload["blocks"]
        if b["type"] == "section"
        for line in b["text"]["text"].splitlines()
        if not line.startswith("Add to calendar:")
    ]
    return " ".join(lines)


def description_shown(message: Message) -> str:
    return readable(as_payload(message))


def elements(message: Message) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def test_the_one_session_shows_300_characters_and_read_more() -> None:
    message = reply(make_programme(LONG, SHORT), "supervision in depth")
    (details,) = [b for b in message.blocks if b["type"] == "section"]
    lines = details["text"]["text"].splitlines()
    description = next(line for line in lines if line.startswith("word0 "))
    assert len(description) <= SHORT_DESCRIPTION and description.endswith("…")
    assert description[:-1].split()[-1] in WORDS.split()  # ended between words
    assert "word100 " not in details["text"]["text"]
    (more,) = elements(message)
    assert more["action_id"] == ids.SESSION_MORE
    assert more["text"]["text"] == "Read more"
    origin, _ = read_button_value(more["value"])
    assert origin == Origin("answer", "supervision in depth", 0, round(ASKED.timestamp()), True)


def test_read_more_shows_the_whole_description_and_no_button() -> None:
    message = reply(make_programme(LONG, SHORT), "supervision in depth", more=True)
    shown = description_shown(message)
    assert all(word in shown.split() for word in WORDS.split())
    assert "…" not in shown
    assert elements(message) == []
    # The Register button remembers it: registering redraws the reply with it all still shown.
    register = message.blocks[1]["accessory"]
    assert read_button_value(register["value"])[0].more is True


def test_a_short_description_is_shown_whole_without_a_button() -> None:
    message = reply(make_programme(LONG, SHORT), "short and sweet")
    assert "Two lines about it." in first_text(as_payload(message))
    assert elements(message) == []


def test_a_description_a_few_words_over_is_shown_whole() -> None:
    nearly = held("nearly", "Nearly short", at(1, 12), description="x " * 160)  # 320 characters
    message = reply(make_programme(nearly), "nearly short")
    assert ("x " * 159 + "x") in first_text(as_payload(message))
    assert elements(message) == []


def test_a_list_of_sessions_shows_no_descriptions() -> None:
    message = reply(make_programme(LONG, SHORT), "tuesday")
    assert titles(as_payload(message)) == ["Supervision in depth", "Short and sweet"]
    shown = description_shown(message)
    assert "word0" not in shown and "Two lines" not in shown
    assert not any(e["action_id"] == ids.SESSION_MORE for e in elements(message))


def test_a_session_held_twice_has_read_more_beside_its_register_buttons() -> None:
    message = reply(make_programme(*TWICE), "tutorial twice")
    assert [e["text"]["text"] for e in elements(message)] == [
        "Register · Tue 21 Mar, 09:00",
        "Register · Wed 22 Mar, 09:00",
        "Read more",
    ]
    opened = reply(make_programme(*TWICE), "tutorial twice", more=True)
    assert [b["type"] for b in opened.blocks][-3:] == ["section", "section", "actions"]
    assert [e["text"]["text"] for e in elements(opened)][-1] != "Read more"


def test_a_very_long_description_stays_within_block_kit_limits() -> None:
    huge = " ".join(f"w{n}" for n in range(4000)) + " & <https://example.org|a link>"  # 20,000
    session = held("huge", "Everything about it", at(1, 10), description=huge)
    message = reply(make_programme(session), "everything about it", more=True)
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert 1 < len(sections) <= 1 + MAX_DESCRIPTION_SECTIONS
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in sections)
    assert sections[-1]["text"]["text"].endswith("…")
    assert all(len(e["value"]) <= 2000 for e in elements(message))


def as_payload(message: Message) -> dict[str, Any]:
    return {"text": message.text, "blocks": message.blocks}


# --- end to end: the button redraws the reply in place -------------------------------------------


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    start = LONG.start.replace(tzinfo=None)

    def session(number: int, title: str, description: str, **more: object) -> dict[str, Any]:
        begins = start + timedelta(hours=number)
        return {
            "id": f"s{number}",
            "title": title,
            "start": begins.isoformat(),
            "end": (begins + timedelta(hours=1)).isoformat(),
            "description": description,
        } | more

    sessions = [
        session(1, "Supervision in depth", WORDS, capacity=20),
        session(2, "Short and sweet", "Two lines about it."),
    ]
    path = tmp_path / "programme.json"
    event = {"name": "Practice day", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": sessions}))
    return path


def test_read_more_redraws_the_reply_in_place_and_registering_keeps_it(bot: RunningBot) -> None:
    bot.clock.now = ASKED
    first = ack_body(bot.send.command("/sessions", "supervision in depth", user_id="U1"))
    assert "word0 " in readable(first) and "word100 " not in readable(first)
    more = button_in(first, ids.SESSION_MORE)

    url = bot.slack.response_url("more")
    press = {**more, "type": "button", "block_id": "b"}
    assert bot.send.action([press], user_id="U1", response_url=url).status == 200
    (response,) = bot.slack.wait_for_response()
    assert response.payload["replace_original"] is True
    whole = readable(response.payload)
    assert all(word in whole.split() for word in WORDS.split())
    assert ids.SESSION_MORE not in json.dumps(response.payload)

    register = session_buttons(response.payload)["Supervision in depth"]
    bot.send.action([{**register, "block_id": "b"}], user_id="U1", response_url=url)
    second = bot.slack.wait_for_response(count=2)[1]
    assert "You're registered for *Supervision in depth*" in first_text(second.payload)
    assert "word399" in readable(second.payload).split()  # still all of it
    assert bot.store.registrants(session_id="s1") == ["U1"]
