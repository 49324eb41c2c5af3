"""What a reader makes of an export, before it becomes `programme.json`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Imported:
    """Sessions in `programme.json`'s shape, except that `start` and `end` are datetimes: naive
    when the source gives local times, aware when it gives an offset. What the source says of
    the event, if anything; every problem, each naming its row (or item) and column; and notes
    on what was read differently or left out."""

    sessions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    event_name: str | None = None
    timezone: str | None = None
    event_url: str | None = None


def compact(session: dict[str, Any]) -> dict[str, Any]:
    """The session without its empty fields."""
    return {key: value for key, value in session.items() if value not in (None, "", [], ())}
