"""The help, the hints and the Home tab speak of the programme in force: its own name, a day it
has, a topic and a speaker it has, and words `/register` takes. Checked on the shipped
programme, on two real programmes of other events (PyConFR 2024, and the Precision Nutrition
Forum's CSV imported with the bot's importer), and on a one-day Saturday event; and the
examples are typed back to show they work."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.current import CurrentProgramme
from bot.current.choice import the_one
from bot.current.examples import Examples
from bot.programme import Programme, load_programme
from bot.programme.loader import parse_programme
from tests.answers.test_questions import dm
from tests.conftest import ROOT, Clock, RunningBot
from tests.importing.helpers import convert_file
from tests.listeners.helpers import ack_body, first_text, titles

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Words of the shipped programme that no other event's help may say.
SHIPPED = ("Social Work Week", "racism", "Rebekah", "Pierre", "stereotypes", "headline")
PNF = "Precision Nutrition Forum 2022"


def shipped() -> Programme:
    return load_programme(ROOT / "programme.json")[0]


def pyconfr() -> Programme:
    return load_programme(ROOT / "tests/data/pyconfr-2024.json")[0]


def pnf() -> Programme:
    """The Precision Nutrition Forum's CSV, imported as `python -m bot import` does."""
    result = convert_file("pnf-2022-program.csv", timezone="Europe/Stockholm", event_name=PNF)
    assert result.text is not None
    return parse_programme(result.text)[0]


def saturday() -> Programme:
    """A one-day event on a Saturday, with tags and a speaker."""
    return parse_programme(json.dumps(SATURDAY))[0]


SATURDAY: dict[str, Any] = {
    "event": {"name": "Northern Care Day", "timezone": "Europe/London"},
    "sessions": [
        {
            "id": "open",
            "title": "Opening: care in the north",
            "start": "2024-05-18T10:00",
            "end": "2024-05-18T11:00",
            "tags": ["community"],
            "speakers": [{"name": "Amira Shah"}],
        },
        {
            "id": "carers",
            "title": "Young carers at school",
            "start": "2024-05-18T11:30",
            "end": "2024-05-18T12:30",
            "tags": ["young carers", "community"],
            "description": "x" * 900,
        },
        {
            "id": "close",
            "title": "Closing circle",
            "start": "2024-05-18T15:00",
            "end": "2024-05-18T16:00",
            "tags": ["reflection"],
            "speakers": [{"name": "Tom Ellis"}],
        },
    ],
}


def examples_of(programme: Programme) -> tuple[Examples, CurrentProgramme]:
    current = CurrentProgramme(programme)
    return current.examples, current


@pytest.mark.parametrize("programme", [shipped, pyconfr, pnf, saturday])
def test_the_examples_are_the_programmes_own_and_work(programme: Any) -> None:
    loaded: Programme = programme()
    examples, current = examples_of(loaded)
    answerer = current.answerer
    now = datetime.combine(loaded.days[0], datetime.min.time(), loaded.tz)
    assert examples.event == loaded.event.name
    days = {WEEKDAYS[day.weekday()] for day in loaded.days}
    assert examples.day in days
    assert examples.part.split()[0] in days and examples.clock.endswith(f"on {examples.day}")
    asked = (examples.day, examples.date, examples.part, examples.clock, examples.topic)
    for words in (*asked, examples.format, examples.kind or examples.topic):
        answer = answerer.answer(words, now=now)
        assert answer.kind == "sessions" and answer.sessions, words
    assert answerer.answer(examples.overview, now=now).kind == "overview"
    speakers = {speaker.name for s in loaded.sessions for speaker in s.speakers}
    assert examples.speaker in speakers
    assert examples.speaker is not None
    assert answerer.answer(examples.speaker, now=now).sessions
    # `/register` takes the example at its word: it names one session outright.
    by_id = loaded.find_id(examples.register)
    assert the_one(answerer.answer(examples.register, now=now), answerer, by_id=by_id)
    if examples.speaker_registers:
        assert the_one(answerer.answer(examples.speaker, now=now), answerer)


def test_the_shipped_programmes_examples() -> None:
    examples, _ = examples_of(shipped())
    assert (examples.event, examples.day, examples.date) == (
        "Social Work Week 2023",
        "wednesday",
        "22 March",
    )
    assert (examples.topic, examples.speaker, examples.kind) == (
        "wellbeing",
        "Rebekah Pierre",
        "headline",
    )
    assert examples.speaker_registers and examples.overview == "this week"


def test_a_one_day_saturday_event_is_asked_about_on_saturday() -> None:
    examples, _ = examples_of(saturday())
    assert (examples.day, examples.date, examples.overview) == ("saturday", "18 May", "this event")
    assert examples.speaker in {"Amira Shah", "Tom Ellis"}
    assert examples.topic == "community"


