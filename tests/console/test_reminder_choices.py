"""Reminder choices and forget me in the offline console: the same listeners and buttons."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.console.conftest import StartConsole, squeeze, tuesday

RACISM = "Racism in the workplace, in communities and in practice"


def test_stop_reminders_under_a_reminder_and_the_next_is_not_shown(
    start_console: StartConsole,
) -> None:
    running = start_console(now=tuesday(12, 0), reminder_offsets="20m,15m")
    running.type("/register racism")
    running.clock.now = tuesday(12, 10) + timedelta(seconds=30)
    running.console.tick()
    shown = squeeze(running.screen.new())
    assert f"⏰ {RACISM} starts in 20 minutes." in shown
    stop = re.search(r"\[(\d+) Stop reminders\]", shown)
    assert stop is not None
    stopped = squeeze(running.type(stop[1]))
    assert stopped.endswith("🔕 Reminders are off. /reminders on to turn them back on.")
    assert f"{RACISM} starts in 20 minutes." in stopped  # the reminder is kept

    running.clock.now = tuesday(12, 15) + timedelta(seconds=30)
    running.console.tick()
    assert "starts in 14 minutes" not in running.screen.new()


def test_reminders_and_forgetme_answer_in_the_console(start_console: StartConsole) -> None:
    running = start_console()
    saved = squeeze(running.type("/reminders 15m"))
    assert saved.startswith("✅ You get reminders 15 minutes before each of your sessions")
    listing = squeeze(running.type("/forgetme"))
    assert "Your reminder choice: only 15 minutes before" in listing
    delete = re.search(r"\[(\d+) Delete all of it\]", listing)
    assert delete is not None
    assert "Done: I've deleted your reminder choice." in squeeze(running.type(delete[1]))
