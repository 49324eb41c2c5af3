"""Load `programme.json`, reporting every problem at once in words a person can act on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot import json_input
from bot.json_input import TooDeep
from bot.programme.model import (
    END_UNKNOWN,
    MOMENT_EXAMPLE,
    OWN_ERRORS,
    Event,
    Programme,
    Session,
    Speaker,
)

# What each kind of pydantic error means, after the field's name: "tags should be a list".
_SAYINGS = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "string_type": "should be text",
    "string_pattern_mismatch": "should be a web address starting with https://",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "list_type": "should be a list",
    "tuple_type": "should be a list",
    "dict_type": 'should be an object such as {"2027-03-16": "World Social Work Day"}',
    "model_type": "should be an object",
    "model_attributes_type": "should be an object",
}
_OBJECTS = {"Speaker": ", ".join(Speaker.model_fields)}  # "name, role, organisation"


class ProgrammeError(Exception):
    """A programme that cannot be used. `problems` lists each one, naming session and field;
    `warnings` lists what was ignored, which may explain the problems."""

    def __init__(
        self, source: str, problems: list[str], *, warnings: list[str] | None = None
    ) -> None:
        self.source = source
        self.problems = problems
        self.warnings = list(warnings or [])
        super().__init__(f"{source}: " + "; ".join(problems))


def load_programme(path: Path) -> tuple[Programme, list[str]]:
    """Read and check the programme at `path`; return it with any warnings."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProgrammeError(str(path), ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProgrammeError(str(path), [f"cannot be read: {error}"]) from None
    return parse_programme(text, source=str(path))


def parse_programme(text: str, *, source: str = "programme.json") -> tuple[Programme, list[str]]:
    """Check programme JSON text; raise `ProgrammeError` listing every problem found."""
    try:
        data = json_input.loads(text)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        raise ProgrammeError(source, [problem]) from None
    except TooDeep as error:
        raise ProgrammeError(source, [f"{error}: no programme is"]) from None
    if not isinstance(data, dict):
        raise ProgrammeError(source, ['the file must hold an object with "event" and "sessions"'])

    problems: list[str] = []
    warnings = _unknown_fields(data, Programme, "top level")
    event = _check_event(data.get("event"), problems, warnings)
    raw_sessions = data.get("sessions")
    if not isinstance(raw_sessions, list) or not raw_sessions:
        problems.append('"sessions" must be a non-empty list of sessions')
        raw_sessions = []

    tz = event.tz if event else ZoneInfo("UTC")
    sessions = []
    for index, raw in enumerate(raw_sessions):
        label = _session_label(raw, index)
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be an object")
            continue
        warnings += _unknown_fields(raw, Session, label)
        for number, speaker in enumerate(raw.get("speakers") or []):
            if isinstance(speaker, dict):
                warnings += _unknown_fields(speaker, Speaker, f"{label}, speakers[{number}]")
        try:
            sessions.append(Session.model_validate(raw, context={"tz": tz}))
        except ValidationError as error:
            problems += _described(error, label)

    ids = Counter(raw.get("id") for raw in raw_sessions if isinstance(raw, dict) and raw.get("id"))
    problems += [f"duplicate id {key!r}: used by {n} sessions" for key, n in ids.items() if n > 1]

    if problems or event is None:
        raise ProgrammeError(source, problems, warnings=warnings)
    ordered = tuple(sorted(sessions, key=lambda s: (s.start, s.end, s.id)))
    return Programme(event=event, sessions=ordered), warnings


def _check_event(raw: Any, problems: list[str], warnings: list[str]) -> Event | None:
    if not isinstance(raw, dict):
        problems.append('"event" must be an object with "name" and "timezone"')
        return None
    warnings += _unknown_fields(raw, Event, "event")
    try:
        return Event.model_validate(raw)
    except ValidationError as error:
        problems += _described(error, "event")
        return None


def _session_label(raw: Any, index: int) -> str:
    session_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(session_id, str) and session_id.strip():
        return f"session {session_id.strip()!r} (#{index + 1})"
    return f"session #{index + 1} (no id)"


def _described(error: ValidationError, label: str) -> list[str]:
    items = [item for item in error.errors() if item["type"] != END_UNKNOWN]
    return [f"{label}: {_describe(item)}" for item in items]


def _describe(item: ErrorDetails) -> str:
    """One pydantic error in the organiser's words: "tags should be a list"."""
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind in OWN_ERRORS:
        return item["msg"]
    path = list(item["loc"])
    is_key = path[-1:] == ["[key]"]  # a key of `event.days`, which should be a date
    field = _field_name(path[:-1] if is_key else path)
    reason = f" ({ctx['error']})" if isinstance(ctx.get("error"), str) else ""
    if is_key:
        return f"{field} should be a date such as {MOMENT_EXAMPLE[:10]}{reason}"
    if kind.startswith("datetime"):
        return f"{field} should be a date and time such as {MOMENT_EXAMPLE}{reason}"
    if kind.startswith("date"):
        return f"{field} should be a date such as {MOMENT_EXAMPLE[:10]}{reason}"
    if kind == "greater_than":
        return f"{field} should be more than {ctx['gt']}"
    if kind in ("model_type", "model_attributes_type") and ctx.get("class_name") in _OBJECTS:
        return f"{field} should be an object with {_OBJECTS[ctx['class_name']]}"
    if kind in _SAYINGS:
        return f"{field} {_SAYINGS[kind]}"
    message = str(item["msg"]).removeprefix("Value error, ")
    message = f"{message[0].lower()}{message[1:]}"
    return f"{field}: {message}" if field else message


def _field_name(path: list[int | str]) -> str:
    """`speakers[0].name`, `days[2027-03-16]`."""
    name = ""
    for part in path:
        if isinstance(part, int) or not part.isidentifier():
            name += f"[{part}]"
        else:
            name += f".{part}"
    return name.lstrip(".")


def _unknown_fields(raw: dict[str, Any], model: type[BaseModel], label: str) -> list[str]:
    known = set(model.model_fields)
    return [f"{label}: unknown field {key!r} ignored" for key in raw if key not in known]
