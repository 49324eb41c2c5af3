"""Programme model: pydantic models that validate `programme.json` and answer simple questions.

Times without an offset are local to the event's timezone; every datetime kept here is aware.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import Annotated
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

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Event(_Model):
    """The event as a whole."""

    name: Text
    timezone: Text
    url: Url | None = None
    note: str | None = None
    days: dict[date, Text] = {}  # the programme's own names for some days: "World Social Work Day"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown timezone {value!r}; use an IANA name such as Europe/London"
            raise ValueError(message) from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Speaker(_Model):
    """Someone speaking at, or facilitating, a session."""

    name: Text
    role: str | None = None
    organisation: str | None = None


class Session(_Model):
    """One session of the week. `start` and `end` are aware datetimes."""

    id: Text
    title: Text
    start: datetime
    end: datetime
    type: str | None = None
    description: str | None = None
    speakers: tuple[Speaker, ...] = ()
    host: str | None = None
    location: str | None = None
    join_url: Url | None = None
    tags: tuple[Text, ...] = ()
    capacity: Annotated[StrictInt, Field(gt=0)] | None = None

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
            raise ValueError("end must be after start")
        return self


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
