"""The journal: one JSON operation per line, each with an increasing `seq`, append-only.

Lines are appended in batches and fsync'd before anyone is told their change is saved.
A crash can only tear the last line (a partial append, never confirmed), so a bad last
line is dropped; a bad line anywhere else means the file is damaged and is an error.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.store.ops import Op, check_op
from bot.store.snapshot import replace_atomically

logger = logging.getLogger(__name__)


class JournalError(ValueError):
    """A journal line that is not the last cannot be read; `line` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


@dataclass
class JournalContents:
    """What a journal holds: its good lines as (seq, operation, raw line with newline)."""

    entries: list[tuple[int, Op, bytes]] = field(default_factory=list)
    torn: bool = False
    """The file ended in a line that was cut short; it has been left out of `entries`."""


def encode(seq: int, op: Op) -> bytes:
    line = json.dumps({"seq": seq, **op}, ensure_ascii=False, separators=(",", ":"))
    return line.encode() + b"\n"


def read_journal(path: Path) -> JournalContents:
    """Parse the journal at `path` (missing: empty). JournalError for a damaged line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return JournalContents()
    lines = raw.split(b"\n")
    # What follows the last newline (b"" for a whole file) was an append cut short.
    torn = lines.pop() != b""
    contents = JournalContents(torn=torn)
    previous: int | None = None
    for number, line in enumerate(lines, start=1):
        try:
            seq, op = _parse(line)
        except ValueError as err:
            if number == len(lines) and not torn:
                contents.torn = True  # the last line is garbage: a torn append too
                break
            raise JournalError(number, str(err)) from err
        if previous is not None and seq != previous + 1:
            raise JournalError(number, f"seq {seq} does not follow seq {previous}")
        previous = seq
        contents.entries.append((seq, op, line + b"\n"))
    return contents


def _parse(line: bytes) -> tuple[int, Op]:
    try:
        op = json.loads(line)
    except ValueError as err:
        raise ValueError(f"not valid JSON ({err})") from err
    seq = op.get("seq") if isinstance(op, dict) else None
    if type(seq) is not int or seq < 1:
        raise ValueError("no positive integer seq")
    return seq, check_op(op)


class JournalFile:
    """The journal open for appending; one writer thread uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @classmethod
    def start(cls, path: Path, lines: list[bytes]) -> JournalFile:
        """Replace the journal atomically with `lines` (dropping anything else) and open it."""
        replace_atomically(path, b"".join(lines))
        return cls(path)

    def append(self, data: bytes) -> None:
        """Append `data` and return once it is on disk."""
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        # fdatasync flushes the data and the new file size (what a reader needs) without
        # other metadata such as the modification time.
        os.fdatasync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)
