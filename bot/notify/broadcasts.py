"""Sending an organiser's broadcast: once, to the chosen audience, with progress shown on
the organiser's preview and the outcome kept for the audit trail."""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.broadcasts import preview_message
from bot.blocks.formatting import Message
from bot.broadcasts import CHANNEL, audience_label, audiences, recipients
from bot.delivery import Delivery, Letter
from bot.services import Services
from bot.store import Broadcast

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between preview updates (chat.update allows ~50 a minute)


def send_key(broadcast_id: str) -> str:
    """Claimed by the first Send: a second press, or a redelivered click, sends nothing."""
    return f"broadcast-send:{broadcast_id}"


def show_preview(services: Services, client: WebClient, broadcast: Broadcast) -> None:
    """Redraw the organiser's preview message as the broadcast now stands."""
    if not (broadcast.preview_channel and broadcast.preview_ts):
        return
    message = preview(services, broadcast)
    client.chat_update(
        channel=broadcast.preview_channel, ts=broadcast.preview_ts, **message.as_kwargs()
    )


def preview(services: Services, broadcast: Broadcast) -> Message:
    """The preview message for `broadcast`, with the current number of recipients."""
    programme = services.programme
    dm = broadcast.audience != CHANNEL
    count = len(recipients(broadcast.audience, programme=programme, store=services.store))
    return preview_message(
        broadcast,
        audiences=audiences(programme),
        audience_label=audience_label(broadcast.audience, programme),
        count=count if dm else None,
        channel=services.settings.announcements_channel,
        tz=programme.tz,
    )


def send_broadcast(services: Services, client: WebClient, broadcast_id: str) -> None:
    """Send it now, exactly once."""
    store = services.store
    current = store.broadcast(broadcast_id=broadcast_id)
    if current is None or current.status not in ("draft", "scheduled"):
        return
    if not store.claim(key=send_key(broadcast_id)):
        return
    people = recipients(current.audience, programme=services.programme, store=store)
    total = len(people) if current.audience != CHANNEL else 1
    sending = replace(current, status="sending", recipients=total)
    store.save_broadcast(broadcast=sending)
    show_preview(services, client, sending)
    began = time.monotonic()
    if current.audience == CHANNEL:
        channel = services.settings.announcements_channel
        try:
            client.chat_postMessage(channel=channel or "", text=current.text)
            delivered, failed = 1, 0
        except SlackApiError:
            # Recorded as failed (not left "sending"), so the organiser sees what happened.
            logger.exception("Broadcast %s could not be posted to %s", broadcast_id, channel)
            delivered, failed = 0, 1
    else:
        last = [0.0]

        def progress(done: int, of: int) -> None:
            if time.monotonic() - last[0] >= PROGRESS_EVERY and done < of:
                last[0] = time.monotonic()
                show_preview(services, client, replace(sending, delivered=done))

        letters = (
            Letter(user, f"broadcast:{broadcast_id}:{user}", {"text": current.text})
            for user in people
        )
        report = Delivery(client, store).send(letters, progress=progress)
        delivered = report.sent + report.already_sent
        failed = report.failed + report.unreachable
    sent = replace(
        sending, status="sent", delivered=delivered, failed=failed, sent_at=services.clock()
    )
    store.save_broadcast(broadcast=sent)
    show_preview(services, client, sent)
    logger.info("Broadcast %s by %s to %s: %d delivered, %d failed, in %.1f s", broadcast_id,
                current.organiser_id, current.audience, delivered, failed,
                time.monotonic() - began)  # fmt: skip


def job_id(broadcast_id: str) -> str:
    """The scheduler's id for a broadcast's send-later job."""
    return f"broadcast:{broadcast_id}"


def schedule(services: Services, client: WebClient, broadcast: Broadcast) -> None:
    """Send `broadcast` at its `send_at` (at once if that has passed)."""
    if broadcast.send_at is not None:
        services.jobs.at(
            job_id(broadcast.id), broadcast.send_at, send_broadcast, services, client, broadcast.id
        )


def schedule_stored(services: Services, client: WebClient) -> None:
    """At start-up: put every scheduled broadcast back on the schedule."""
    for broadcast in services.store.broadcasts():
        if broadcast.status == "scheduled":
            schedule(services, client, broadcast)
