"""A programme kept in a spreadsheet, exported as CSV: one row per session (or per slot)."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.importing.fields import (
    check_url,
    header_key,
    parse_capacity,
    parse_date,
    parse_duration,
    parse_speakers,
    parse_tags,
    parse_time,
    parse_time_range,
)
from bot.importing.result import Imported
from bot.importing.slots import Row, assign_ids

# Our fields, each with the headings people use for it (compared by `header_key`).
COLUMNS: dict[str, str] = {
    "id": "id sessionid ref reference code",
    "title": "title sessiontitle talk talktitle presentation presentationtitle "
    "titleofpresentation titleofmypresentation titleofthetalk",
    "date": "date day sessiondate when",
    "start": "start starttime starts startsat from begins time times",
    "end": "end endtime ends endsat to until finish finishes",
    "duration": "duration length minutes mins durationmins durationminutes lengthmins",
    "type": "type sessiontype format kind category",
    "description": "description abstract summary details about blurb",
    "speakers": "speakers speaker presenters presenter facilitators facilitator panellists "
    "panelists with fullname speakername speakernames speakerfullname presentername "
    "presenternames author authors",
    "host": "host hosts hostedby organiser organizer hostorganisation",
    "location": "location room venue place where",
    "join_url": "link joininglink joinurl joinlink url meetinglink zoomlink teamslink onlinelink",
    "track": "track tracks stream streams block blocks strand strands sessionblock",
    "tags": "tags tag themes theme topics keywords",
    "capacity": "capacity places spaces seats maxattendees limit",
}
# Headings that give the title only when no other column does: otherwise `Session` is the
# block or track a talk belongs to (`session,title,full_name`), and `Name` a person's.
AMBIGUOUS: dict[str, str] = {"session": "track", "sessionname": "track", "name": "speakers"}
NAMES = {
    "title": "the title",
    "date": "the date",
    "start": "the start time",
    "end": "the end time",
    "duration": "the length",
}
_FIELDS = {key: name for name, keys in COLUMNS.items() for key in keys.split()}
_HEADER_SEARCH = 10  # rows looked at for the headings (a title row may come first)


def read_csv(raw: bytes, *, tsv: bool = False) -> Imported:
    """Read a spreadsheet's CSV export (UTF-8 with or without BOM, else Windows-1252; comma,
    semicolon or tab separated)."""
    imported = Imported()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        imported.notes.append("the file is not UTF-8; read it as Windows-1252 (Excel's CSV)")
    delimiter = "\t" if tsv else _delimiter(text)
    rows = _rows(text, delimiter)
    oversized = _oversized_cell(rows)
    if oversized:
        imported.problems.append(oversized)
        return imported
    header_at = _find_header(rows)
    if header_at is None:
        imported.problems.append(
            "no column for the session title: the first row should name the columns, "
            "such as Title, Date, Start time, End time"
        )
        return imported
    if header_at:
        above = "row 1" if header_at == 1 else f"rows 1 to {header_at}"
        imported.notes.append(f"{above} (above the column headings) skipped")
    columns, tracks = _columns(rows[header_at], imported)
    if imported.problems:
        return imported
    width = len(rows[header_at])
    read = [
        _read_row(number, cells, columns, tracks, width, imported)
        for number, cells in enumerate(rows[header_at + 1 :], start=header_at + 2)
        if any(cell.strip() for cell in cells)
    ]
    id_heading = columns["id"][1] if "id" in columns else "ID"
    assign_ids([row for row in read if row is not None], id_heading=id_heading, imported=imported)
    imported.problems.sort(key=_row_number)
    return imported


MAX_CELL = 100_000
"""Characters in one cell: ten times the longest session description we have seen."""
_CSV_LIMIT = threading.Lock()


def _rows(text: str, delimiter: str) -> list[list[str]]:
    """The rows, read whole whatever the size of a cell: Python's csv module stops at 128 KB
    with an error that names neither row nor column, so its limit is lifted while reading
    (it is the process's, hence the lock) and `_oversized_cell` says where instead."""
    with _CSV_LIMIT:
        limit = csv.field_size_limit(max(len(text), 1))
        try:
            return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        finally:
            csv.field_size_limit(limit)


def _oversized_cell(rows: list[list[str]]) -> str | None:
    """The first cell longer than any programme needs, said with its row and column."""
    for number, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells, start=1):
            if len(cell) > MAX_CELL:
                size = len(cell.encode("utf-8"))
                amount = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size:,} bytes"
                return (
                    f"row {number}, column {column}: a cell of {amount} is larger than any "
                    f"programme needs (at most {MAX_CELL:,} characters)"
                )
    return None


def _delimiter(text: str) -> str:
    """The separator of the first line that has one: `;` (European Excel), tab or `,`."""
    for line in text.splitlines():
        counts = {sep: line.count(sep) for sep in (",", ";", "\t")}
        best = max(counts, key=lambda sep: counts[sep])
        if counts[best]:
            return best
    return ","


def _find_header(rows: list[list[str]]) -> int | None:
    for index, cells in enumerate(rows[:_HEADER_SEARCH]):
        keys = [header_key(cell) for cell in cells]
        if any(_FIELDS.get(key) == "title" or key in AMBIGUOUS for key in keys):
            return index
    return None


