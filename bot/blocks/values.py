"""What a button carries, so that its listener can act and redraw the view it was pressed in."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

from bot.blocks.formatting import truncate

logger = logging.getLogger(__name__)

View = Literal["answer", "agenda", "home", "reminder", "channel"]


@dataclass(frozen=True)
class Origin:
    """The view a button sits in: an answer (its question, page and the time it was asked, so
    "today" means the same on every page, and whether its one session's whole description
    is shown: `more`), the person's agenda, their App Home, a reminder DM, or a post in a
    channel."""

    view: View
    query: str = ""
    page: int = 0
    asked_at: float = 0
    more: bool = False


VALUE_LIMIT = 2000  # Slack's limit for a button's value, in characters

STALE = "That button doesn't work any more, so nothing has changed. Ask me again for a new one."
"""Said to whoever presses a button whose value the bot did not write (forged, or from a
version of the bot that wrote values differently)."""


def button_value(origin: Origin, session_id: str | None = None) -> str:
    """A button value, within Slack's 2,000 characters whatever the question held: the
    question is shortened until its JSON form (escapes included) fits."""
    data: dict[str, object] = {"v": origin.view}
    if session_id is not None:
        data["s"] = session_id
    if origin.view == "answer":
        data |= {"p": origin.page, "t": round(origin.asked_at)}
        if origin.more:
            data["m"] = 1
        query = origin.query[:1500]
        while True:
            value = json.dumps(data | {"q": query}, ensure_ascii=False)
            if len(value) <= VALUE_LIMIT:
                return value
            query = truncate(query, max(1, len(query) - (len(value) - VALUE_LIMIT) - 1))
    return json.dumps(data, ensure_ascii=False)


def read_button_value(value: str) -> tuple[Origin, str | None]:
    """The origin and session id a button value carries; ValueError when it is not one."""
    try:
        data = json.loads(value)
        view = data["v"]
        if view not in ("answer", "agenda", "home", "reminder", "channel"):
            raise ValueError(f"unknown view {view!r}")
        origin = Origin(
            view,
            str(data.get("q", "")),
            int(data.get("p", 0)),
            float(data.get("t", 0)),
            bool(data.get("m", 0)),
        )
        session_id = data.get("s")
        return origin, None if session_id is None else str(session_id)
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a button value: {value[:100]!r}") from error


def pressed_value(action: dict[str, Any]) -> tuple[Origin, str | None] | None:
    """What the pressed button `action` carries (`read_button_value`), or None, with one
    warning logged, when its value is not one the bot wrote: its listener says `STALE`."""
    try:
        return read_button_value(str(action.get("value") or ""))
    except ValueError as error:
        logger.warning("A %s button not of ours: %s", action.get("action_id"), error)
        return None
