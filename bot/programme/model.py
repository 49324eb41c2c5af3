"""Programme model: pydantic models that validate `programme.json` and answer simple questions.

Times without an offset are local to the event's timezone; every datetime kept here is aware.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]
# A date and a time at least, in ISO form: "2027-03-16T09:30", seconds and offset optional.
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
MOMENT_EXAMPLE = "2027-03-16T09:30"
# Errors raised here whose message is already a whole sentence naming the field.
OWN_ERRORS = frozenset(
    {"moment_type", "end_or_duration", "end_before_start", "end_disagrees", "synonyms_shape"}
)
SYNONYMS_EXAMPLE = '{"DV": ["domestic abuse", "domestic violence"]}'
# Raised for `end` when it cannot be worked out because `start` or `duration` is wrong: that
# problem is reported already, so the loader leaves this one out.
END_UNKNOWN = "end_unknown"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Event(_Model):
    """The event as a whole."""

    name: Text
    timezone: Text
    url: Url | None = None
    note: str | None = None
    days: dict[date, Text] = {}  # the programme's own names for some days: "World Social Work Day"
    # words or phrases people ask in, each with what the programme says instead
    synonyms: dict[str, tuple[str, ...]] = {}

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown timezone {value!r}; use an IANA name such as Europe/London"
            raise ValueError(message) from None
        return value

    @field_validator("synonyms", mode="before")
    @classmethod
    def _synonyms_shape(cls, value: Any) -> Any:
        """Each word or phrase a non-empty text with a non-empty list of texts."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise _synonyms_error(
                "synonyms should be an object: each word or phrase people ask in, with a list "
                "of the words or phrases the programme says instead, such as {example}"
            )
        shaped: dict[str, tuple[str, ...]] = {}
        for term, equivalents in value.items():
            said = term.strip()
            if not re.search(r"\w", said):
                raise _synonyms_error(f"synonyms: {_quoted(term)} is not a word or phrase")
            if isinstance(equivalents, str) or not isinstance(equivalents, list):
                raise _synonyms_error(
                    f"synonyms[{_quoted(said)}] should be a list of words or phrases, such as "
                    '["domestic abuse"]'
                )
            if not equivalents:
                raise _synonyms_error(f"synonyms[{_quoted(said)}] is empty: give what it means")
            for number, equivalent in enumerate(equivalents):
                if not isinstance(equivalent, str) or not re.search(r"\w", equivalent):
                    raise _synonyms_error(
                        f"synonyms[{_quoted(said)}][{number}] should be a word or phrase, "
                        f"not {_quoted(equivalent)}"
                    )
            shaped[said] = tuple(equivalent.strip() for equivalent in equivalents)
        return shaped

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _quoted(value: Any) -> str:
    """`value` as written in JSON: "DV", 3."""
    return json.dumps(value, ensure_ascii=False)


def _synonyms_error(message: str) -> PydanticCustomError:
    return PydanticCustomError("synonyms_shape", message, {"example": SYNONYMS_EXAMPLE})


class Speaker(_Model):
    """Someone speaking at, or facilitating, a session."""

    name: Text
    role: str | None = None
    organisation: str | None = None


class Session(_Model):
    """One session of the week. `start` and `end` are aware datetimes; the file may give
    `duration` (whole minutes) instead of `end`, and `end` is worked out from it."""

    id: Text
    title: Text
    start: datetime
    duration: Annotated[StrictInt, Field(gt=0)] | None = None  # as given, in minutes
    end: datetime = Field(default=None, validate_default=True)  # always set once validated
    type: str | None = None
    description: str | None = None
    speakers: tuple[Speaker, ...] = ()
    host: str | None = None
    location: str | None = None
    join_url: Url | None = None
    tags: tuple[Text, ...] = ()
    capacity: Annotated[StrictInt, Field(gt=0)] | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_text(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name == "end":
            return _end_from_duration(info.data)
        if isinstance(value, datetime) or (
            isinstance(value, str) and _ISO_MOMENT.match(value.strip())
        ):
            return value  # a number is not a time, though pydantic would read it as one
        raise PydanticCustomError(
            "moment_type",
            "{field} should be a date and time such as {example}",
            {"field": info.field_name, "example": MOMENT_EXAMPLE},
        )

    @field_validator("start", "end")
    @classmethod
    def _localise(cls, value: datetime, info: ValidationInfo) -> datetime:
        tz = (info.context or {}).get("tz")
        if value.tzinfo is None:
            if tz is None:
                raise ValueError("needs a UTC offset, or an event timezone")
            value = value.replace(tzinfo=tz)
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Session:
        if self.end <= self.start:
            raise PydanticCustomError("end_before_start", "end must be after start")
        minutes = _minutes_between(self.start, self.end)
        if self.duration is not None and minutes != self.duration:
            raise PydanticCustomError(
                "end_disagrees",
                "end and duration disagree: end is {minutes} after start, duration is {duration}",
                {"minutes": _minutes(minutes), "duration": _minutes(self.duration)},
            )
        return self


def _end_from_duration(data: dict[str, Any]) -> datetime:
    """`start` plus `duration` minutes of real time, for a session that gives no `end`."""
    if data.get("duration") is None and "duration" in data:
        raise PydanticCustomError("end_or_duration", "end or duration is required")
    start, duration = data.get("start"), data.get("duration")
    if start is None or duration is None:
        raise PydanticCustomError(END_UNKNOWN, "end cannot be worked out from start and duration")
    return (start.astimezone(UTC) + timedelta(minutes=duration)).astimezone(start.tzinfo)


def _minutes_between(start: datetime, end: datetime) -> float:
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 60


def _minutes(amount: float) -> str:
    return f"{amount:g} minute" if amount == 1 else f"{amount:g} minutes"


class Programme(_Model):
    """The event and its sessions, ordered by start time."""

    event: Event
    sessions: tuple[Session, ...]

    @cached_property
    def tz(self) -> ZoneInfo:
        return self.event.tz

    @cached_property
    def by_id(self) -> dict[str, Session]:
        return {session.id: session for session in self.sessions}

    def find_id(self, text: str) -> Session | None:
        """The session whose id is `text`, ignoring case and surrounding spaces."""
        return self._ids_folded.get(text.strip().casefold())

    @cached_property
    def _ids_folded(self) -> dict[str, Session]:
        return {session.id.casefold(): session for session in self.sessions}

    @cached_property
    def days(self) -> tuple[date, ...]:
        """The days that have sessions, in order."""
        return tuple(sorted({self.local(s.start).date() for s in self.sessions}))

    def local(self, moment: datetime) -> datetime:
        """`moment` in the event's timezone."""
        return moment.astimezone(self.tz)

    def on_day(self, day: date) -> tuple[Session, ...]:
        """Sessions that start on `day` (event time), by start."""
        return tuple(s for s in self.sessions if self.local(s.start).date() == day)
