"""`python -m bot` processes forked from one that has the bot imported already
(`tests.support.forkserver`): each is a real process of its own (its own number, signals,
sockets, files and exit code), started without Python's start-up and the imports, which
cost about 0.4 s of CPU each. Tests start their bots (and the store's crash children) from
it: `shared()` is the test process's own fork server, `run` runs a command to its end and
`piped` starts one whose output the test reads. A few start `python -m bot` afresh, as a
person does (`run_afresh` and `bot_process_afresh` in `tests/test_main.py`), and
`tests/support/test_launcher.py` checks that both ways end alike.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path
from tempfile import TemporaryFile
from typing import IO, Any, Protocol

from tests.support.forkserver import HEADER

ROOT = Path(__file__).resolve().parents[2]


class Process(Protocol):
    """What the tests use of a bot process, forked (`Forked`) or a `subprocess.Popen`."""

    pid: int
    stdout: IO[str] | None

    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, number: int) -> None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...


class Forked:
    """A forked process, with the parts of `subprocess.Popen` the tests use."""

    def __init__(self, pid: int, args: list[str]) -> None:
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self.stdout: IO[Any] | None = None  # what reads its output, if the test wants one
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


def _fd(file: IO[Any] | int) -> int:
    return file if isinstance(file, int) else file.fileno()


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
        self,
        args: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        stdout: IO[Any] | int,
        stderr: IO[Any] | int | None = None,
        stdin: IO[Any] | int | None = None,
        module: str = "bot",
    ) -> Forked:
        """`python -m module *args` in `cwd` with `env`, its output to `stdout` and its
        errors to `stderr` (`stdout` if None), reading `stdin` (empty if None). A `module`
        ending `.py` is a script's path, run as `python module *args`."""
        with open(os.devnull, "rb") as empty, self._lock:
            fds = [_fd(stdin if stdin is not None else empty), _fd(stdout)]
            fds.append(_fd(stderr) if stderr is not None else fds[1])
            request = {"module": module, "args": args, "cwd": str(cwd), "env": env}
            encoded = json.dumps(request).encode()
            assert len(encoded) < HEADER
            socket.send_fds(self._channel, [encoded], fds)
            with self._started:
                if not self._started.wait_for(lambda: bool(self._pids), timeout=30):
                    raise RuntimeError(f"the fork server did not start a bot (exit code "
                                       f"{self._server.poll()})")  # fmt: skip
                pid = self._pids.pop(0)
        script = module.endswith(".py")
        child = Forked(pid, ["python", *([module] if script else ["-m", module]), *args])
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


_shared: Launcher | None = None
_sharing = threading.Lock()


def shared() -> Launcher:
    """This test process's launcher: started on first use, stopped when the process ends."""
    global _shared
    with _sharing:
        if _shared is None:
            _shared = Launcher()
            atexit.register(_shared.close)
        return _shared


def run(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = 60,
    module: str = "bot",
) -> subprocess.CompletedProcess[str]:
    """`python -m module *args` run to its end, as `subprocess.run(..., capture_output=True,
    text=True)` runs it, but forked from this test process's fork server."""
    with TemporaryFile() as given, TemporaryFile() as out, TemporaryFile() as err:
        given.write(stdin.encode())
        given.seek(0)
        child = shared().start(args, cwd=cwd, env=env, stdin=given, stdout=out, stderr=err,
                               module=module)  # fmt: skip
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            raise
        return subprocess.CompletedProcess(child.args, code, _text(out), _text(err))


def _text(output: IO[bytes]) -> str:
    """What a process wrote to `output`, read as `subprocess.run(text=True)` reads it."""
    output.seek(0)
    return io.TextIOWrapper(io.BytesIO(output.read())).read()


def piped(module: str, args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Forked:
    """`python -m module *args` forked as `subprocess.Popen(..., stdout=PIPE)` starts it: its
    output read in bytes from its `stdout`, its errors to the test's own."""
    reading, writing = os.pipe()
    try:
        child = shared().start(args, cwd=cwd, env=os.environ.copy() if env is None else env,
                               stdout=writing, stderr=2, module=module)  # fmt: skip
    finally:
        os.close(writing)
    child.stdout = open(reading, "rb")  # noqa: SIM115  (the caller's to close, as Popen's)
    return child
