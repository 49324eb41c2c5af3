"""Session cards in the announcements channel: keeping their registration counts current."""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient

from bot.blocks.registrations import session_card
from bot.services import Services

logger = logging.getLogger(__name__)


class CardRefresher:
    """Keeps the counts on session cards current without flooding Slack: changes are noted
    as they happen, and each changed session's cards are updated at most once per `interval`
    seconds (`chat.update` allows about 50 calls a minute)."""

    def __init__(self, services: Services, client: WebClient, *, interval: float = 3.0) -> None:
        self._services = services
        self._client = client
        self._interval = interval
        self._dirty: set[str] = set()
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="card-refresher", daemon=True)
        self._thread.start()

    def touch(self, session_id: str) -> None:
        """The registrations of `session_id` changed."""
        with self._lock:
            self._dirty.add(session_id)
        self._changed.set()

    def close(self) -> None:
        """Apply the last changes and stop."""
        self._stop.set()
        self._changed.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._changed.wait()
            self._stop.wait(self._interval)  # gather a burst of changes into one update
            self._changed.clear()
            with self._lock:
                dirty, self._dirty = self._dirty, set()
            for session_id in sorted(dirty):
                try:
                    self.refresh(session_id)
                except Exception:
                    logger.exception("Could not refresh the cards of session %s", session_id)

    def refresh(self, session_id: str) -> None:
        """Update every card of one session with its current counts."""
        services = self._services
        session = services.programme.by_id.get(session_id)
        cards = services.store.cards_for(session_id=session_id)
        if session is None or not cards:
            return
        registered, waiting = services.registrations.counts(session=session)
        message = session_card(
            session,
            services.programme.tz,
            emoji=services.settings.register_emoji,
            registered=registered,
            waiting=waiting,
        )
        for card in cards:
            self._client.chat_update(
                channel=card.channel_id, ts=card.message_ts, **message.as_kwargs()
            )
