"""Small pure helpers for Slack mrkdwn: escaping, dates each reader sees in their own timezone."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.dates import clock, short_moment


@dataclass(frozen=True)
class Message:
    """A Slack message: the plain `text` fallback and its Block Kit `blocks`."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}

    @functools.cached_property
    def ephemeral_json(self) -> str:
        """The message as a private reply's JSON body, encoded once: a reply drawn once a
        minute for many people is sent many times (`bot/answers/commands.py`)."""
        return json.dumps({"text": self.text, "response_type": "ephemeral", "blocks": self.blocks})


def escape(text: str) -> str:
    """Escape text for mrkdwn so that nobody can smuggle in `<!channel>`, mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(command: str) -> str:
    """`command` as inline code, ready to copy: escaped, and unable to close its backticks."""
    return "`" + escape(command.replace("`", "'")) + "`"


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slack_time_range(start: datetime, end: datetime) -> str:
    """Day and times rendered by Slack in each reader's timezone, with an event-time fallback
    (`start` and `end` in the event's timezone)."""
    first = (
        f"<!date^{int(start.timestamp())}^{{date_short_pretty}}, {{time}}|{short_moment(start)}>"
    )
    last = f"<!date^{int(end.timestamp())}^{{time}}|{clock(end)} {end.tzname() or ''}>"
    return f"{first}–{last}"


def slack_moment(moment: datetime, tz: ZoneInfo) -> str:
    """A day and time rendered by Slack in each reader's timezone, with an event-time
    fallback."""
    fallback = short_moment(moment.astimezone(tz))
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


_SLACK_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def from_slack_text(text: str) -> str:
    """What a person typed, from Slack's encoding: mentions dropped, links to their label,
    `&amp;` `&lt;` `&gt;` back to characters, control characters and runs of spaces to one
    space."""

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "!", "#")):
            return f" {label} " if label and target.startswith("#") else " "
        return label or target

    text = _SLACK_TOKEN.sub(plain, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    # Control characters (U+0000–U+001F, U+007F–U+009F) mean nothing in a question, and each
    # grows to six characters in a JSON button value: they become spaces.
    return " ".join(_CONTROL.sub(" ", text).split())
