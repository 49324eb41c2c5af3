"""Load `programme.json`, reporting every problem at once in words a person can act on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from bot.programme.model import Event, Programme, Session, Speaker


class ProgrammeError(Exception):
    """A programme that cannot be used. `problems` lists each one, naming session and field."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
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
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        raise ProgrammeError(source, [problem]) from None
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
            problems += [f"{label}: {_describe(item)}" for item in error.errors()]

    ids = Counter(raw.get("id") for raw in raw_sessions if isinstance(raw, dict) and raw.get("id"))
    problems += [f"duplicate id {key!r}: used by {n} sessions" for key, n in ids.items() if n > 1]

    if problems or event is None:
        raise ProgrammeError(source, problems)
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
        problems += [f"event: {_describe(item)}" for item in error.errors()]
        return None


def _session_label(raw: Any, index: int) -> str:
    session_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(session_id, str) and session_id.strip():
        return f"session {session_id.strip()!r} (#{index + 1})"
    return f"session #{index + 1} (no id)"


def _describe(item: Any) -> str:
    location = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
    ).lstrip(".")
    field = location or "end"
    if item["type"] == "missing":
        return f"{field} is required"
    if item["type"] == "string_too_short":
        return f"{field} must not be empty"
    message = str(item["msg"]).removeprefix("Value error, ")
    if item["type"] == "string_pattern_mismatch":
        message = "must be a web address starting with https://"
    return f"{field}: {message[0].lower()}{message[1:]}"


def _unknown_fields(raw: dict[str, Any], model: type[BaseModel], label: str) -> list[str]:
    known = set(model.model_fields)
    return [f"{label}: unknown field {key!r} ignored" for key in raw if key not in known]
