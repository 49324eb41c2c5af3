"""`python -m bot check`: the summary in words, and problems shown with the warnings."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.check import reminder_summary, run_check, summary
from bot.programme import load_programme
from bot.settings import Settings
from tests.support.launcher import run as run_forked

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


def write_programme(path: Path, *sessions: dict[str, Any]) -> Path:
    event = {"name": "SWW", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": list(sessions)}))
    return path


def session(**fields: Any) -> dict[str, Any]:
    base = {"id": "s1", "title": "A session", "start": "2023-03-21T12:30", "duration": 90}
    return base | fields


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def checked(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    monkeypatch.setenv("PROGRAMME_PATH", str(path))
    lines: list[str] = []
    status = run_check(lambda text: lines.extend(text.splitlines()))
    return status, lines


def test_summary_counts_in_words(tmp_path: Path) -> None:
    path = write_programme(
        tmp_path / "week.json",
        session(type="headline"),
        session(id="s2", start="2023-03-22T09:00"),
        session(id="s3", start="2023-03-22T10:00", type="headline"),
        session(id="s4", start="2023-03-22T11:00", type="headline"),
    )
    programme, _ = load_programme(path)
    assert summary(programme, path).splitlines() == [
        f"{path}: SWW (Europe/London)",
        "  Tuesday 21 March: 1 session, 1 headline",
        "  Wednesday 22 March: 3 sessions, 2 headlines",
        "  4 sessions in all",
    ]
    one = load_programme(write_programme(tmp_path / "one.json", session(end="2023-03-21T14:00")))
    assert summary(one[0], path).splitlines()[-1] == "  1 session in all"


def test_one_reminder_batch(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path / "week.json", session()))
    now = datetime(2023, 3, 20, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    assert reminder_summary(programme, OFFSETS[1:], now=now).splitlines() == [
        "Reminders: 1 batch planned (1 at 15 minutes before)",
        "  Tue 21 Mar, 12:15: s1, 15 minutes before",
    ]


@pytest.mark.usefixtures("clean_environment")
def test_check_prints_warnings_with_the_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_programme(tmp_path / "week.json", session(duration=None, lenght=90))
    status, lines = checked(path, monkeypatch)
    assert status == 1
    problems = lines.index(f"{path} has 1 problem:")
    assert lines[problems : problems + 4] == [
        f"{path} has 1 problem:",
        "  - session 's1' (#1): end or duration is required",
        "  warning: session 's1' (#1): unknown field 'lenght' ignored",
        "Not OK: fix the problems above and run `python -m bot check` again.",
    ]


@pytest.mark.usefixtures("clean_environment")
def test_check_accepts_duration_and_prints_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_programme(tmp_path / "week.json", session(room="B12"))
    status, lines = checked(path, monkeypatch)
    assert status == 0
    assert lines[:4] == [
        f"{path}: SWW (Europe/London)",
        "  Tuesday 21 March: 1 session",
        "  1 session in all",
        "  warning: session 's1' (#1): unknown field 'room' ignored",
    ]
    assert lines[-1] == "OK"


def test_start_up_prints_warnings_with_the_problems(tmp_path: Path) -> None:
    path = write_programme(tmp_path / "week.json", session(start=20230321, lenght=90))
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    env |= {"PROGRAMME_PATH": str(path), "DATABASE_PATH": str(tmp_path / "bot.json")}
    result = run_forked(["console"], cwd=tmp_path, env=env | {"PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path} cannot be used:",
        "  - session 's1' (#1): start should be a date and time such as 2027-03-16T09:30",
        "  warning: session 's1' (#1): unknown field 'lenght' ignored",
        "Run `python -m bot check` after fixing it.",
    ]


def run_check_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLACK_")}
    env.pop("PROGRAMME_PATH", None)
    return run_forked(["check", *args], cwd=tmp_path, env=env | {"PYTHONPATH": str(ROOT)})


def test_check_names_the_file_to_check(tmp_path: Path) -> None:
    """`python -m bot check FILE`, as `import` leaves the file for it: the rC3 2020 export,
    imported, is checked with its days in its own time."""
    source = ROOT / "tests" / "data" / "import" / "rc3-2020-pretalx-schedule.json"
    imported = tmp_path / "rc3.json"
    done = run_forked(
        ["import", str(source), "--output", str(imported)],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    result = run_check_command(tmp_path, str(imported))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:5] == [
        f"{imported}: rC3 Channels (Etc/GMT-1)",
        "  Sunday 27 December: 12 sessions",
        "  Monday 28 December: 15 sessions",
        "  Tuesday 29 December: 14 sessions",
        "  41 sessions in all",
    ]
    assert result.stdout.rstrip().endswith("OK")


def test_check_of_a_file_that_cannot_be_read_says_so_in_one_line(tmp_path: Path) -> None:
    for name, expected in (
        ("missing.json", "Cannot read missing.json: there is no such file"),
        (".", "Cannot read .: it is a folder; name the programme file in it"),
    ):
        result = run_check_command(tmp_path, name)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr.splitlines() == [expected]


def test_check_of_an_export_says_to_import_it(tmp_path: Path) -> None:
    export = ROOT / "tests" / "data" / "import" / "pnf-2022-program.csv"
    result = run_check_command(tmp_path, str(export))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-4:] == [
        f"{export} has 1 problem:",
        "  - not valid JSON at line 1, column 1: Expecting value",
        "  pnf-2022-program.csv looks like a CSV export, not a programme: turn it into one with "
        f"`python -m bot import {export}`",
        f"Not OK: fix the problems above and run `python -m bot check {export}` again.",
    ]
    assert "Traceback" not in result.stdout + result.stderr
