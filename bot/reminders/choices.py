"""Each person's choice of reminders: reading `/reminders` text, toggling one reminder, and
saying where the person stands, as pure functions of the organisers' `REMINDER_OFFSETS`;
and `ReminderChoices`, which keeps each person's choice in the store. Free of Slack. The
outbox asks again at sending time (`Reminders.render`), so a choice made after a batch of
reminders was queued still counts.

A choice is what the store keeps (`ReminderRecords.set_reminders`): None, every reminder
the organisers plan (the default); `()`, none; otherwise the offsets kept, in seconds,
longest first. A choice that keeps every offset is stored as None, so it also takes in
offsets added later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from bot.dates import offset_words
from bot.wording import joined

if TYPE_CHECKING:
    from bot.reminders.records import ReminderRecords

Choice = tuple[int, ...] | None

_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
# "1 day", "15 mins", "2hrs" -> "1d", "15m", "2h": one offset is written without spaces.
_SPELLED = re.compile(
    r"(\d+)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b", re.IGNORECASE
)
_ONE_OFFSET = re.compile(r"(?:\d+[dhms])+")
_PART = re.compile(r"(\d+)([dhms])")

ON_WORDS = frozenset({"on", "all", "yes", "start", "resume"})
OFF_WORDS = frozenset({"off", "none", "no", "stop", "never"})
SHOW_WORDS = frozenset({"", "show", "status", "settings", "list"})
HELP_WORDS = frozenset({"help", "?", "how"})


@dataclass(frozen=True)
class Request:
    """What `/reminders` text asks for: to `show` the person's choice, `help`, to `set` it to
    `choice`, or nothing it can do (`invalid`, with the `problem` to tell them)."""

    kind: Literal["show", "help", "set", "invalid"]
    choice: Choice = None
    problem: str = ""


def seconds_of(offsets: Sequence[timedelta]) -> tuple[int, ...]:
    """The organisers' offsets in seconds, longest first, each once."""
    return tuple(sorted({int(offset.total_seconds()) for offset in offsets}, reverse=True))


def offset_token(seconds: int) -> str:
    """How to type an offset after `/reminders`: `1d`, `15m`, `1d2h`."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = zip((days, hours, minutes, secs), "dhms", strict=True)
    return "".join(f"{amount}{unit}" for amount, unit in parts if amount) or "0s"


def parse_request(text: str, planned: Sequence[int]) -> Request:
    """Read `/reminders` text: "" (show), `help`, `on`, `off`, or the offsets to keep
    (`15m`, `1d 15m`, `1d,15m`, `15 minutes`), each one of the organisers' (`planned`, in
    seconds, longest first: `seconds_of(REMINDER_OFFSETS)`)."""
    words = " ".join(text.lower().split())
    if words in SHOW_WORDS:
        return Request("show")
    if words in HELP_WORDS:
        return Request("help")
    if words in ON_WORDS:
        return Request("set", None)
    if words in OFF_WORDS:
        return Request("set", ())
    compact = _SPELLED.sub(lambda m: m.group(1) + m.group(2)[0].lower(), words)
    tokens = [t for t in re.split(r"[\s,;+&]+|\band\b", compact) if t]
    if not tokens or not all(_ONE_OFFSET.fullmatch(token) for token in tokens):
        return Request("invalid", problem=not_understood(text, planned))
    asked = [sum(_seconds(int(n), unit) for n, unit in _PART.findall(t)) for t in tokens]
    unknown = [seconds for seconds in asked if seconds not in planned]
    if unknown:
        return Request("invalid", problem=not_offered(unknown, planned))
    return Request("set", normalise(asked, planned))


def _seconds(amount: int, unit: str) -> int:
    return int(timedelta(**{_UNITS[unit]: amount}).total_seconds())


def normalise(chosen: Iterable[int], planned: Sequence[int]) -> Choice:
    """A choice of offsets as stored: only offsets the organisers use, longest first; every
    one of them is None (all), none is `()`."""
    kept = set(chosen) & set(planned)
    if kept == set(planned):
        return None
    return tuple(sorted(kept, reverse=True))


def wants(choice: Choice, seconds: int) -> bool:
    """Whether a person with this choice wants the reminder `seconds` before a session."""
    return choice is None or seconds in choice


def toggle(choice: Choice, seconds: int, planned: Sequence[int]) -> Choice:
    """The choice with the reminder `seconds` before turned on if it was off, off if on."""
    kept = set(planned) if choice is None else set(choice)
    return normalise(kept ^ {seconds}, planned)


def kept(choice: Choice, planned: Sequence[int]) -> tuple[int, ...]:
    """The offsets a person gets, longest first."""
    return tuple(s for s in planned if wants(choice, s))


def _when(seconds: Iterable[int]) -> str:
    words = [offset_words(timedelta(seconds=s)) for s in seconds]
    return joined(words)


def planned_words(planned: Sequence[int]) -> str:
    """When the organisers' reminders go: "1 day and 15 minutes"."""
    return _when(planned)