@pytest.fixture
def programme_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The programme named by the test's parameter, as the bot loads it."""
    name = getattr(request, "param", "pyconfr")
    if name == "pyconfr":
        return ROOT / "tests/data/pyconfr-2024.json"
    path = tmp_path / "programme.json"
    if name == "pnf":
        result = convert_file("pnf-2022-program.csv", timezone="Europe/Stockholm", event_name=PNF)
        assert result.text is not None
        path.write_text(result.text)
    else:
        path.write_text(json.dumps(SATURDAY))
    return path


@pytest.fixture
def clock(programme_path: Path) -> Clock:
    """Before the event, so nothing in it has taken place yet."""
    programme = load_programme(programme_path)[0]
    return Clock(datetime.combine(programme.days[0], datetime.min.time(), ZoneInfo("UTC")))


def weekdays_named(text: str) -> set[str]:
    return {day for day in WEEKDAYS if re.search(rf"\b{day}\b", text, re.IGNORECASE)}


def assert_names_only(text: str, programme: Programme) -> None:
    """`text` names the programme's own event and days, and nothing of the shipped week."""
    assert programme.event.name in text
    assert weekdays_named(text) <= {WEEKDAYS[day.weekday()] for day in programme.days}, text
    for word in SHIPPED:
        assert word.lower() not in text.lower(), (word, text)


@pytest.mark.parametrize("programme_path", ["pyconfr", "pnf", "saturday"], indirect=True)
def test_help_hints_and_home_speak_of_the_event_in_force(bot: RunningBot) -> None:
    programme = bot.parts.current.programme
    examples = bot.parts.current.examples
    assert examples.speaker is not None

    helped = ack_body(bot.send.command("/sessions", "help"))
    shown = helped["blocks"][0]["text"]["text"]
    assert shown.startswith(f"*Ask me about the sessions of {programme.event.name}*")
    assert_names_only(shown + helped["text"], programme)
    for words in (examples.day, examples.topic, examples.speaker):
        assert f"`/sessions {words}`" in shown
    assert f"`/register {examples.register}`" in shown

    nothing = ack_body(bot.send.command("/sessions", "quantum chromodynamics"))
    hint = nothing["blocks"][-1]["elements"][0]["text"]
    assert hint == (
        f"Try `/sessions {examples.day}`, `/sessions {examples.topic}`, `/sessions now`"
        " or `/sessions help`."
    )
    assert_names_only(json.dumps(nothing, ensure_ascii=False) + programme.event.name, programme)

    hello = ack_body(bot.send.command("/sessions", "hi"))
    assert_names_only(json.dumps(hello, ensure_ascii=False), programme)

    glance = ack_body(bot.send.command("/sessions", "what's on this week?"))
    assert glance["blocks"][-1]["elements"][0]["text"] == (
        f"Ask about a day: `/sessions {examples.day}`, or a topic: `/sessions {examples.topic}`."
    )
    assert_names_only(json.dumps(glance, ensure_ascii=False), programme)

    how = ack_body(bot.send.command("/register", "", user_id="U1"))
    assert f"/register {examples.register}" in how["text"]
    assert_names_only(how["text"] + programme.event.name, programme)

    bot.send.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    (publish,) = bot.slack.wait_for("views.publish")
    home = json.dumps(publish.args["view"], ensure_ascii=False)
    assert f"Ask me anything about {programme.event.name}" in home
    assert f"/register {examples.register}" in home
    assert_names_only(home, programme)


@pytest.mark.parametrize("programme_path", ["pyconfr", "pnf", "saturday"], indirect=True)
def test_the_examples_typed_back_answer_and_register(bot: RunningBot) -> None:
    examples = bot.parts.current.examples
    assert examples.speaker is not None
    for words in (examples.day, examples.date, examples.topic, examples.speaker):
        assert titles(ack_body(bot.send.command("/sessions", words))), words
    registered = ack_body(bot.send.command("/register", examples.register, user_id="U1"))
    assert first_text(registered).startswith(":white_check_mark: You're registered for")
    assert len(bot.store.seats_of(user_id="U1")) == 1
    # As the help suggests, asked in a DM.
    bot.send.event(dm(f"sign me up for {examples.register}", user="U2"))
    (call,) = bot.slack.wait_for("chat.postMessage")
    assert first_text(call.args).startswith(":white_check_mark: You're registered for")
    assert bot.store.seats_of(user_id="U2").keys() == bot.store.seats_of(user_id="U1").keys()


def test_no_code_names_the_shipped_programmes_event_sessions_or_speakers() -> None:
    """The words the bot says come from the programme in force, not from its code."""
    programme = shipped()
    names = {"Social Work Week", *(s.title for s in programme.sessions)}
    names |= {sp.name for s in programme.sessions for sp in s.speakers if " " in sp.name}
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not [name for name in names if name in source], path