def _columns(
    headings: list[str], imported: Imported
) -> tuple[dict[str, tuple[int, str]], list[tuple[int, str]]]:
    """Each of our fields found, with its column's index and heading as written; and the
    track columns, of which there may be several."""
    columns: dict[str, tuple[int, str]] = {}
    tracks: list[tuple[int, str]] = []
    keys = [header_key(heading) for heading in headings]
    title_at = next((i for i, key in enumerate(keys) if _FIELDS.get(key) == "title"), None)
    if title_at is None:
        title_at = next((i for i, key in enumerate(keys) if key in AMBIGUOUS), None)
    for index, (heading, key) in enumerate(zip(headings, keys, strict=True)):
        name = _FIELDS.get(key)
        if key in AMBIGUOUS:
            name = "title" if index == title_at else AMBIGUOUS[key]
            if name != "title" and title_at is not None:
                imported.notes.append(
                    f"column {heading.strip()!r} read as "
                    f"{'a track (a tag)' if name == 'track' else 'the speakers'}, as "
                    f"{headings[title_at].strip()!r} gives the title"
                )
        if name is None:
            if heading.strip():
                imported.notes.append(f"column {heading.strip()!r} ignored")
        elif name == "track":
            tracks.append((index, heading.strip()))
        elif name in columns:
            imported.problems.append(
                f"columns {columns[name][1]!r} and {heading.strip()!r} both give "
                f"{NAMES.get(name, 'the ' + name.replace('_', ' '))}; keep one"
            )
        else:
            columns[name] = (index, heading.strip())
    for name, examples in (("date", "'Date'"), ("start", "'Start time' or 'From'")):
        if name not in columns:
            imported.problems.append(f"no column for {NAMES[name]} (a heading such as {examples})")
    if "end" not in columns and "duration" not in columns:
        imported.problems.append(
            "no column for the end time or the length (a heading such as 'End time', 'To' "
            "or 'Duration')"
        )
    return columns, tracks


def _read_row(
    number: int,
    cells: list[str],
    columns: dict[str, tuple[int, str]],
    tracks: list[tuple[int, str]],
    width: int,
    imported: Imported,
) -> Row | None:
    if any(cell.strip() for cell in cells[width:]):
        imported.problems.append(
            f"row {number}: {len(cells)} cells under {width} headings (a comma or semicolon "
            "in a cell that is not in quotes?)"
        )
        return None
    problems: list[str] = []

    def cell(name: str) -> str:
        index = columns[name][0] if name in columns else None
        text = cells[index] if index is not None and index < len(cells) else ""
        return text.replace("\r\n", "\n").strip()

    def read(name: str, parse: Callable[[str], Any], *, required: bool = False) -> Any:
        text = cell(name)
        if not text:
            if required:
                problems.append(
                    f"row {number}, column {columns[name][1]!r}: {NAMES[name]} is missing"
                )
            return None
        try:
            return parse(text)
        except ValueError as error:
            problems.append(f"row {number}, column {columns[name][1]!r}: {error}")
            return None

    title = read("title", str, required=True)
    day: date | None = read("date", parse_date, required=True)
    times: tuple[time, time | None] | None = read("start", parse_time_range, required=True)
    end: time | None = read("end", parse_time)
    length: timedelta | None = read("duration", parse_duration)
    session = {
        "id": cell("id"),
        "title": title,
        "start": None,
        "end": None,
        "type": cell("type"),
        "description": cell("description"),
        "speakers": [
            speaker.model_dump(exclude_none=True)
            for speaker in read("speakers", parse_speakers) or []
        ],
        "host": cell("host"),
        "location": cell("location"),
        "join_url": read("join_url", check_url),
        # A track names one block of the programme, commas and all; only tags are a list.
        "tags": list(
            dict.fromkeys(
                [
                    " ".join(cells[index].split())
                    for index, _ in tracks
                    if index < len(cells) and cells[index].strip()
                ]
                + (read("tags", parse_tags) or [])
            )
        ),
        "capacity": read("capacity", parse_capacity),
    }
    if day is not None and times is not None:
        start = datetime.combine(day, times[0])
        end_column = "end"
        if end is None and times[1] is not None:
            end, end_column = times[1], "start"
        if end is not None:
            finish: datetime | None = datetime.combine(day, end)
        elif length is not None:
            finish = start + length
        else:
            finish = None
            if not cell("end") and not cell("duration"):
                given = [columns[name][1] for name in ("end", "duration") if name in columns]
                problems.append(
                    f"row {number}, column {given[0]!r}: the end time is missing"
                    if len(given) == 1
                    else f"row {number}, columns {given[0]!r} and {given[1]!r}: give an "
                    "end time or a length"
                )
        if finish is not None and finish <= start:
            problems.append(
                f"row {number}, column {columns[end_column][1]!r}: ends at {finish:%H:%M}, "
                f"not after it starts ({start:%H:%M})"
            )
        session["start"], session["end"] = start, finish
    imported.problems += problems
    if problems:
        return None
    return Row(number, session, explicit_id=bool(session["id"]))


def _row_number(problem: str) -> int:
    """Problems are listed in row order; those naming no row come first."""
    match = re.match(r"rows? (\d+)", problem)
    return int(match[1]) if match else 0
