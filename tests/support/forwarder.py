"""A tiny round-robin TCP forwarder on 127.0.0.1: "the load balancer" in front of several
bot processes, for tests.

Each new connection goes to the next backend in turn; a backend that refuses the connection
(a process killed or not yet started) is skipped for the next one, and a connection no
backend takes is closed at once. Bytes are copied both ways until each side has finished
(a half-close is passed on), so an HTTP client that opens one connection per request (as
`SignedRequests` does) has its requests spread across the backends one by one.
"""

from __future__ import annotations

import contextlib
import itertools
import selectors
import socket
import threading
from collections import Counter
from collections.abc import Sequence
from types import TracebackType
from typing import Self

CONNECT_TIMEOUT = 2.0
"""Seconds to wait for a backend to accept before trying the next one."""
CHUNK = 65536


class Forwarder:
    """Forwards each connection to 127.0.0.1:<one of `ports`>, round robin, skipping
    backends that refuse. `start()` (or `with`) starts it; `url` is its address."""

    def __init__(self, ports: Sequence[int], *, host: str = "127.0.0.1") -> None:
        if not ports:
            raise ValueError("give at least one backend port")
        self.ports = tuple(ports)
        self.host = host
        self.forwarded: Counter[int] = Counter()
        """How many connections went to each backend port."""
        self.refused = 0
        """How many connections no backend took."""
        self._turn = itertools.cycle(range(len(self.ports)))
        self._lock = threading.Lock()
        self._listener = socket.create_server((host, 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._threads: set[threading.Thread] = set()
        self._accepting = threading.Thread(target=self._accept, name="forwarder", daemon=True)

    @property
    def url(self) -> str:
        """E.g. http://127.0.0.1:54321."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        self._accepting.start()
        return self

    def stop(self) -> None:
        """Stop accepting, and end the connections being forwarded."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        if self._accepting.is_alive():
            self._accepting.join(timeout=5)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- forwarding -------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed by stop()
            thread = threading.Thread(
                target=self._serve, args=(client,), name="forwarder-conn", daemon=True
            )
            with self._lock:
                self._threads.add(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        try:
            backend = self._connect()
            if backend is None:
                client.close()
                return
            _pipe(client, backend, self._stopping)
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _connect(self) -> socket.socket | None:
        """A connection to the next backend that accepts one, or None if none does."""
        with self._lock:
            first = next(self._turn)
        count = len(self.ports)
        for index in ((first + step) % count for step in range(count)):
            port = self.ports[index]
            try:
                backend = socket.create_connection((self.host, port), timeout=CONNECT_TIMEOUT)
            except OSError:
                continue  # refused (not running) or not answering: the next one
            backend.settimeout(None)
            with self._lock:
                self.forwarded[port] += 1
            return backend
        with self._lock:
            self.refused += 1
        return None


def _pipe(client: socket.socket, backend: socket.socket, stopping: threading.Event) -> None:
    """Copy bytes both ways until both directions have ended, then close both sockets."""
    peers = {client: backend, backend: client}
    open_reads = {client, backend}
    with contextlib.ExitStack() as closing, selectors.DefaultSelector() as selector:
        closing.callback(client.close)
        closing.callback(backend.close)
        for sock in peers:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        while open_reads and not stopping.is_set():
            for key, _ in selector.select(timeout=0.2):
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                target = peers[source]
                try:
                    data = source.recv(CHUNK)
                except BlockingIOError:
                    continue
                except OSError:
                    return  # reset: end both
                if data:
                    try:
                        target.setblocking(True)
                        target.sendall(data)
                        target.setblocking(False)
                    except OSError:
                        return
                    continue
                # This side finished sending: pass the half-close on.
                selector.unregister(source)
                open_reads.discard(source)
                with contextlib.suppress(OSError):
                    target.shutdown(socket.SHUT_WR)
