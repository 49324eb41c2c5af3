"""The TinyDB engine's journal, and the file handling it shares with the snapshot.

The journal holds one JSON line per committed transaction, `{"seq": n, "w": [[table, key,
document or null], ...]}`, with an increasing `seq`, append-only. Lines are appended in
batches and fsync'd before anyone is told their change is saved, so a crash can only tear
the last line (a partial append, never confirmed): a bad last line is dropped, and a bad
line anywhere else means the file is damaged and is an error.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from bot.store.tables import Write, due_of

FILE_MODE = 0o600  # the snapshot, the journal and the lock: readable by the bot's user only
DIRECTORY_MODE = 0o700  # a directory the engine creates for them


def fsync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (the entry lives in the directory)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_of(path: Path) -> Path:
    """Where a new version of `path` is written before it replaces `path`."""
    return path.with_name(path.name + ".tmp")


def replace_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, fsync it, rename it over `path`
    and fsync the directory: afterwards `path` holds `content`, and before, the old bytes."""
    temporary = temporary_of(path)
    try:
        # The bot's data is for the bot alone: owner-only, whatever the umask.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


# --- lines ----------------------------------------------------------------------------------


def encode(seq: int, writes: list[Write]) -> bytes:
    """The journal line of the transaction `seq` that made `writes`."""
    line = json.dumps({"seq": seq, "w": writes}, ensure_ascii=False, separators=(",", ":"))
    return line.encode() + b"\n"


def parse(line: bytes) -> tuple[int, list[Write]]:
    """The seq and writes of a journal line; ValueError saying what is wrong with it."""
    try:
        # orjson: replaying a long journal is part of opening, and it refuses NaN and
        # Infinity, which the engine never writes (damage, not data), as it should.
        record = orjson.loads(line)
    except ValueError as err:  # orjson's JSONDecodeError, bad UTF-8 included
        raise ValueError(f"not valid JSON ({err})") from err
    seq = record.get("seq") if isinstance(record, dict) else None
    if type(seq) is not int or seq < 1:
        raise ValueError("no positive integer seq")
    raw = record.get("w")
    if set(record) != {"seq", "w"} or not isinstance(raw, list):
        raise ValueError('not {"seq": n, "w": [writes]}')
    writes: list[Write] = []
    for write in raw:
        if not (isinstance(write, list) and len(write) == 3):
            raise ValueError(f"a write is not [table, key, document]: {write!r:.80}")
        table, key, doc = write
        if not (isinstance(table, str) and table and isinstance(key, str) and key):
            raise ValueError(f"a write's table and key are not non-empty strings: {write!r:.80}")
        if doc is not None:
            if not isinstance(doc, dict):
                raise ValueError(f"a document is not an object: {doc!r:.80}")
            try:
                due_of(doc)
            except ValueError as err:
                raise ValueError(f"a document's due is malformed ({err})") from err
        writes.append((table, key, doc))
    return seq, writes


class JournalError(ValueError):
    """A journal line that is not the last cannot be read; `line` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


@dataclass
class Entry:
    """One good journal line: its number in the file (1-based), seq, writes and raw bytes."""

    line: int
    seq: int
    writes: list[Write]
    raw: bytes


@dataclass
class JournalContents:
    """What a journal holds: its good lines, in order."""

    entries: list[Entry] = field(default_factory=list)
    torn: bool = False
    """The file ended in a line that was cut short; it has been left out of `entries`."""


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
            seq, writes = parse(line)
        except ValueError as err:
            if number == len(lines) and not torn:
                contents.torn = True  # the last line is garbage: a torn append too
                break
            raise JournalError(number, str(err)) from err
        if previous is not None and seq != previous + 1:
            raise JournalError(number, f"seq {seq} does not follow seq {previous}")
        previous = seq
        contents.entries.append(Entry(number, seq, writes, line + b"\n"))
    return contents


# --- appending ------------------------------------------------------------------------------


class JournalDamaged(Exception):
    """A failed append could not be undone: the journal's end may hold part of a line."""


class JournalFile:
    """The journal open for appending; one writer thread uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        self._size = os.fstat(self.fd).st_size  # what is on disk: the end of the last line

    @classmethod
    def start(cls, path: Path, lines: list[bytes]) -> JournalFile:
        """Replace the journal atomically with `lines` (dropping anything else) and open it."""
        replace_atomically(path, b"".join(lines))
        return cls(path)

    def append(self, data: bytes) -> None:
        """Append `data` and return once it is on disk. On OSError (a full disk, an I/O
        error) the file is cut back to where it was and the error raised: nothing of `data`
        stays. JournalDamaged if even that fails."""
        try:
            view = memoryview(data)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]
            # fdatasync flushes the data and the new file size (what a reader needs) without
            # other metadata such as the modification time.
            os.fdatasync(self.fd)
        except OSError:
            try:
                os.ftruncate(self.fd, self._size)
                os.fdatasync(self.fd)
            except OSError as err:
                raise JournalDamaged(
                    f"{self.path}: could not undo a failed append ({err})"
                ) from err
            raise
        self._size += len(data)

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)
