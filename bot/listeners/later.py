"""Replies posted from listeners, now or, when Slack says not now, later: a reply Slack
refuses with 429 goes to the outbox, due when Slack's `Retry-After` says, and the listener's
thread goes on to other work instead of sleeping. The outbox paces it with everything else
the bot sends, and gives it up if it is still unsent after `REPLY_EXPIRY` (an answer to a
question asked a quarter of an hour ago is no longer worth sending)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.records import Entry
from bot.outbox.slack import retry_after

if TYPE_CHECKING:
    from bot.outbox.records import OutboxRecords

logger = logging.getLogger(__name__)

REPLY = "reply"
"""The outbox kind of a reply that waits for Slack: its message is stored as posted."""
REPLY_EXPIRY = timedelta(minutes=15)


class Later:
    """Posts replies now, or hands them to the outbox when Slack is limiting the bot."""

    def __init__(self, *, store: OutboxRecords, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def post(
        self,
        client: WebClient,
        *,
        channel: str,
        message: dict[str, Any],
        about: str,
        person: str | None = None,
    ) -> None:
        """Post `message` to `channel`; if Slack answers 429, queue it in the outbox under
        `about` (what it answers: a question's timestamp), so a repeat queues nothing more.
        `person`: whose DM `channel` is; the queued message is addressed to them (the same
        conversation), so that /forgetme finds it."""
        try:
            client.chat_postMessage(channel=channel, **message)
        except SlackApiError as error:
            if error.response.status_code != 429:
                raise
            wait = retry_after(error.response.headers)
            now = self._clock()
            recipient = person or channel
            # As the outbox keeps its times: worth sending until a moment on the bot's
            # clock; due again, as Slack said, on the real one.
            due = datetime.now(UTC) + timedelta(seconds=wait)
            entry = Entry(REPLY, recipient, recipient, about, now + REPLY_EXPIRY, now,
                          message={"text": "", **message}, not_before=due)  # fmt: skip
            self._store.enqueue(entries=[entry])
            logger.info("Slack asked for %.0f s before a reply; it goes from the outbox", wait)
