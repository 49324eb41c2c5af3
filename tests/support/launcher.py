"""`python -m bot` processes forked from one that has the bot imported already
(`tests.support.forkserver`): each is a real process of its own (its own number, signals,
sockets, files and exit code), started without Python's start-up and the imports, which
cost about 0.4 s of CPU each. The tests that start many bots (replicas) use it; the tests
of `python -m bot` itself as a person starts it (`tests/test_main.py`) do not.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from tests.support.forkserver import HEADER

ROOT = Path(__file__).resolve().parents[2]


class Forked:
    """A forked bot process, with the parts of `subprocess.Popen` the tests use."""

    def __init__(self, pid: int, args: list[str]) -> None:
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self.stdout: IO[str] | None = None  # its output goes to the file it was given
        self._ended = threading.Event()

    def ended(self, code: int) -> None:
        self.returncode = code
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Launcher:
    """Starts the fork server, and bot processes from it (`start`)."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._channel = ours
        self._server = subprocess.Popen(
            [sys.executable, "-m", "tests.support.forkserver", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
        theirs.close()
        self._lock = threading.Lock()  # one request at a time: its answer is the next start
        self._started = threading.Condition()
        self._pids: list[int] = []
        self._children: dict[int, Forked] = {}
        self._early: dict[int, int] = {}  # exit codes of children not yet handed out
        self._reader = threading.Thread(target=self._read, name="launcher", daemon=True)
        self._reader.start()

    def start(
        self, args: list[str], *, cwd: Path, env: dict[str, str], stdout: IO[Any] | int
    ) -> Forked:
        """`python -m bot *args` in `cwd` with `env`, its input empty and its output (and
        errors) to `stdout`."""
        with open(os.devnull, "rb") as empty, self._lock:
            out = stdout if isinstance(stdout, int) else stdout.fileno()
            request = json.dumps({"args": args, "cwd": str(cwd), "env": env}).encode()
            assert len(request) < HEADER
            socket.send_fds(self._channel, [request], [empty.fileno(), out, out])
            with self._started:
                if not self._started.wait_for(lambda: bool(self._pids), timeout=30):
                    raise RuntimeError(f"the fork server did not start a bot (exit code "
                                       f"{self._server.poll()})")  # fmt: skip
                pid = self._pids.pop(0)
        child = Forked(pid, ["python", "-m", "bot", *args])
        with self._started:
            self._children[pid] = child
            if pid in self._early:
                child.ended(self._early.pop(pid))
        return child

    def _read(self) -> None:
        with suppress(OSError):  # the channel closed under it: the launcher is closing
            self._read_until_closed()

    def _read_until_closed(self) -> None:
        while message := self._channel.recv(HEADER):
            said = json.loads(message)
            with self._started:
                if "started" in said:
                    self._pids.append(said["started"])
                    self._started.notify_all()
                    continue
                pid = said["ended"]
                if pid in self._children:
                    self._children.pop(pid).ended(said["code"])
                else:
                    self._early[pid] = said["code"]
            # Known as ended here now: the fork server may let its number go.
            self._channel.send(json.dumps({"reap": pid}).encode())

    def close(self) -> None:
        """Stop the fork server (its children are the tests' to stop)."""
        self._channel.shutdown(socket.SHUT_RDWR)
        self._channel.close()
        self._server.wait(timeout=10)
