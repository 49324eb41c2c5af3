"""Reloading the programme while the bot runs: check it first, then switch, tell the
registrants of moved or cancelled sessions once, update session cards, reschedule."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient

from bot.blocks.registrations import promoted_message
from bot.blocks.reminders import change_news
from bot.delivery import Delivery, Letter
from bot.programme import Programme, ProgrammeError, load_programme
from bot.programme.diff import SessionChange, programme_changes
from bot.services import Services

logger = logging.getLogger(__name__)


def news_key(change: SessionChange, user_id: str) -> str:
    """One-time key for telling `user_id` about this particular change."""
    after = change.after
    what = (
        "cancelled"
        if after is None
        else f"{after.start}|{after.end}|{after.location}|{after.join_url}"
    )
    digest = hashlib.sha256(what.encode()).hexdigest()[:16]
    return f"change:{change.before.id}:{digest}:{user_id}"


class ProgrammeReloader:
    """Reloads `PROGRAMME_PATH`; a broken file is refused and the old programme stays."""

    def __init__(
        self,
        services: Services,
        client: WebClient,
        delivery: Delivery,
        *,
        rescheduled: Callable[[], None],
    ) -> None:
        self._services = services
        self._client = client
        self._delivery = delivery
        self._rescheduled = rescheduled
        self._lock = threading.Lock()  # the watcher and SIGHUP may both ask at once

    def reload(self) -> bool:
        """Load the file again; True when a new programme is now in force."""
        with self._lock:
            services = self._services
            path = services.settings.programme_path
            try:
                programme, warnings = load_programme(path)
            except ProgrammeError as error:
                problems = "\n".join(f"  - {problem}" for problem in error.problems)
                logger.error("%s was not reloaded; the programme in force is unchanged:\n%s",
                             path, problems)  # fmt: skip
                return False
            for warning in warnings:
                logger.warning("%s: %s", path, warning)
            old = services.programme
            if programme == old:
                return False
            changes = programme_changes(old, programme)
            services.use_programme(programme)
            logger.info("Reloaded %s: %d sessions, %d changed or cancelled",
                        path, len(programme.sessions), len(changes))  # fmt: skip
            self._rescheduled()
            for change in changes:
                self._tell(change)
            self._fill_new_places(old, programme)
            return True

    def _fill_new_places(self, old: Programme, new: Programme) -> None:
        """A session given more places takes people off its waitlist first, and tells them."""
        services = self._services
        for session in new.sessions:
            before = old.by_id.get(session.id)
            if before is None or before.capacity is None or session.capacity == before.capacity:
                continue
            if session.capacity is not None and session.capacity < before.capacity:
                continue  # fewer places: nobody already registered loses theirs
            promoted = services.store.fill(session_id=session.id, capacity=session.capacity)
            if not promoted:
                continue
            message = promoted_message(session, new.tz).as_kwargs()
            key = f"filled:{session.id}:{session.capacity}"
            self._delivery.send(Letter(user, f"{key}:{user}", message) for user in promoted)
            services.on_change(session.id)
            logger.info("%s has more places: %d moved off the waitlist", session.id, len(promoted))

    def _tell(self, change: SessionChange) -> None:
        services = self._services
        session_id = change.before.id
        people = services.store.registrants(session_id=session_id)
        people += services.store.waitlist(session_id=session_id)
        message = change_news(change, services.programme.tz).as_kwargs()
        report = self._delivery.send(
            Letter(user, news_key(change, user), message) for user in people
        )
        logger.info("Told %d people that %s %s (%d failed)", report.sent, session_id,
                    "was cancelled" if change.cancelled else "changed",
                    report.failed + report.unreachable)  # fmt: skip
        if change.cancelled:
            for card in services.store.cards_for(session_id=session_id):
                self._client.chat_update(channel=card.channel_id, ts=card.message_ts, **message)
        else:
            services.on_change(session_id)  # the cards show the new details
