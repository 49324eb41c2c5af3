"""From an export's bytes to `programme.json` text, checked exactly as `check` checks it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import json_input
from bot.importing.csv_file import read_csv
from bot.importing.markup import to_mrkdwn
from bot.importing.pretalx import is_pretalx, read_pretalx, written_by_pretalx
from bot.importing.result import Imported, compact
from bot.importing.sessionize import is_sessionize, read_sessionize
from bot.json_input import TooDeep
from bot.programme import Programme, ProgrammeError, parse_programme

FORMATS = ("csv", "sessionize", "pretalx", "frab")  # pretalx's export is frab's schedule.json
DEFAULT_TIMEZONE = "Europe/London"
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class Conversion:
    """The programme's JSON text and the programme it checks as, when usable; else every
    problem found. Notes say what was read differently or left out."""

    format: str | None
    text: str | None = None
    programme: Programme | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def convert(
    raw: bytes,
    *,
    filename: str,
    format: str | None = None,
    timezone: str | None = None,
    event_name: str | None = None,
) -> Conversion:
    """Read `raw` (the file called `filename`) as `format`, or as the format it looks like.
    `timezone` and `event_name`, when given, win over what the export says."""
    path = PurePath(filename)
    fmt = format or guess_format(raw, path)
    if fmt is None:
        problem = (
            _programme_already(raw, path)
            or _nested_too_deeply(raw, path)
            or (
                f"cannot tell whether {path.name} is a CSV, Sessionize or frab/pretalx export; "
                "name it with --format csv, --format sessionize or --format frab"
            )
        )
        return Conversion(format=None, problems=[problem])
    imported = _read(raw, fmt, path)
    result = Conversion(format=fmt, problems=imported.problems, notes=imported.notes)
    if not timezone and not imported.timezone and not result.problems:
        imported.timezone = _zone_of_offsets(imported, result)
        if imported.timezone is None and not result.problems:
            result.notes.append(
                f"times read as {DEFAULT_TIMEZONE} time; give --timezone if the event is elsewhere"
            )
    tz_name = timezone or imported.timezone or DEFAULT_TIMEZONE
    tz = _zone(tz_name, "--timezone" if timezone else "the export's timezone", result)
    if timezone and imported.timezone and timezone != imported.timezone:
        result.notes.append(f"timezone {timezone} used, not the export's {imported.timezone}")
    if not result.problems and not imported.sessions:
        result.problems.append(f"no sessions found in {path.name}")
    if result.problems or tz is None:
        return result
    name = event_name or imported.event_name
    if not name:
        name = path.stem
        result.notes.append(
            f"event name {name!r} taken from the file name; give --event-name to change it"
        )
    event = compact({"name": name, "timezone": tz_name, "url": imported.event_url})
    sessions = [compact(_described(_localised(session, tz))) for session in imported.sessions]
    sessions.sort(key=lambda s: (s["start"], s.get("location", ""), s["id"]))
    text = json.dumps({"event": event, "sessions": sessions}, ensure_ascii=False, indent=2)
    try:
        result.programme, result.warnings = parse_programme(text + "\n", source=path.name)
    except ProgrammeError as error:
        result.problems += error.problems
        return result
    result.text = text + "\n"
    return result


def guess_format(raw: bytes, path: PurePath) -> str | None:
    """csv for `.csv`, `.tsv` and `.txt` files; for JSON, Sessionize's "All data" (top-level
    sessions, speakers and rooms) or frab's schedule (schedule.conference), which is "pretalx"
    when pretalx wrote it."""
    if path.suffix.casefold() in _CSV_SUFFIXES:
        return "csv"
    try:
        data = json_input.loads(raw.decode("utf-8-sig"))
    except TooDeep:
        return None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None if path.suffix.casefold() == ".json" else "csv"
    if is_sessionize(data):
        return "sessionize"
    if is_pretalx(data):
        return "pretalx" if written_by_pretalx(data) else "frab"
    return None


def _read(raw: bytes, fmt: str, path: PurePath) -> Imported:
    if fmt == "csv":
        return read_csv(raw, tsv=path.suffix.casefold() == ".tsv")
    try:
        data: Any = json_input.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Imported(problems=[f"{path.name} is not UTF-8 text, as JSON must be"])
    except TooDeep as error:
        return Imported(problems=[f"{path.name} is {error}: no programme export is"])
    except json.JSONDecodeError as error:
        return Imported(
            problems=[
                f"{path.name} is not valid JSON at line {error.lineno}, "
                f"column {error.colno}: {error.msg}"
            ]
        )
    if fmt == "sessionize":
        if is_sessionize(data):
            return read_sessionize(data)
        problem = (
            'not a Sessionize "All data" export: it should have "sessions", "speakers" '
            'and "rooms" lists'
        )
    else:
        if is_pretalx(data):
            return read_pretalx(data)
        problem = 'not a frab or pretalx schedule.json: it should have "schedule" with "conference"'
    return Imported(problems=[_programme_already(raw, path) or problem])


def _programme_already(raw: bytes, path: PurePath) -> str | None:
    """Said of our own `programme.json`, given to import by mistake."""
    try:
        data = json_input.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(data, dict) and "event" in data and "sessions" in data:
        return f"{path.name} is a programme already; check it with `python -m bot check`"
    return None


def _nested_too_deeply(raw: bytes, path: PurePath) -> str | None:
    try:
        json_input.loads(raw.decode("utf-8-sig"))
    except TooDeep as error:
        return f"{path.name} is {error}: no programme export is"
    except (UnicodeDecodeError, ValueError):
        return None
    return None


def _zone_of_offsets(imported: Imported, result: Conversion) -> str | None:
    """The timezone of an export that names none, from the UTC offset its times carry: when
    they all carry the same whole-hour offset, the IANA zone of that fixed offset (`+01:00`
    is `Etc/GMT-1`: IANA writes the sign the other way round), said in a note. None when the
    times carry no offset; a problem when their offsets differ or have no such zone."""
    offsets = {
        offset
        for session in imported.sessions
        for moment in (session["start"], session["end"])
        if (offset := moment.utcoffset()) is not None
    }
    if not offsets:
        return None
    if len(offsets) > 1:
        listed = ", ".join(_offset(offset) for offset in sorted(offsets))
        result.problems.append(
            f"the export names no timezone and its times are at different UTC offsets "
            f"({listed}), so its clocks change: give --timezone, the IANA name of the "
            "event's place, such as Europe/Berlin"
        )
        return None
    (offset,) = offsets
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest:
        result.problems.append(
            f"the export names no timezone and its times are at UTC{_offset(offset)}, which "
            "has no fixed-offset IANA zone: give --timezone, the IANA name of the event's "
            "place, such as Asia/Kolkata"
        )
        return None
    name = "UTC" if not hours else f"Etc/GMT{-hours:+d}"
    result.notes.append(
        f"the export names no timezone; all its times are at UTC{_offset(offset)}, so the "
        f"programme's timezone is {name} (that offset all year); give --timezone with the "
        "IANA name of the event's place (such as Europe/Berlin) if its clocks change"
    )
    return name


def _offset(offset: timedelta) -> str:
    """`+01:00`, `-05:30`, `+00:00`."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone(name: str, origin: str, result: Conversion) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        result.problems.append(
            f"{origin}: unknown timezone {name!r}; use an IANA name such as Europe/London"
        )
        return None


def _described(session: dict[str, Any]) -> dict[str, Any]:
    """The description as Slack mrkdwn, whatever the export wrote it in (HTML, Markdown or
    plain text)."""
    return session | {"description": to_mrkdwn(session.get("description") or "")}


def _localised(session: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """`start` and `end` as ISO text local to the event: an aware time is moved into the
    event's timezone, a naive one is taken as local already."""

    def local(moment: datetime) -> str:
        if moment.tzinfo is not None:
            moment = moment.astimezone(tz).replace(tzinfo=None)
        return moment.isoformat()

    return session | {"start": local(session["start"]), "end": local(session["end"])}
