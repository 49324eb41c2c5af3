"""Replies: how full each session is is read for the page shown only, inside the
acknowledgement, however many sessions the answer holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.answers.replies import Replies
from bot.current import CurrentProgramme
from bot.programme import Event, Programme, Session
from bot.records import MemoryStore
from bot.registrations import Registrations
from bot.store import StoreError
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body

MONDAY = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)


def big_day(count: int) -> Programme:
    sessions = tuple(
        Session.model_validate(
            {"id": f"s{n:04}", "title": f"Workshop {n}", "capacity": 30,
             "start": f"2027-03-15T09:{n % 60:02d}:00+00:00",
             "end": f"2027-03-15T17:{n % 60:02d}:00+00:00"}
        )
        for n in range(count)
    )  # fmt: skip
    return Programme(event=Event(name="Week", timezone="Europe/London"), sessions=sessions)


def test_places_are_counted_for_the_page_shown_only(monkeypatch: pytest.MonkeyPatch) -> None:
    current = CurrentProgramme(big_day(2000))
    store = MemoryStore()
    registrations = Registrations(store=store, current=current, clock=lambda: MONDAY)
    replies = Replies(current=current, registrations=registrations, clock=lambda: MONDAY)
    counted: list[str] = []
    counts_of = registrations.counts_of

    def counting(session_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        counted.extend(session_ids)
        return counts_of(session_ids)

    monkeypatch.setattr(registrations, "counts_of", counting)
    answer = current.answerer.answer("monday", now=MONDAY)
    assert len(answer.sessions) == 2000
    store.register(user_id="U1", session_id=answer.sessions[12].id, capacity=30)  # on page 2
    second = replies.answer(answer, user_id="U2", asked_at=MONDAY.timestamp(), page=1)
    assert len(counted) == 10  # the ten on page 2, not 2,000
    assert "_29 of 30 places left_" in json.dumps(second.blocks)
    counted.clear()
    beyond = replies.answer(answer, user_id="U2", asked_at=MONDAY.timestamp(), page=999)
    assert len(counted) == 10 and "places left" in json.dumps(beyond.blocks)  # the last page


def test_answers_go_on_when_the_store_cannot_be_read(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database away (PostgreSQL restarting): the programme is still answered, without
    places; a registration is refused plainly."""
    bot.store.register(user_id="U1", session_id="tue-racism", capacity=None)

    def away(*args: object, **kwargs: object) -> object:
        raise StoreError("PostgreSQL at 127.0.0.1:5432/bot does not answer (connection refused)")

    monkeypatch.setattr(bot.store.engine, "read", away)
    monkeypatch.setattr(bot.store.engine, "transaction", away)
    answered = ack_body(bot.send.command("/sessions", "racism", user_id="U1"))
    assert "Racism in the workplace" in json.dumps(answered)
    refused = ack_body(bot.send.command("/register", "racism", user_id="U2"))
    assert refused["text"].startswith("Sorry, I couldn't save that just now")
