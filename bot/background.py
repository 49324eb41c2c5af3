"""A small pool for work that must not hold up an acknowledgement, such as telling someone
else about a change. Every failure is logged with its traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

logger = logging.getLogger(__name__)


class Background:
    """Fire-and-forget work on a few threads."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="background")

    def run(self, work: Callable[..., Any], *args: Any) -> Future[None]:
        """Run `work(*args)` soon; a failure is logged, never raised here."""
        return self._pool.submit(self._logged, work, *args)

    @staticmethod
    def _logged(work: Callable[..., Any], *args: Any) -> None:
        try:
            work(*args)
        except Exception:
            logger.exception("Background work %s failed", getattr(work, "__name__", work))

    def close(self) -> None:
        """Finish what was started."""
        self._pool.shutdown(wait=True)
