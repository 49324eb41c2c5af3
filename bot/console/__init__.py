"""`python -m bot console`: try the bot offline. Input goes through the real Bolt app and its
listeners (as Socket Mode payloads), and replies are rendered in the terminal, their buttons
numbered to be pressed. `--now` sets the clock, `--as organiser` allows `/announce`."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TextIO

from bot.app import utc_now
from bot.console.clock import ConsoleClock, in_zone
from bot.console.console import Console
from bot.console.options import ConsoleOptions, add_console_options
from bot.console.terminal import Terminal
from bot.current.examples import Examples
from bot.dates import day_name
from bot.programme import Programme
from bot.settings import Settings

__all__ = ["Console", "ConsoleOptions", "add_console_options", "run_console"]

BANNER = (
    "Offline console: nothing is sent to Slack.\n"
    "Type `/sessions {day}`, `/sessions {topic}`, or a question such as\n"
    "`{question}`. Type a button's number, such as 1, to press it.\n"
    "`help` shows more; Ctrl-D or `quit` leaves.\n"
    "Registrations made here are kept in memory only."
)
ORGANISER = "You are an organiser here: try `/announce` to see what it does."
TICK = 1.0  # seconds between looks at the clock for reminders, at a terminal


def run_console(
    settings: Settings,
    programme: Programme,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    options: ConsoleOptions | None = None,
) -> int:
    """Read lines until end of input; return the exit status."""
    options = options or ConsoleOptions()
    clock = utc_now if options.now is None else ConsoleClock(in_zone(options.now, programme.tz))
    terminal = Terminal(stdin, stdout)
    with _quiet_logs(settings):
        console = Console(
            options.settings(settings),
            programme,
            terminal.write,
            colour=stdout.isatty(),
            clock=clock,
        )
        examples = console.bot.current.examples
        terminal.write(_banner(options, clock(), programme, examples) + "\n\n")
        stop = threading.Event()
        if terminal.interactive:  # reminders arrive while the person reads, as in Slack
            watch = threading.Thread(target=_watch_clock, args=(console, terminal, stop))
            watch.daemon = True
            watch.start()
        try:
            while True:
                line = terminal.read_line()
                if not line or line.strip().lower() in {"quit", "exit"}:
                    return 0
                console.handle(line)
        finally:
            stop.set()
            console.close()


def _banner(
    options: ConsoleOptions, now: datetime, programme: Programme, examples: Examples
) -> str:
    lines = [BANNER.format(day=examples.day, topic=examples.topic, question=examples.question)]
    if options.now is not None:
        local = now.astimezone(programme.tz)
        moment = f"{day_name(local.date())} {local.year}, {local:%H:%M} {local.tzname()}"
        lines.append(f"The clock reads {moment}, and runs on from there.")
    if options.organiser:
        lines.append(ORGANISER)
    return "\n".join(lines)


def _watch_clock(console: Console, terminal: Terminal, stop: threading.Event) -> None:
    while not stop.wait(TICK):
        console.tick()
        terminal.prompt_again()


@contextmanager
def _quiet_logs(settings: Settings) -> Iterator[None]:
    """The terminal is the conversation: the bot's routine log lines (INFO) would interleave
    with it, so only warnings and errors are shown, unless LOG_LEVEL is DEBUG. Bolt's advice
    about requests nothing handles is not shown at all."""
    quieter = {"bot.bolt": logging.ERROR}
    if settings.log_level != "DEBUG":
        quieter["bot"] = logging.WARNING
    before = {name: logging.getLogger(name).level for name in quieter}
    for name, level in quieter.items():
        logging.getLogger(name).setLevel(level)
    try:
        yield
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
