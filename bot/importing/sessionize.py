"""Sessionize's "All data" export (API endpoint `view/All`): sessions, speakers, rooms,
categories and questions, cross-referenced by id. Times are local, with no offset, and the
export names neither the event nor its timezone."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.importing.fields import header_key
from bot.importing.result import Imported, compact
from bot.wording import counted

# A session category naming its format ("Session format", "Please select session type:")
# gives the session's `type`; every other category's items become tags.
_TYPE_CATEGORY = re.compile(r"\b(format|type)\b", re.IGNORECASE)
_COMPANY_QUESTIONS = {"company", "organisation", "organization", "employer", "companyname"}


def is_sessionize(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(data.get(key), list) for key in ("sessions", "speakers", "rooms")
    )


def read_sessionize(data: dict[str, Any]) -> Imported:
    """Scheduled sessions, service sessions (breaks, lunch) left out."""
    imported = Imported()
    rooms = {
        room.get("id"): _text(room.get("name"))
        for room in _objects(data, "rooms")
        if _key(room.get("id"))
    }
    speakers, categories = _speakers(data), _categories(data)
    breaks: list[str] = []
    unscheduled: list[str] = []
    for number, raw in enumerate(_objects(data, "sessions"), start=1):
        label = f"session {_text(raw.get('id')) or '(no id)'} (#{number})"
        if raw.get("isServiceSession"):
            breaks.append(_text(raw.get("title")) or label)
        elif raw.get("startsAt") is None and raw.get("endsAt") is None:
            unscheduled.append(_text(raw.get("title")) or label)
        elif (session := _session(raw, label, imported)) is not None:
            session["location"] = rooms.get(raw.get("roomId")) if _key(raw.get("roomId")) else None
            session["speakers"] = _people(raw, speakers, label, imported)
            _categorise(session, raw, categories)
            imported.sessions.append(compact(session))
    if breaks:
        imported.notes.append(
            f"{counted(len(breaks), 'service session')} (breaks) left out: {', '.join(breaks)}"
        )
    if unscheduled:
        imported.notes.append(
            f"{counted(len(unscheduled), 'session')} not yet scheduled left out: "
            f"{', '.join(unscheduled)}"
        )
    return imported


def _session(raw: dict[str, Any], label: str, imported: Imported) -> dict[str, Any] | None:
    """The session's own fields, or None when a problem was found."""
    title = _text(raw.get("title"))
    problems = []
    if not _text(raw.get("id")):
        problems.append(f"{label}, id: missing")
    if not title:
        problems.append(f"{label}, title: missing")
    start = _moment(raw.get("startsAt"), f"{label}, startsAt", problems)
    end = _moment(raw.get("endsAt"), f"{label}, endsAt", problems)
    if start is not None and end is not None and _comparable(start, end) and end <= start:
        problems.append(f"{label}, endsAt: {end:%H:%M} is not after startsAt {start:%H:%M}")
    imported.problems += problems
    if problems:
        return None
    live = _text(raw.get("liveUrl"))
    return {
        "id": _text(raw.get("id")),
        "title": title,
        "start": start,
        "end": end,
        "type": None,
        "description": _text(raw.get("description")),
        "speakers": [],
        "location": None,
        "join_url": live if re.match(r"https?://", live) else None,
        "tags": [],
    }


def _people(
    raw: dict[str, Any], speakers: dict[Any, dict[str, str]], label: str, imported: Imported
) -> list[dict[str, str]]:
    people = []
    for speaker_id in _list(raw.get("speakers")):
        # "All data" lists speaker ids; other Sessionize views list {"id", "name"}.
        key = speaker_id.get("id") if isinstance(speaker_id, dict) else speaker_id
        if _key(key) and key in speakers:
            people.append(speakers[key])
        else:
            imported.notes.append(f"{label}: unknown speaker id {key!r} left out")
    return people


def _categorise(
    session: dict[str, Any], raw: dict[str, Any], categories: dict[Any, tuple[str, str]]
) -> None:
    """The first item of a format category as the type; every other item as a tag."""
    items = [
        categories[item]
        for item in _list(raw.get("categoryItems"))
        if _key(item) and item in categories
    ]
    kinds = [name for category, name in items if _TYPE_CATEGORY.search(category)]
    session["type"] = kinds[0] if kinds else None
    tags = [name for category, name in items if not _TYPE_CATEGORY.search(category)]
    session["tags"] = list(dict.fromkeys(tags))


def _speakers(data: dict[str, Any]) -> dict[Any, dict[str, str]]:
    """Each speaker by id: the full name, the tag line as role, and the company when the
    export has one (a `company` field, or the answer to a "Company" question)."""
    questions = {
        question.get("id"): header_key(_text(question.get("question")))
        for question in _objects(data, "questions")
    }
    speakers = {}
    for raw in _objects(data, "speakers"):
        name = _text(raw.get("fullName")) or " ".join(
            part for part in (_text(raw.get("firstName")), _text(raw.get("lastName"))) if part
        )
        if not name:
            continue
        company = _text(raw.get("company"))
        for answer in _list(raw.get("questionAnswers")):
            if isinstance(answer, dict) and questions.get(answer.get("questionId")) in (
                _COMPANY_QUESTIONS
            ):
                company = company or _text(answer.get("answerValue"))
        if not _key(raw.get("id")):
            continue
        speakers[raw.get("id")] = compact(
            {"name": name, "role": _text(raw.get("tagLine")), "organisation": company}
        )
    return speakers


def _categories(data: dict[str, Any]) -> dict[Any, tuple[str, str]]:
    """Each category item by id: its category's title and its own name."""
    found = {}
    for category in _objects(data, "categories"):
        for item in _list(category.get("items")):
            if isinstance(item, dict) and _key(item.get("id")) and _text(item.get("name")):
                found[item.get("id")] = (_text(category.get("title")), _text(item.get("name")))
    return found


def _objects(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in _list(data.get(key)) if isinstance(item, dict)]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _key(value: Any) -> bool:
    """Whether `value` can be an id: Sessionize's are numbers or text."""
    return isinstance(value, str | int) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return str(value).replace("\r\n", "\n").strip() if value is not None else ""


def _moment(value: Any, label: str, problems: list[str]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{label}: cannot read {value!r} as a date and time")
        return None


def _comparable(start: datetime, end: datetime) -> bool:
    return (start.tzinfo is None) == (end.tzinfo is None)
