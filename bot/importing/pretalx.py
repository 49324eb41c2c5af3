"""frab's `schedule.json`, which pretalx exports too (Schedule → Export → "JSON (frab
compatible)") and the CCC's Fahrplan publishes: the conference, its timezone, and per day and
room the talks, each with its start as a local time with an offset and its length as `HH:MM`.

Ids are short enough to type: a talk's pretalx `code` as pretalx writes it (`8XMBS3`), else its
`slug` (frab's `Camp2019-10386-opening_ceremony` becomes `opening-ceremony`), else its title
made lowercase and hyphenated; never a 36-character `guid`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain, count
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.importing.fields import slugify
from bot.importing.result import Imported, compact

_LENGTH = re.compile(r"(\d+):(\d{2})(?::(\d{2}))?")
# An id a person can type as it stands: pretalx's codes (`8XMBS3`), a short plain slug.
_TYPEABLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,39}")
ID_LIMIT = 40


def is_pretalx(data: Any) -> bool:
    """A frab-shaped `schedule.json`, written by pretalx, frab or anything else."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    return isinstance(schedule, dict) and isinstance(schedule.get("conference"), dict)


def written_by_pretalx(data: dict[str, Any]) -> bool:
    """Whether pretalx wrote the export (it names itself, or its addresses are pretalx's)."""
    generator = data.get("generator")
    if isinstance(generator, dict) and "pretalx" in _text(generator.get("name")).casefold():
        return True
    schedule = data["schedule"]
    return "pretalx" in _text(schedule.get("base_url") or schedule.get("url")).casefold()


def read_pretalx(data: dict[str, Any]) -> Imported:
    """Every talk of every day and room. A submission scheduled in several slots appears once
    per slot, with the same code: its slots get ids `CODE-1`, `CODE-2`, …"""
    schedule = data["schedule"]
    conference = schedule["conference"]
    imported = Imported(
        event_name=_text(conference.get("title")) or None,
        timezone=_text(conference.get("time_zone_name")) or None,
    )
    url = _text(schedule.get("url") or conference.get("url") or schedule.get("base_url"))
    imported.event_url = url if re.match(r"https?://\S+$", url) else None
    source_tz = _zone(imported.timezone)
    acronym = _text(conference.get("acronym"))
    number = 0
    talks_read: list[_Talk] = []
    for day in _objects(conference.get("days")):
        rooms = day.get("rooms")
        if not isinstance(rooms, dict):
            continue
        for room, talks in rooms.items():
            for talk in _objects(talks):
                number += 1
                session = _session(talk, number, day, str(room), source_tz, imported)
                if session is not None:
                    talks_read.append(_Talk(session, *_id_base(talk, acronym)))
    _assign_ids(talks_read, imported)
    imported.sessions = [talk.session for talk in talks_read]
    return imported


def _session(
    talk: dict[str, Any],
    number: int,
    day: dict[str, Any],
    room: str,
    tz: ZoneInfo | None,
    imported: Imported,
) -> dict[str, Any] | None:
    code = _text(talk.get("code") or talk.get("slug") or talk.get("guid") or talk.get("id"))
    title = _text(talk.get("title"))
    label = f"talk {code or '(no code)'} (#{number}{f', {title!r}' if title else ''})"
    problems = []
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
            "id": code or title,
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


@dataclass
class _Talk:
    """A talk read: its session, what tells its slots apart from other talks' (`key`: the
    code, slug, guid or title it came with), the short id wanted for it, and frab's number
    for it, if any."""

    session: dict[str, Any]
    key: str
    base: str
    number: str


def _id_base(talk: dict[str, Any], acronym: str) -> tuple[str, str, str]:
    """The talk's key, the short id wanted for it, and its frab number (or "")."""
    code, slug = _text(talk.get("code")), _text(talk.get("slug"))
    title = _text(talk.get("title"))
    key = code or slug or _text(talk.get("guid")) or _text(talk.get("id")) or title
    number = _text(talk.get("id"))
    number = number if number.isdigit() else ""
    if code and _TYPEABLE.fullmatch(code):
        return key, code, number
    if slug and not code:
        # frab's slug is `<acronym>-<number>-<title_words>`: the title words are what a
        # person would type; the acronym and number are the same or meaningless to them.
        frab = re.fullmatch(rf"{re.escape(acronym)}-\d+-(.+)", slug, re.IGNORECASE)
        if frab and acronym:
            return key, slugify(frab[1], limit=ID_LIMIT), number
        if _TYPEABLE.fullmatch(slug):
            return key, slug, number  # pretalx 1.x wrote the talk's code here
    return key, slugify(code or slug or title, limit=ID_LIMIT), number


def _assign_ids(talks: list[_Talk], imported: Imported) -> None:
    """Each talk's id: its base, unique within the programme. Talks sharing a key are the
    slots of one talk (pretalx repeats the code), given ids `BASE-1`, `BASE-2`, … by time;
    a base already taken by another talk gets the talk's frab number (`lightning-talks-10380`)
    or else `-2`, `-3`, …"""
    by_key: dict[str, list[_Talk]] = {}
    # By local clock time: pretalx gives every talk's offset, frab may give none.
    for talk in sorted(talks, key=lambda t: t.session["start"].replace(tzinfo=None)):
        by_key.setdefault(talk.key, []).append(talk)
    taken: set[str] = set()
    for key, slots in by_key.items():
        base = slots[0].base
        first = [slots[0].number] if slots[0].number else []
        suffixes = chain(first, map(str, count(2)))
        ids = _ids(base, len(slots))
        while taken.intersection(ids):
            ids = _ids(f"{base}-{next(suffixes)}", len(slots))
        taken.update(ids)
        for talk, session_id in zip(slots, ids, strict=True):
            talk.session["id"] = session_id
        if len(slots) > 1:
            imported.notes.append(
                f"talk {key} is held in {len(slots)} slots: ids {ids[0]} to {ids[-1]}"
            )


def _ids(base: str, slots: int) -> list[str]:
    return [base] if slots == 1 else [f"{base}-{n}" for n in range(1, slots + 1)]


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return str(value).replace("\r\n", "\n").strip() if value is not None else ""
