"""Messages the bot updates unasked (the session cards' counts, a broadcast preview's
progress) take their turns on the pace every process shares, as the outbox's messages do:
`chat.update` has a limit of its own (Tier 3, about 50 calls a minute), and the cards and
the previews of every process keep to it together."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.pace import PaceRecords
from bot.store.engine import StoreError

logger = logging.getLogger(__name__)

METHOD = "chat.update"
INTERVAL = 1.2  # seconds between updates, in every process: 50 a minute


def _real_now() -> datetime:
    return datetime.now(UTC)


class PacedUpdates:
    """`chat.update` through `client`, each call on its turn of the shared pace."""

    def __init__(
        self,
        *,
        store: PaceRecords,
        client: WebClient,
        interval: float = INTERVAL,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = _real_now,
    ) -> None:
        self._store = store
        self._client = client
        self._interval = interval
        self._sleep = sleep
        self._now = now

    def update(self, *, channel: str, ts: str, message: dict[str, Any], wait: bool = True) -> bool:
        """Update message `ts` in `channel` to `message` (chat.update arguments) on this
        process's next turn; with `wait=False` only if the turn is now (a progress count
        that the next one will bring anyway). False: skipped."""
        now = self._now()
        try:
            if wait:
                turn = self._store.take_turn(method=METHOD, now=now, interval=self._interval)
                self._sleep(max(0.0, (turn - now).total_seconds()))
            elif not self._store.try_turn(method=METHOD, now=now, interval=self._interval):
                return False
        except StoreError as error:  # the shared pace is away: keep to Slack's answers alone
            logger.warning("Updating without the shared pace: %s", error)
        try:
            self._client.chat_update(channel=channel, ts=ts, **message)
        except SlackApiError as error:
            if error.response.status_code == 429:
                self._pause(error.response.headers or {})
            raise
        return True

    def _pause(self, headers: dict[str, Any]) -> None:
        """Slack said 429: no process updates a message before `Retry-After` is over."""
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "1")
        try:
            seconds = max(1.0, float(value[0] if isinstance(value, list) else value))
        except ValueError:
            seconds = 1.0
        until = datetime.fromtimestamp(self._now().timestamp() + seconds, UTC)
        try:
            self._store.pause_calls(method=METHOD, until=until)
        except StoreError as error:
            logger.warning("Could not share Slack's pause for %s: %s", METHOD, error)
