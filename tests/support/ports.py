"""TCP ports for the servers the tests start by number (a bot process, PostgreSQL).

A port found by binding to port 0 and closing again is a race under `pytest -n`: the kernel
may hand the same number to another test's `bind(0)` (a fake Slack in another process)
before our server binds it, and our requests then reach that other server. So the numbers
come from outside the kernel's ephemeral range, which `bind(0)` and outgoing connections
draw from, and each test process has a window of its own there.
"""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path

WINDOW = 500  # ports for each test process, taken in turn
WINDOWS = 16  # test processes with a window of their own (gw16 shares gw0's)


def _ephemeral() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _window() -> range:
    """This test process's ports: gw0, gw1, … (or one process alone) each get their own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    number = int(worker) if worker.isdigit() else 0
    low, high = _ephemeral()
    first = 20000 if low - 20000 >= WINDOWS * WINDOW else high + 1  # below the range, or above
    start = first + (number % WINDOWS) * WINDOW
    return range(start, min(start + WINDOW, 65536))  # empty if the range reaches 65535


_turns = itertools.cycle(_window())


def free_port() -> int:
    """A port on 127.0.0.1 that nothing holds now, and that no other test process is given
    (where the ephemeral range leaves no room beside it, any free port, as the kernel says)."""
    for port in itertools.islice(_turns, WINDOW):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # held by something outside the tests, or lingering: the next one
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
