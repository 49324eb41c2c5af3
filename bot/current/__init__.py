"""The programme in force, with its answering engine and the examples of what to ask it, and
reloading it while the bot runs.

Every part that reads the programme holds the one `CurrentProgramme` and reads `.programme`
when it needs it, so a reload is one assignment: nobody keeps a stale copy.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.answering import Answerer, answerer_for
from bot.current.examples import Examples, examples_for
from bot.programme import Programme, ProgrammeError, Session, load_programme

logger = logging.getLogger(__name__)

OnReload = Callable[[Programme, Programme], None]
"""Called with the old and the new programme after a reload put the new one in force."""


class _Edition:
    """A programme, its answerer and, once asked for, its examples: swapped together."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.answerer = answerer_for(programme)

    @functools.cached_property
    def examples(self) -> Examples:
        # Worked out when first shown, not at each reload; two threads asking at once
        # both work them out, and get the same.
        return examples_for(self.programme, self.answerer)


class CurrentProgramme:
    """The programme in force, its answerer and its examples, swapped together."""

    def __init__(self, programme: Programme) -> None:
        self._edition = _Edition(programme)
        self._removed: dict[str, Session] = {}

    @property
    def programme(self) -> Programme:
        return self._edition.programme

    @property
    def answerer(self) -> Answerer:
        return self._edition.answerer

    @property
    def examples(self) -> Examples:
        """What to ask of this programme, for the help and the hints."""
        return self._edition.examples

    def removed(self, session_id: str) -> Session | None:
        """The session with this id (any case) if an earlier version had it and this one has
        not: a session cancelled while the bot runs."""
        return self._removed.get(session_id.strip().casefold())

    def use(self, programme: Programme) -> None:
        """Put `programme` (already checked) in force."""
        old = self._edition.programme
        removed = dict(self._removed)
        removed.update({s.id.casefold(): s for s in old.sessions if s.id not in programme.by_id})
        for session in programme.sessions:
            removed.pop(session.id.casefold(), None)
        self._edition = _Edition(programme)
        self._removed = removed


class Reloader:
    """Reloads the programme file; a broken file is refused and the old programme stays."""

    def __init__(
        self, path: Path, current: CurrentProgramme, *, then: Sequence[OnReload] = ()
    ) -> None:
        self._path = path
        self._current = current
        self._then = list(then)
        self._lock = threading.Lock()  # the file watcher and SIGHUP may both ask at once

    def reload(self) -> bool:
        """Load the file again; True when a new programme is now in force."""
        with self._lock:
            path = self._path
            try:
                programme, warnings = load_programme(path)
            except ProgrammeError as error:
                problems = "\n".join(
                    [f"  - {problem}" for problem in error.problems]
                    + [f"  warning: {warning}" for warning in error.warnings]
                )
                logger.error("%s was not reloaded; the programme in force is unchanged:\n%s",
                             path, problems)  # fmt: skip
                return False
            for warning in warnings:
                logger.warning("%s: %s", path, warning)
            old = self._current.programme
            if programme == old:
                return False
            self._current.use(programme)
            logger.info("Reloaded %s: %d sessions", path, len(programme.sessions))
            for then in self._then:
                try:
                    then(old, programme)
                except Exception:
                    logger.exception("After reloading %s", path)
            return True
