"""Notice when the programme file changes on disk (polling: simple, and works everywhere)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)


class FileWatcher:
    """Calls `changed()` on its own thread when `path`'s size or modification time changes."""

    def __init__(self, path: Path, changed: Callable[[], object], *, interval: float = 2.0) -> None:
        self._path = path
        self._changed = changed
        self._interval = interval
        self._stop = threading.Event()
        self._seen = self._stamp()
        self._thread = threading.Thread(target=self._loop, name="programme-watch", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and not self._stop.is_set():
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat()
        except OSError:
            return None  # being replaced, or gone: wait for it to come back
        return stat.st_mtime_ns, stat.st_size

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            stamp = self._stamp()
            if stamp is not None and stamp != self._seen:
                self._seen = stamp
                try:
                    self._changed()
                except Exception:
                    logger.exception("Reloading %s failed", self._path)
