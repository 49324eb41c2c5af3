"""The terminal the console reads from and writes to, with its `> ` prompt."""

from __future__ import annotations

import threading
from typing import TextIO


class Terminal:
    """Lines in, text out. At a terminal, a prompt waits for each line; text that arrives
    while it waits (a reminder falling due) starts on a line of its own, and the prompt is
    shown again after it (`prompt_again`)."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._stdin = stdin
        self._stdout = stdout
        self.interactive = stdin.isatty()
        self._lock = threading.Lock()
        self._waiting = False  # the prompt is shown, and nothing written after it yet
        self._interrupted = False

    def write(self, text: str) -> None:
        with self._lock:
            if self._waiting:
                self._stdout.write("\n")
                self._waiting, self._interrupted = False, True
            self._stdout.write(text)
            self._stdout.flush()

    def read_line(self) -> str:
        """The next line typed ('' at the end of input)."""
        if self.interactive:
            self._prompt()
        line = self._stdin.readline()
        with self._lock:
            self._waiting = self._interrupted = False
        return line

    def prompt_again(self) -> None:
        """After text that arrived while the prompt waited, show it again."""
        with self._lock:
            again = self._interrupted
        if again:
            self._prompt()

    def _prompt(self) -> None:
        with self._lock:
            self._stdout.write("> ")
            self._stdout.flush()
            self._waiting, self._interrupted = True, False
