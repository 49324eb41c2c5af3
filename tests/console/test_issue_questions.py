"""The questions quoted in the answering issue, asked in the offline console (`python -m bot
console`): one run fed every question, its answers read in order from stdout. The console runs
on the real clock, so every session of the shipped 2023 programme has already taken place."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT
from tests.support.shipped import COURT, FRIDAY, IN_PERSON, TUESDAY
from tests.test_main import run_bot

WEEK = [
    "Social Work Week 2023 =====",
    "20 March–24 March 2023",
    "Mon 20 Mar · 5 sessions",
    "Tue 21 Mar · World Social Work Day · 4 sessions",
    "Wed 22 Mar · 6 sessions",
    "Thu 23 Mar · 4 sessions",
    "Fri 24 Mar · 5 sessions",
]


@dataclass(frozen=True)
class Expected:
    """What typing `question` prints: `lines` in order (the first starts the answer) and,
    unless None, exactly these sessions in this order."""

    question: str
    lines: list[str]
    sessions: list[str] | None


def nothing_about(topic: str) -> Expected:
    return Expected(topic, [f"I couldn't find a session about “{topic}”."], [])


QUESTIONS = [
    Expected("anything in person?", ["All days, in person ====="], IN_PERSON),
    Expected("how do I join?", ["Joining sessions =====", "“Join online” link"], []),
    Expected("when does the week start?", WEEK, None),
    Expected("what's on this week?", WEEK, None),
    Expected("hi", ["Hello!", "Ask me about the sessions of Social Work Week 2023"], []),
    Expected(
        "what am I registered for?",
        ["Your sessions =====", "You haven't registered for any sessions yet."],
        [],
    ),
    Expected(
        "what's on at 2pm on thursday?",
        ["On at 14:00, Thursday 23 March ====="],
        ["Recording CPD that reflects your practice"],
    ),
    Expected("/sessions 24th", ["Friday 24 March ====="], FRIDAY),
    Expected(
        "last session on friday",
        ["Last session, Friday 24 March ====="],
        ["End-of-week peer support circle"],
    ),
    Expected(
        "/sessions saturday",
        [
            "Social Work Week 2023 has no sessions on a Saturday.",
            "Its days are Monday, Tuesday, Wednesday, Thursday, Friday",
            "Days with sessions: Mon 20 Mar, Tue 21 Mar, Wed 22 Mar, Thu 23 Mar, Fri 24 Mar",
        ],
        [],
    ),
    Expected("World Social Work Day", ["Tuesday 21 March · World Social Work Day ====="], TUESDAY),
    Expected("is the court session full?", [f"{COURT} has already taken place."], [COURT]),
    nothing_about("opera singing"),
    nothing_about("mountain climbing"),
    nothing_about("sourdough baking"),
    nothing_about("tax returns for farmers"),
    Expected("court", ["Sessions matching “court” =====", COURT, "Already taken place"], [COURT]),
]


def squeeze(text: str) -> str:
    """Runs of whitespace as one space, so wrapped lines read as one; a header's underline
    stays (`Joining sessions =====`), marking it as a header."""
    return " ".join(text.split())


def shown_in_order(text: str, titles: list[str]) -> list[str]:
    """The programme's titles that `text` shows, in the order it shows them."""
    return sorted((t for t in titles if t in text), key=text.index)


def test_the_issue_questions_in_the_console(tmp_path: Path) -> None:
    stdin = "".join(f"{expected.question}\n" for expected in QUESTIONS)
    result = run_bot(tmp_path, "console", stdin=stdin, COLUMNS="100")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    out = squeeze(result.stdout)

    # Each answer's lines, in order; an answer runs from its first line to the next one's.
    starts = []
    position = 0
    for expected in QUESTIONS:
        for number, line in enumerate(expected.lines):
            found = out.find(line, position)
            assert found >= 0, f"{expected.question!r}: {line!r} not in order in:\n{result.stdout}"
            if number == 0:
                starts.append(found)
            position = found + len(line)
    ends = [*starts[1:], len(out)]

    programme = json.loads((ROOT / "programme.json").read_text())
    titles = [session["title"] for session in programme["sessions"]]
    for expected, start, end in zip(QUESTIONS, starts, ends, strict=True):
        if expected.sessions is not None:
            answer = out[start:end]
            assert shown_in_order(answer, titles) == expected.sessions, (expected.question, answer)

    # On the real clock every session is over: none can be registered for.
    assert "Register]" not in result.stdout  # shown numbered, as `[1 Register]`
