from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.check import reminder_summary
from bot.programme import load_programme

ROOT = Path(__file__).resolve().parents[1]
OFFSETS = (timedelta(days=1), timedelta(minutes=15))


def test_reminder_plan_before_the_week() -> None:
    programme, _ = load_programme(ROOT / "programme.json")
    now = datetime(2023, 3, 19, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    lines = reminder_summary(programme, OFFSETS, now=now).splitlines()
    assert lines[0] == "Reminders: 48 batches planned (24 at 1 day before, 24 at 15 minutes before)"
    assert lines[1] == "  Sun 19 Mar, 09:30: mon-supervision, 1 day before"
    assert len(lines) == 4


def test_reminder_plan_after_the_week() -> None:
    programme, _ = load_programme(ROOT / "programme.json")
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    assert reminder_summary(programme, OFFSETS, now=now).splitlines() == [
        "Reminders: 0 batches planned (0 at 1 day before, 0 at 15 minutes before)",
        "  48 not planned: their moments have passed",
    ]
