"""`python -m bot import` as an organiser runs it: a subprocess, its exit status, the
programme on standard output or in `--output`, and problems and notes on standard error."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.programme import load_programme
from tests.importing.helpers import DATA
from tests.support.launcher import run as run_forked

ROOT = DATA.parents[2]


def run_import(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return run_forked(["import", *args], cwd=tmp_path, env=env)


def test_the_programme_goes_to_standard_output(tmp_path: Path) -> None:
    done = run_import(tmp_path, str(DATA / "week.csv"), "--event-name", "Social Work Week 2027")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["event"] == {"name": "Social Work Week 2027", "timezone": "Europe/London"}
    assert len(data["sessions"]) == 9
    assert done.stderr.splitlines() == [
        "note: column 'Notes for the team' ignored",
        "note: rows 5 and 9: 'Motivational interviewing: a practical introduction' is held in 2 "
        "slots, given ids motivational-interviewing-a-practical-1 and "
        "motivational-interviewing-a-practical-2",
        "note: times read as Europe/London time; give --timezone if the event is elsewhere",
        "Imported 9 sessions over 5 days from week.csv (csv): Social Work Week 2027, Europe/London",
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow(seconds=3)
def test_output_written_then_replaced(tmp_path: Path) -> None:
    output = tmp_path / "programme.json"
    source = str(DATA / "pyconfr-2024-schedule.json")
    first = run_import(tmp_path, source, "--output", str(output))
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""
    assert first.stderr.splitlines() == [
        f"Wrote {output}",
        "Imported 68 sessions over 2 days from pyconfr-2024-schedule.json (pretalx): "
        "PyConFR 2024, Europe/Paris",
    ]
    programme, warnings = load_programme(output)
    assert len(programme.sessions) == 68 and warnings == []
    again = run_import(
        tmp_path, source, "--output", "programme.json", "--timezone", "Europe/London"
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[:2] == [
        "note: timezone Europe/London used, not the export's Europe/Paris",
        "Replaced programme.json",
    ]
    assert load_programme(output)[0].event.timezone == "Europe/London"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["programme.json"]


def test_a_broken_file_lists_its_problems_and_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "programme.json"
    output.write_text("the good programme", encoding="utf-8")
    done = run_import(tmp_path, str(DATA / "broken.csv"), "--output", str(output))
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[:3] == [
        "note: row 1 (above the column headings) skipped",
        "broken.csv has 13 problems:",
        "  - row 4, column 'Title': the title is missing",
    ]
    assert lines[-1] == "Nothing was written."
    assert "Traceback" not in done.stderr
    assert output.read_text(encoding="utf-8") == "the good programme"


# The rest in this process, through the same entry point: as above, and quicker.


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["import", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_format_and_timezone_named_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sessionize = str(DATA / "dddmelbourne-2024-sessionize.json")
    options = ("--format", "sessionize", "--timezone", "Australia/Melbourne", "--event-name", "DDD")
    status, out, err = run_main(capsys, sessionize, *options)
    assert status == 0, err
    assert json.loads(out)["event"] == {"name": "DDD", "timezone": "Australia/Melbourne"}
    status, out, err = run_main(capsys, sessionize, "--format", "pretalx")
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "dddmelbourne-2024-sessionize.json has 1 problem:",
        '  - not a frab or pretalx schedule.json: it should have "schedule" with "conference"',
        "Nothing was written.",
    ]
    status, out, err = run_main(capsys, sessionize, "--timezone", "Europe/Lundon")
    assert (status, out) == (1, "")
    assert "  - --timezone: unknown timezone 'Europe/Lundon'" in err


def test_files_that_cannot_be_read_or_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nowhere.csv")
    assert run_main(capsys, missing) == (
        1,
        "",
        f"Cannot read {missing}: No such file or directory\n",
    )
    source = tmp_path / "programme.csv"
    source.write_bytes((DATA / "week.csv").read_bytes())
    assert run_main(capsys, str(source), "--output", str(source)) == (
        1,
        "",
        f"{source} is the file being imported; give --output another name\n",
    )
    assert source.read_bytes() == (DATA / "week.csv").read_bytes()
    blocked = tmp_path / "no-such-folder" / "programme.json"
    status, out, err = run_main(capsys, str(DATA / "week.csv"), "--output", str(blocked))
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == f"Cannot write {blocked}: No such file or directory"


def test_unknown_options_are_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["import", "week.csv", "--format", "xlsx"])
    assert caught.value.code == 2
    assert "invalid choice: 'xlsx'" in capsys.readouterr().err
