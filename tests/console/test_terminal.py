"""The console's terminal: its prompt, and text that arrives while the prompt waits."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TextIO, cast

from bot.console.terminal import Terminal


class TypedIn:
    """Lines typed at a terminal; `meanwhile` runs while the next is being typed."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        self.meanwhile: list[Callable[[], None]] = []

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        while self.meanwhile:
            self.meanwhile.pop(0)()
        return self.lines.pop(0) if self.lines else ""


def test_a_reminder_while_the_prompt_waits_gets_a_line_and_a_new_prompt() -> None:
    out = io.StringIO()
    typed = TypedIn("/sessions\n", "hi\n")
    terminal = Terminal(cast(TextIO, typed), out)
    assert terminal.interactive
    assert terminal.read_line() == "/sessions\n"
    terminal.write("the reply\n")
    terminal.prompt_again()  # nothing interrupted the prompt: it is not shown again
    assert out.getvalue() == "> the reply\n"

    def reminder() -> None:
        terminal.write("⏰ a reminder\n")
        terminal.prompt_again()

    typed.meanwhile.append(reminder)
    assert terminal.read_line() == "hi\n"
    assert out.getvalue() == "> the reply\n> \n⏰ a reminder\n> "


def test_without_a_terminal_there_is_no_prompt() -> None:
    out = io.StringIO()
    terminal = Terminal(io.StringIO("hi\n"), out)
    assert not terminal.interactive
    assert terminal.read_line() == "hi\n"
    terminal.write("hello\n")
    assert out.getvalue() == "hello\n"
