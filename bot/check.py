"""`python -m bot check [FILE]`: is the programme usable, and are the settings right?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath

from bot.answering.index import TopicIndex
from bot.answering.thesaurus import key
from bot.dates import day_name, offset_words, short_moment
from bot.importing.convert import guess_format
from bot.programme import Programme, ProgrammeError, load_programme
from bot.reminders.plan import plan_reminders
from bot.settings import Settings, SettingsError, load_settings
from bot.wording import counted


def run_check(
    out: Callable[[str], None] = print,
    *,
    env_file: Path | None = None,
    programme_path: Path | None = None,
) -> int:
    """Print what the programme (`programme_path`, else the setting's) and the settings hold
    and every problem found; return the exit status (0 when usable, 1 when not)."""
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings() if env_file is None else load_settings(_env_file=env_file)
    except SettingsError as error:
        problems.append(str(error))
    path = programme_path or (settings.programme_path if settings else Path("programme.json"))
    try:
        programme, warnings = load_programme(path)
    except ProgrammeError as error:
        lines = [f"  - {problem}" for problem in error.problems]
        lines += [f"  warning: {warning}" for warning in error.warnings]  # may explain them
        export = _export_format(path)
        if export:
            lines.append(
                f"  {path.name} looks like a {export} export, not a programme: turn it into "
                f"one with `python -m bot import {path}`"
            )
        problems.append(
            f"{path} has {counted(len(error.problems), 'problem')}:\n" + "\n".join(lines)
        )
    else:
        out(summary(programme, path))
        for warning in warnings + synonym_warnings(programme):
            out(f"  warning: {warning}")
        if settings is not None:
            out(reminder_summary(programme, settings.reminder_offsets, now=datetime.now(UTC)))
    if settings is not None:
        out(describe_settings(settings))
    if problems:
        out("\n".join(problems))
        again = f"python -m bot check {programme_path}" if programme_path else "python -m bot check"
        out(f"Not OK: fix the problems above and run `{again}` again.")
        return 1
    out("OK")
    return 0


def unreadable(path: Path) -> str | None:
    """One line saying why the file named on the command line cannot be read, if it cannot."""
    try:
        with path.open("rb"):
            return None
    except FileNotFoundError:
        return f"Cannot read {path}: there is no such file"
    except IsADirectoryError:
        return f"Cannot read {path}: it is a folder; name the programme file in it"
    except OSError as error:
        return f"Cannot read {path}: {(error.strerror or str(error)).lower()}"


def _export_format(path: Path) -> str | None:
    """The export format `python -m bot import` would read `path` as, if it is one."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    found = guess_format(raw, PurePath(path.name))
    return {"csv": "CSV", "sessionize": "Sessionize", "pretalx": "pretalx", "frab": "frab"}.get(
        found or ""
    )


def summary(programme: Programme, path: Path) -> str:
    """Event, days, and sessions per day."""
    event = programme.event
    lines = [f"{path}: {event.name} ({event.timezone})"]
    for day in programme.days:
        sessions = programme.on_day(day)
        headline = sum(1 for s in sessions if s.type == "headline")
        extra = f", {counted(headline, 'headline')}" if headline else ""
        lines.append(f"  {day_name(day)}: {counted(len(sessions), 'session')}{extra}")
    lines.append(f"  {counted(len(programme.sessions), 'session')} in all")
    if event.synonyms:
        said = counted(len(event.synonyms), "word or phrase", "words or phrases")
        lines.append(f"  Synonyms: {said} people may ask in (event.synonyms)")
    if event.note:
        lines.append(f"  Note: {event.note}")
    return "\n".join(lines)


def synonym_warnings(programme: Programme) -> list[str]:
    """Each of `event.synonyms` whose equivalents no session says: it finds nothing."""
    if not programme.event.synonyms:
        return []
    index = TopicIndex(programme.sessions)
    found = []
    for term, equivalents in programme.event.synonyms.items():
        if not any(index.phrase(key(equivalent)) for equivalent in equivalents):
            said = ", ".join(f"“{equivalent}”" for equivalent in equivalents)
            found.append(
                f"event.synonyms “{term}”: no session says {said}, so asking “{term}” "
                "finds nothing through it"
            )
    return found


def reminder_summary(
    programme: Programme, offsets: Sequence[timedelta], *, now: datetime, shown: int = 3
) -> str:
    """How many reminder batches are planned at which offsets, and the next few."""
    reminders, skipped = plan_reminders(programme, offsets, now=now)
    per_offset = Counter(reminder.offset for reminder in reminders)
    counts = ", ".join(f"{per_offset[o]} at {offset_words(o)} before" for o in offsets)
    lines = [f"Reminders: {counted(len(reminders), 'batch', 'batches')} planned ({counts})"]
    tz = programme.tz
    for reminder in reminders[:shown]:
        when = reminder.run_at.astimezone(tz)
        lines.append(
            f"  {short_moment(when)}: {reminder.session_id}, "
            f"{offset_words(reminder.offset)} before{' (late)' if reminder.late else ''}"
        )
    if skipped:
        lines.append(f"  {len(skipped)} not planned: their moments have passed")
    return "\n".join(lines)


def describe_settings(settings: Settings) -> str:
    """How the bot would connect, and what is still missing."""
    missing = settings.missing_for_slack()
    if missing:
        mode = "offline console only (missing " + ", ".join(missing) + ")"
    elif settings.socket_mode:
        mode = "Socket Mode"
    else:
        mode = f"HTTP on port {settings.port}, path /slack/events"
    lines = [f"Settings: Slack connection: {mode}", f"  Slack Web API: {settings.slack_api_url}"]
    if not settings.announcements_channel:
        lines.append("  ANNOUNCEMENTS_CHANNEL is not set (needed for announcements)")
    return "\n".join(lines)
