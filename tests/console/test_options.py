"""The console's options (`python -m bot console --now WHEN --as organiser`), and the
settings it runs with."""

from __future__ import annotations

import argparse
from datetime import datetime

import pytest

from bot.console import ConsoleOptions, add_console_options
from bot.console.display import USER_ID
from bot.console.options import CONSOLE_CHANNEL
from bot.settings import Settings


def parse(*args: str) -> ConsoleOptions:
    parser = argparse.ArgumentParser(prog="python -m bot console")
    add_console_options(parser)
    return ConsoleOptions.from_args(parser.parse_args(args))


def test_the_defaults_are_the_real_time_as_an_attendee() -> None:
    assert parse() == ConsoleOptions(now=None, organiser=False)
    assert ConsoleOptions.from_args(argparse.Namespace()) == ConsoleOptions()  # `python -m bot`


def test_now_and_as_organiser() -> None:
    options = parse("--now", "2023-03-21T10:30", "--as", "organiser")
    assert options == ConsoleOptions(now=datetime(2023, 3, 21, 10, 30), organiser=True)
    assert parse("--as", "Organizer").organiser
    assert not parse("--as", "attendee").organiser


def test_a_bad_now_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        parse("--now", "next tuesday")
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert err == (
        "python -m bot console: --now: 'next tuesday' is not a date and time such as "
        "2023-03-21T10:30\n"
    )


def test_an_unknown_role_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        parse("--as", "speaker")
    assert exit.value.code == 2
    assert "'speaker' is not one of: attendee, organiser" in capsys.readouterr().err


def test_an_organiser_is_added_to_the_organisers() -> None:
    settings = Settings(_env_file=None, organiser_ids=("U0FIRST",))  # type: ignore[call-arg]
    assert ConsoleOptions().settings(settings) is settings
    changed = ConsoleOptions(organiser=True).settings(settings)
    assert changed.organiser_ids == ("U0FIRST", USER_ID)
    assert changed.announcements_channel == CONSOLE_CHANNEL
    assert settings.organiser_ids == ("U0FIRST",)  # the settings given are left alone

    configured = Settings(_env_file=None, announcements_channel="C0REAL")  # type: ignore[call-arg]
    assert ConsoleOptions(organiser=True).settings(configured).announcements_channel == "C0REAL"
