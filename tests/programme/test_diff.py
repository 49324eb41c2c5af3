from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.programme import Event, Programme, Session
from bot.programme.diff import programme_changes

START = datetime(2023, 3, 21, 12, 30, tzinfo=ZoneInfo("Europe/London"))


def make(session_id: str, **fields: object) -> Session:
    base: dict[str, object] = {
        "id": session_id,
        "title": session_id,
        "start": START,
        "end": START + timedelta(hours=1),
        "location": "Leeds",
    }
    return Session.model_validate(base | fields)


def programme(*sessions: Session) -> Programme:
    return Programme(event=Event(name="SWW", timezone="Europe/London"), sessions=sessions)


def test_moved_relocated_relinked_and_cancelled_sessions_are_found() -> None:
    before = programme(make("same"), make("moved"), make("room"), make("link"), make("gone"))
    after = programme(
        make("same", title="A new title", description="edited"),
        make("moved", start=START + timedelta(minutes=30), end=START + timedelta(hours=2)),
        make("room", location="Bristol"),
        make("link", join_url="https://example.org/new"),
        make("added"),
    )
    changes = {change.before.id: change for change in programme_changes(before, after)}
    assert sorted(changes) == ["gone", "link", "moved", "room"]
    assert changes["moved"].moved and not changes["moved"].relocated
    assert changes["room"].relocated and not changes["room"].moved
    assert changes["link"].relinked
    assert changes["gone"].cancelled and changes["gone"].after is None
