"""Session cards in the announcements channel: posting a day's cards and keeping their counts
current. The one place that draws and updates cards."""

from __future__ import annotations

import logging
import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot.current import CurrentProgramme
from bot.outbox.updates import PacedUpdates
from bot.programme import Session
from bot.registrations.messages import cancelled_card, session_card
from bot.registrations.records import Card
from bot.store.engine import StoreError

if TYPE_CHECKING:
    from bot.registrations.records import PlacesRecords

logger = logging.getLogger(__name__)


class Cards:
    """Posts session cards, and keeps their counts current without flooding Slack: changes are
    noted as they happen, and each changed session's cards are updated at most once per
    `interval` seconds (`chat.update` allows about 50 calls a minute)."""

    def __init__(
        self,
        *,
        store: PlacesRecords,
        current: CurrentProgramme,
        client: WebClient,
        updates: PacedUpdates,
        emoji: str,
        interval: float = 3.0,
    ) -> None:
        self._store = store
        self._current = current
        self._client = client
        self._updates = updates
        self._emoji = emoji
        self._interval = interval
        self._dirty: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._redrawn = threading.Condition(self._lock)
        self._refreshing = False
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start refreshing cards (changes noted before are applied then)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="cards", daemon=True)
            self._thread.start()

    def post_day(self, *, day: date, channel: str) -> int:
        """Post a card for each of `day`'s sessions to `channel`, remember it, and add the
        emoji so that registering is one tap. Returns how many were posted."""
        sessions = self._current.programme.on_day(day)
        for session in sessions:
            posted = self._client.chat_postMessage(channel=channel, **self._card(session))
            channel_id, ts = posted["channel"], posted["ts"]
            self._store.save_card(card=Card(session.id, channel_id, ts))
            self._client.reactions_add(channel=channel_id, timestamp=ts, name=self._emoji)
        return len(sessions)

    def session_at(self, *, channel_id: str, message_ts: str) -> str | None:
        """The id of the session whose card is that message, if it is one."""
        card = self._store.card_at(channel_id=channel_id, message_ts=message_ts)
        return card.session_id if card else None

    def touch(self, session: Session) -> None:
        """`session` changed (its registrations, or the session itself): refresh its cards."""
        with self._lock:
            self._dirty[session.id] = session
        self._changed.set()

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every change noted so far is on the cards; False if `timeout` seconds
        passed first (or nothing refreshes them: not started)."""

        def done() -> bool:
            return not self._dirty and not self._refreshing

        with self._redrawn:
            return done() or (self._thread is not None and self._redrawn.wait_for(done, timeout))

    def close(self) -> None:
        """Apply the last changes and stop."""
        self._stop.set()
        self._changed.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._changed.wait()
            self._changed.clear()
            with self._lock:
                noted = list(self._dirty)
            if self._any_cards(noted):
                self._stop.wait(self._interval)  # gather a burst of changes into one update
            with self._lock:
                dirty, self._dirty = self._dirty, {}
                self._refreshing = True
            try:
                for session_id in sorted(dirty):
                    try:
                        self.refresh(dirty[session_id])
                    except Exception:
                        logger.exception("Could not refresh the cards of session %s", session_id)
            finally:
                with self._redrawn:
                    self._refreshing = False
                    self._redrawn.notify_all()

    def _any_cards(self, session_ids: list[str]) -> bool:
        """Whether any of these sessions has a card (a store that cannot say: assume so)."""
        try:
            return any(self._store.cards_for(session_id=session_id) for session_id in session_ids)
        except StoreError:
            return True

    def refresh(self, session: Session) -> None:
        """Update every card of one session as it now stands (cancelled, if it has gone)."""
        cards = self._store.cards_for(session_id=session.id)
        if not cards:
            return
        current = self._current.programme.by_id.get(session.id)
        if current is None:
            message = cancelled_card(session, self._current.programme.tz).as_kwargs()
        else:
            message = self._card(current)
        for card in cards:
            self._updates.update(channel=card.channel_id, ts=card.message_ts, message=message)

    def _card(self, session: Session) -> dict[str, Any]:
        registered, waiting = self._store.place_counts(session_ids=[session.id])[session.id]
        tz = self._current.programme.tz
        card = session_card(session, tz, emoji=self._emoji, registered=registered, waiting=waiting)
        return card.as_kwargs()
