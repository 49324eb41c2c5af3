"""`--as organiser`: `/announce` in the console, from the preview to the messages sent, and the
attendance export saved as a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.console.options import CONSOLE_CHANNEL
from tests.console.conftest import StartConsole, squeeze, tuesday


def test_only_an_organiser_may_announce(start_console: StartConsole) -> None:
    running = start_console()
    assert "only the week's organisers can use /announce" in running.type("/announce hello")


@pytest.mark.slow(seconds=2)
def test_an_organiser_previews_chooses_and_sends(start_console: StartConsole) -> None:
    running = start_console(now=tuesday(10, 30), organiser=True)
    running.type("/register care leavers")

    reply = running.type("/announce Room change: *Staying close* moves online")
    assert reply.index("Check the preview") < reply.index("Announcement preview")
    assert f"Goes to #{CONSOLE_CHANNEL}." in reply
    assert "[1 The announcements channel ▾]  [2 Send now]  [3 Send later…]  [4 Cancel]" in reply

    menu = running.type("1")
    assert menu.startswith("Type one of these to choose it:\n  1.1 The announcements channel\n")
    assert "  1.2 Everyone registered (DM)\n" in menu

    reply = running.type("1.2")
    assert reply.startswith("» Updated\n")
    assert "Goes by DM to 1 person: Everyone registered (DM)." in reply
    assert "[1 Everyone registered (DM) ▾]  [2 Send now]" in reply

    reply = running.type("2")
    assert "Room change: Staying close moves online" in reply  # the DM the person receives
    # (Not necessarily last: the "Sending…" redraw can land after it; see Broadcasts.send.)
    assert "✅ Sent to 1 of 1." in reply
    assert "[" not in reply

    assert running.type("2") == "That button is no longer shown.\n\n"
    assert "sent, 1 delivered, 0 failed" in squeeze(running.type("/announce history"))


def test_an_announcement_to_the_channel(start_console: StartConsole) -> None:
    running = start_console(organiser=True)
    running.type("/announce Welcome to the week")
    reply = running.type("2")
    assert f"» In #{CONSOLE_CHANNEL}\nWelcome to the week\n" in reply
    assert "✅ Posted in the announcements channel." in reply


def test_a_configured_channel_is_kept(start_console: StartConsole) -> None:
    running = start_console(organiser=True, announcements_channel="C0REAL")
    assert "Goes to #C0REAL." in running.type("/announce hello")


def test_send_later_says_forms_cannot_be_filled_in(start_console: StartConsole) -> None:
    running = start_console(organiser=True)
    running.type("/announce hello")
    reply = running.type("3")
    assert "» Send later: a form opens here in Slack; forms cannot be filled in offline." in reply


def test_export_saves_the_attendance_csv(start_console: StartConsole, tmp_path: Path) -> None:
    running = start_console(now=tuesday(10, 30), organiser=True)
    running.type("/register care leavers")

    reply = running.type("/announce export")
    saved = tmp_path / "files" / "attendance.csv"
    lines = reply.splitlines()
    assert lines[0] == "Sending you the attendance CSV in our DM…"
    assert lines[1] == "Registrations per session (Slack user IDs only)."
    assert lines[2].startswith("📎 attendance.csv (")
    assert lines[2].endswith(f" saved to {saved}")
    csv = saved.read_text(encoding="utf-8")
    assert "tue-care-leavers" in csv and "U0CONSOLEUSER" in csv
    assert "Traceback" not in running.screen.text

    again = running.type("/announce export")
    assert f"saved to {tmp_path / 'files' / 'attendance-2.csv'}" in again


def test_cards_go_to_the_channel(start_console: StartConsole) -> None:
    running = start_console(organiser=True)
    reply = running.type("/announce sessions tuesday")
    assert reply.count(f"» In #{CONSOLE_CHANNEL}\n") == 4
    assert f"Posted 4 session cards for Tuesday 21 March to #{CONSOLE_CHANNEL}." in reply
