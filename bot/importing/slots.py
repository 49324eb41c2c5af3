"""Session ids for a spreadsheet's rows: given, or made from titles; and the slots of a
session held more than once."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from bot.importing.fields import slugify
from bot.importing.result import Imported, compact
from bot.wording import joined


@dataclass
class Row:
    """One row read: its number in the spreadsheet, the session (start and end as
    datetimes), and whether the row gave the id."""

    number: int
    session: dict[str, Any]
    explicit_id: bool


def assign_ids(rows: list[Row], *, id_heading: str, imported: Imported) -> None:
    """Ids given, or made from titles. Rows sharing an id (and a title) are the slots of one
    session, numbered `-1`, `-2`, … in row order."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        base = row.session["id"] or slugify(row.session["title"])
        first = groups[base][0] if groups[base] else None
        if first is not None and slugify(first.session["title"]) != slugify(row.session["title"]):
            where = (
                f"column {id_heading!r}: id" if row.explicit_id else "the id made from its title,"
            )
            imported.problems.append(
                f"row {row.number}, {where} {base!r} is already used by row {first.number} for "
                f"another session ({first.session['title']!r})"
            )
            continue
        groups[base].append(row)
    for base, group in groups.items():
        if len(group) == 1:
            group[0].session["id"] = base
            continue
        for number, row in enumerate(group, start=1):
            row.session["id"] = f"{base}-{number}"
        imported.notes.append(
            f"rows {joined([str(row.number) for row in group])}: "
            f"{group[0].session['title']!r} is held in {len(group)} slots, given ids "
            f"{joined([row.session['id'] for row in group])}"
        )
    kept = [row for group in groups.values() for row in group]
    ids = Counter(row.session["id"] for row in kept)
    for session_id, count in ids.items():
        if count > 1:  # a slot's id given to another row too: `tutorial-2`
            numbers = [str(row.number) for row in kept if row.session["id"] == session_id]
            imported.problems.append(f"id {session_id!r} is used by rows {joined(numbers)}")
    if not imported.problems:
        imported.sessions = [compact(row.session) for row in kept]
