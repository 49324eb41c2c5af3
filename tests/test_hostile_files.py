"""Hostile files (issue #21, cause 6): JSON nested 200,000 deep given to `import`, `check`
and start-up as the programme, and a CSV with a 5 MB cell. Each is one clear line, exit 1,
no traceback, and nothing is written."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from bot.standin.fake_slack import FakeSlack
from tests.support.launcher import run as run_forked
from tests.support.ports import free_port
from tests.test_main import environment, http_settings

DEEP = '{"sessions": ' + "[" * 200_000 + "]" * 200_000 + "}"


def run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return run_forked(list(args), cwd=tmp_path, env=environment(tmp_path, **settings))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "RecursionError" not in result.stdout + result.stderr


def test_importing_json_nested_200000_deep_says_so_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_text(DEEP)
    result = run(tmp_path, "import", "export.json", "--output", "programme.json")
    assert result.returncode == 1
    no_traceback(result)
    assert "export.json is nested more than 40 levels deep" in result.stderr
    assert not (tmp_path / "programme.json").exists()


def test_checking_a_programme_nested_200000_deep_says_so(tmp_path: Path) -> None:
    (tmp_path / "programme.json").write_text(DEEP)
    result = run(tmp_path, "check", PROGRAMME_PATH=str(tmp_path / "programme.json"))
    assert result.returncode == 1
    no_traceback(result)
    assert "nested more than 40 levels deep" in result.stdout + result.stderr


def test_starting_on_a_programme_nested_200000_deep_says_so(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    (tmp_path / "programme.json").write_text(DEEP)
    settings = http_settings(fake_slack, free_port())
    result = run(tmp_path, PROGRAMME_PATH=str(tmp_path / "programme.json"), **settings)
    assert result.returncode != 0
    no_traceback(result)
    assert "nested more than 40 levels deep" in result.stderr
    assert not (tmp_path / "bot.json").exists()


def test_a_csv_with_a_5_mb_cell_names_its_row_and_column_and_writes_nothing(
    tmp_path: Path,
) -> None:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Title", "Date", "Start time", "End time", "Description"])
    writer.writerow(["Kinship care", "2027-03-16", "10:00", "11:00", "short"])
    writer.writerow(["Court skills", "2027-03-16", "12:00", "13:00", "x" * 5_000_000])
    (tmp_path / "week.csv").write_text(text.getvalue())
    result = run(tmp_path, "import", "week.csv", "--output", "programme.json")
    assert result.returncode == 1
    no_traceback(result)
    assert "row 3, column 5: a cell of 5.0 MB is larger than any programme needs" in result.stderr
    assert "Nothing was written." in result.stderr
    assert not (tmp_path / "programme.json").exists()