def describe(choice: Choice, planned: Sequence[int]) -> str:
    """Where the person stands, in one mrkdwn line."""
    gets = kept(choice, planned)
    if not gets:
        return "Your reminders are *off*."
    if len(gets) == len(planned):
        return f"Your reminders are *on*: {_when(gets)} before each of your sessions."
    return f"You get reminders *{_when(gets)}* before each of your sessions, no others."


def examples(planned: Sequence[int]) -> str:
    """A command that keeps one offset, for hints: `/reminders 15m`."""
    return f"`/reminders {offset_token(min(planned))}`" if planned else "`/reminders on`"


def not_offered(unknown: Sequence[int], planned: Sequence[int]) -> str:
    """Why `/reminders 3h` changed nothing."""
    asked = _when(unknown)
    if len(planned) == 1:
        return (
            f"There is no reminder {asked} before a session. Reminders go "
            f"{planned_words(planned)} before a session: `/reminders on` or `/reminders off`. "
            "Nothing changed."
        )
    return (
        f"There is no reminder {asked} before a session. Reminders go "
        f"{planned_words(planned)} before a session; choose from those: {examples(planned)}. "
        "Nothing changed."
    )


def not_understood(text: str, planned: Sequence[int]) -> str:
    """Why `/reminders banana` changed nothing (`text` as typed: escape it to show it)."""
    some = f", or {examples(planned)}" if len(planned) > 1 else ""
    return (
        f"I didn't understand “{text.strip()[:100]}”. Try `/reminders on`, `/reminders off`"
        f"{some}. Nothing changed."
    )


def help_lines(planned: Sequence[int]) -> list[str]:
    """What `/reminders help` says, line by line (mrkdwn)."""
    lines = [
        f"I remind you {planned_words(planned)} before each session you're registered for.",
        "`/reminders` shows your choice, with buttons.",
        "`/reminders off` stops them; `/reminders on` turns them all back on.",
    ]
    if len(planned) > 1:
        tokens = " ".join(offset_token(s) for s in planned)
        lines.append(
            f"{examples(planned)} keeps only that one; name several with spaces: "
            f"`/reminders {tokens}`."
        )
    return lines


# --- kept in the store -----------------------------------------------------------------------


class ReminderChoices:
    """Reads and changes people's reminder choices against the organisers' `offsets`."""

    def __init__(self, *, store: ReminderRecords, offsets: Sequence[timedelta]) -> None:
        self._store = store
        self.planned = seconds_of(offsets)
        """The organisers' offsets in seconds, longest first."""

    def of(self, *, user_id: str) -> Choice:
        """`user_id`'s choice (None: every reminder), only offsets still planned."""
        choice = self._store.reminders_of(user_id=user_id)
        return None if choice is None else normalise(choice, self.planned)

    def choose(self, *, user_id: str, choice: Choice) -> Choice:
        """Keep `choice` for `user_id` (durable on return), and return it as kept."""
        choice = None if choice is None else normalise(choice, self.planned)
        self._store.set_reminders(user_id=user_id, offsets=choice)
        return choice

    def toggle(self, *, user_id: str, seconds: int) -> Choice:
        """Turn the reminder `seconds` before on or off for `user_id`; returns the choice."""
        if seconds not in self.planned:
            raise ValueError(f"no reminder is planned {seconds} seconds before")
        choice = toggle(self.of(user_id=user_id), seconds, self.planned)
        return self.choose(user_id=user_id, choice=choice)
