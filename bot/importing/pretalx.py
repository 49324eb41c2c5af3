"""pretalx's frab-compatible `schedule.json` (Schedule → Export → "JSON (frab compatible)";
frab writes the same shape): the conference, its timezone, and per day and room the talks,
each with its start as a local time with an offset and its length as `HH:MM`."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importing.result import Imported, compact

_LENGTH = re.compile(r"(\d+):(\d{2})(?::(\d{2}))?")


def is_pretalx(data: Any) -> bool:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    return isinstance(schedule, dict) and isinstance(schedule.get("conference"), dict)


def read_pretalx(data: dict[str, Any]) -> Imported:
    """Every talk of every day and room. A submission scheduled in several slots appears once
    per slot, with the same code: its slots get ids `CODE-1`, `CODE-2`, …"""
    schedule = data["schedule"]
    conference = schedule["conference"]
    imported = Imported(
        event_name=_text(conference.get("title")) or None,
        timezone=_text(conference.get("time_zone_name")) or None,
    )
    url = _text(schedule.get("url") or conference.get("url"))
    imported.event_url = url if re.match(r"https?://\S+$", url) else None
    source_tz = _zone(imported.timezone)
    number = 0
    for day in _objects(conference.get("days")):
        rooms = day.get("rooms")
        if not isinstance(rooms, dict):
            continue
        for room, talks in rooms.items():
            for talk in _objects(talks):
                number += 1
                session = _session(talk, number, day, str(room), source_tz, imported)
                if session is not None:
                    imported.sessions.append(session)
    _number_slots(imported)
    return imported


def _session(
    talk: dict[str, Any],
    number: int,
    day: dict[str, Any],
    room: str,
    tz: ZoneInfo | None,
    imported: Imported,
) -> dict[str, Any] | None:
    code = _text(talk.get("code") or talk.get("guid") or talk.get("id"))
    title = _text(talk.get("title"))
    label = f"talk {code or '(no code)'} (#{number}{f', {title!r}' if title else ''})"
    problems = []
    if not code:
        problems.append(f"{label}, code: missing")
    if not title:
        problems.append(f"{label}, title: missing")
    start = _start(talk, day, tz, label, problems)
    length = _length(talk.get("duration"), label, problems)
    imported.problems += problems
    if problems or start is None or length is None:
        return None
    abstract, description = _text(talk.get("abstract")), _text(talk.get("description"))
    text = "\n\n".join(dict.fromkeys(part for part in (abstract, description) if part))
    speakers = [
        _text(person.get("public_name") or person.get("name"))
        for person in _objects(talk.get("persons"))
    ]
    return compact(
        {
            "id": code,
            "title": title,
            "start": start,
            "end": start + length,
            "type": _text(talk.get("type")),
            "description": text,
            "speakers": [{"name": name} for name in speakers if name],
            "location": _text(talk.get("room")) or room,
            "tags": [_text(talk.get("track"))] if _text(talk.get("track")) else [],
        }
    )


def _start(
    talk: dict[str, Any], day: dict[str, Any], tz: ZoneInfo | None, label: str, problems: list[str]
) -> datetime | None:
    """`date` (ISO, with the offset in force), or else the day's date and `start` (HH:MM)
    in the conference's timezone."""
    try:
        if talk.get("date"):
            moment = datetime.fromisoformat(str(talk["date"]))
        else:
            moment = datetime.combine(
                date.fromisoformat(str(day.get("date"))), time.fromisoformat(str(talk["start"]))
            )
    except (KeyError, ValueError):
        problems.append(f"{label}, date: cannot read {talk.get('date')!r} as a date and time")
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None and tz is not None else moment


def _length(value: Any, label: str, problems: list[str]) -> timedelta | None:
    match = _LENGTH.fullmatch(_text(value))
    if match is None:
        problems.append(f"{label}, duration: cannot read {value!r} as hours and minutes (HH:MM)")
        return None
    length = timedelta(hours=int(match[1]), minutes=int(match[2]), seconds=int(match[3] or 0))
    if not length:
        problems.append(f"{label}, duration: {value!r} is no time at all")
        return None
    return length


def _number_slots(imported: Imported) -> None:
    counts = Counter(session["id"] for session in imported.sessions)
    seen: Counter[str] = Counter()
    # By local clock time: pretalx gives every talk's offset, frab may give none.
    for session in sorted(imported.sessions, key=lambda s: s["start"].replace(tzinfo=None)):
        if counts[session["id"]] > 1:
            seen[session["id"]] += 1
            session["id"] = f"{session['id']}-{seen[session['id']]}"
    for code, count in counts.items():
        if count > 1:
            imported.notes.append(
                f"talk {code} is held in {count} slots: ids {code}-1 to {code}-{count}"
            )


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return str(value).replace("\r\n", "\n").strip() if value is not None else ""
