"""`python -m bot console --now … --as organiser` as a person runs it, fed its input."""

from __future__ import annotations

from pathlib import Path

from tests.console.conftest import squeeze
from tests.test_main import run_bot

RACISM = "Racism in the workplace, in communities and in practice"
CARE_LEAVERS = "Staying close: supporting care leavers into adulthood"


def test_an_organiser_on_world_social_work_day(tmp_path: Path) -> None:
    typed = [
        "/sessions now",  # 10:30: nothing on; the racism session is next
        "/sessions today",
        "3",  # Register for the care leavers session
        "/announce Welcome to World Social Work Day",
        "2",  # Send now, to the announcements channel
        "/announce export",
        "4",  # Cancel, on the preview: no longer shown
    ]
    result = run_bot(
        tmp_path,
        "console",
        "--now",
        "2023-03-21T10:30",
        "--as",
        "organiser",
        stdin="".join(line + "\n" for line in typed),
        COLUMNS="100",
        TMPDIR=str(tmp_path),  # where the export is saved
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    out = squeeze(result.stdout)

    assert "The clock reads Tuesday 21 March 2023, 10:30 GMT, and runs on from there." in out
    assert "You are an organiser here" in out
    assert f"Nothing is on right now. {RACISM}" in out
    assert f"You're registered for {CARE_LEAVERS}" in out
    assert "» In #C0CONSOLE Welcome to World Social Work Day" in out
    assert "✅ Posted in the announcements channel." in out

    saved = Path(out.split("📎 attendance.csv (", 1)[1].split(" saved to ", 1)[1].split()[0])
    assert saved.parent.parent == tmp_path  # the temporary folder (TMPDIR)...
    assert "saved to " + str(saved) + " (until the console closes)" in out
    assert not saved.parent.exists()  # ...removed when the console closed: nothing left behind
    assert list(tmp_path.glob("bot-console-*")) == []

    assert out.endswith("That button is no longer shown.")


def test_a_bad_now_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "console", "--now", "tuesday morning")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "python -m bot console: --now: 'tuesday morning' is not a date and time such as "
        "2023-03-21T10:30\n"
    )
