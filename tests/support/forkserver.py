"""Bot processes started by forking one process that has already imported the bot, rather
than each starting Python and importing it again (about 0.4 s of CPU each).

`python -m tests.support.forkserver FD` is that process: it imports what `python -m bot`
imports (the PostgreSQL engine too) and reads the shipped thesaurus, then, for each request
on the socket FD (the module, usually `bot`, the command line's arguments, the environment,
the working folder, and three descriptors as standard input, output and error), forks a
child that runs `python -m MODULE` (or a script, `python PATH.py`) as a new interpreter
would, and reports the child's number, then its exit code when it ends.
`tests.support.launcher` is the other end.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import select
import signal
import socket
import sys
import threading
import time
import traceback

import bot.__main__  # noqa: F401  (what a bot process imports, imported once here)
import bot.store.postgres  # noqa: F401  (and the replicas' engine, imported when chosen)
from bot.answering import thesaurus

thesaurus.shipped()  # read and indexed once here, not in every bot that answers

# Not the module itself, which each child runs afresh as `__main__` (runpy warns about one
# already imported).
del sys.modules["bot.__main__"]

HEADER = 65536  # the largest request, in bytes


def serve(channel: socket.socket) -> None:
    """Answer requests until the other end closes the channel. A child that ends is told
    of, then left a zombie until the other end asks for it to be reaped (`{"reap": pid}`),
    once it knows: as with a child of its own, its number cannot be another process's
    before then, so a signal sent meanwhile reaches nobody else."""
    woken, wake = os.pipe()
    os.set_blocking(wake, False)
    signal.set_wakeup_fd(wake)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    running: set[int] = set()  # children not yet told of as ended
    while True:
        ready, _, _ = select.select([channel.fileno(), woken], [], [])
        if woken in ready:
            os.read(woken, 4096)
            _tell_ended(channel, running)
        if channel.fileno() in ready:
            message, fds, _, _ = socket.recv_fds(channel, HEADER, 3)
            if not message:
                return
            request = json.loads(message)
            if "reap" in request:
                os.waitpid(request["reap"], 0)
                continue
            pid = os.fork()
            if pid == 0:
                _child(request["module"], request["args"], request["cwd"], request["env"], fds,
                       (channel, woken, wake))  # fmt: skip
            for fd in fds:
                os.close(fd)
            running.add(pid)
            channel.send(json.dumps({"started": pid}).encode())


def _tell_ended(channel: socket.socket, running: set[int]) -> None:
    """Say which children have ended, and how, without reaping them."""
    for pid in sorted(running):
        ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if ended is None:
            continue
        running.discard(pid)
        code = -ended.si_status if ended.si_code in KILLED else ended.si_status
        channel.send(json.dumps({"ended": pid, "code": code}).encode())


KILLED = (os.CLD_KILLED, os.CLD_DUMPED)


def _child(
    module: str,
    args: list[str],
    cwd: str,
    env: dict[str, str],
    fds: list[int],
    server: tuple[socket.socket, int, int],
) -> None:
    """Become `python -m module *args` in `cwd` with `env`, `fds` as its standard input, output
    and errors (what is the `server`'s own closed); never return."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        channel, woken, wake = server
        channel.close()
        os.close(woken)
        os.close(wake)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        # Buffered as a new interpreter's output would be, with this environment.
        sys.stdout.reconfigure(  # type: ignore[union-attr]
            line_buffering=os.isatty(1), write_through=bool(env.get("PYTHONUNBUFFERED"))
        )
        sys.argv = [module, *args]
        code = _run(module)
        # What the interpreter does on its way out: wait for the threads that are not
        # daemons, run the exit functions, flush.
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        if code == -signal.SIGINT:  # as Python ends on an uncaught KeyboardInterrupt
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
    except BaseException:  # noqa: BLE001  (a child must never go back to serving)
        traceback.print_exc()
    finally:
        os._exit(code)


def _run(module: str) -> int:
    """`python -m module` (`python module` for a script's path, ending `.py`), and the exit
    code the interpreter would give (`-SIGINT`: killed by SIGINT once the way out has run,
    after an uncaught KeyboardInterrupt)."""
    try:
        if module.endswith(".py"):
            runpy.run_path(module, run_name="__main__")
        else:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if stop.code is None:
            return 0
        if isinstance(stop.code, int):
            return stop.code
        print(stop.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        traceback.print_exc()
        return -signal.SIGINT
    except BaseException:  # noqa: BLE001  (printed as Python prints an uncaught one)
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
