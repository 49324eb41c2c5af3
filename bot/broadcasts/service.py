"""Organisers' broadcasts: drafts previewed in the organiser's DM, sent once through the outbox
to the chosen audience, now or later, with progress and counts read from the outbox.

Every change of a broadcast is conditional on where it stands
(`BroadcastRecords.change_broadcast`): a second Send, a redelivered click or a late save of
the preview changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks.formatting import Message
from bot.broadcasts.audiences import (
    CHANNEL,
    audience_label,
    audiences,
    is_known,
    matching,
    new_broadcast,
)
from bot.broadcasts.audiences import recipients as audience_recipients
from bot.broadcasts.messages import preview_message
from bot.broadcasts.records import BROADCAST_KIND, Broadcast, BroadcastStatus
from bot.current import CurrentProgramme
from bot.outbox.records import Entry
from bot.outbox.updates import PacedUpdates
from bot.scheduler import Scheduler
from bot.store.engine import StoreError

if TYPE_CHECKING:
    from bot.broadcasts.records import BroadcastRecords

logger = logging.getLogger(__name__)

FANOUT_CHUNK = 500
"""Messages queued per durable step: a broadcast to 104,000 people is queued in chunks, each
its own short transaction, so no other request waits behind one huge write (2,000 at a time
held requests up to 140 ms at p99 in `bench/national_week.py`; 500, about 55 ms)."""

EVERY_STATUS: tuple[BroadcastStatus, ...] = ("draft", "scheduled", "sending", "sent", "cancelled")
JOB_PREFIX = "broadcast:"


def job_id(broadcast_id: str) -> str:
    """The scheduler's id for a broadcast's send-later job."""
    return f"{JOB_PREFIX}{broadcast_id}"


class Broadcasts:
    """Drafts, sending, scheduling and cancelling broadcasts, and their previews."""

    def __init__(
        self,
        *,
        store: BroadcastRecords,
        current: CurrentProgramme,
        scheduler: Scheduler,
        client: WebClient,
        updates: PacedUpdates,
        channel: str | None,
        expiry: timedelta,
        clock: Callable[[], datetime],
        progress_every: float = 2.0,
    ) -> None:
        self._store = store
        self._current = current
        self._scheduler = scheduler
        self._client = client
        self._updates = updates
        self._channel = channel
        self._expiry = expiry
        self._clock = clock
        self._progress_every = progress_every  # seconds between preview updates while sending
        self._shown: dict[str, float] = {}
        self._lock = threading.Lock()
        self._drawing = threading.Lock()  # one redraw of a preview at a time
        self._queued: dict[str, int] = {}  # messages queued per broadcast, at the last look
        self._resumed = False

    # --- reading ----------------------------------------------------------------------------

    def get(self, broadcast_id: str) -> Broadcast | None:
        """The broadcast as it stands, its counts read from the outbox."""
        broadcast = self._store.broadcast(broadcast_id=broadcast_id)
        return None if broadcast is None else self._counted(broadcast)

    def recent(self, *, limit: int | None = None) -> list[Broadcast]:
        """Broadcasts, newest first, with counts from the outbox."""
        return [self._counted(b) for b in self._store.broadcasts(limit=limit)]

    def history(self, *, limit: int) -> list[Broadcast]:
        """The `limit` newest broadcasts that were sent, are being sent or are scheduled
        (cancelled after sending began included), with counts from the outbox. Drafts, and
        drafts or scheduled broadcasts cancelled before anything was sent, are left out."""
        shown = [b for b in self._store.broadcasts() if _went_out(b)]
        return [self._counted(b) for b in shown[:limit]]

    def problems(self, *, since: datetime) -> list[Entry]:
        """What the bot could not deliver (any kind of message) since `since`, for organisers."""
        return self._store.problems(since=since)

    @property
    def timezone(self) -> ZoneInfo:
        """The event's timezone, for showing times."""
        return self._current.programme.tz

    def is_audience(self, audience: str) -> bool:
        """Whether a draft can be given `audience`: the channel only when there is one."""
        return is_known(audience, self._current.programme, channel=self._channel is not None)

    def find_audiences(self, query: str, *, limit: int) -> list[tuple[str, str]]:
        """(value, label) of the audiences matching what an organiser typed, at most `limit`:
        the fixed ones first, then sessions by title or id; the channel only when there is one."""
        programme = self._current.programme
        return matching(query, programme, channel=self._channel is not None, limit=limit)

    def sendable(self, broadcast: Broadcast) -> bool:
        """Whether `broadcast` has somewhere to go: not the channel when there is none."""
        return broadcast.audience != CHANNEL or self._channel is not None

    def nobody_to_send_to(self, broadcast: Broadcast) -> bool:
        """Whether `broadcast` is for people, and nobody is in its audience now."""
        return broadcast.audience != CHANNEL and not self._recipients(broadcast.audience)

    def audience_labels(self) -> dict[str, str]:
        return dict(audiences(self._current.programme))

    def preview(self, broadcast: Broadcast) -> Message:
        """The preview message for `broadcast`, with the current number of recipients."""
        programme = self._current.programme
        dm = broadcast.audience != CHANNEL
        count = len(self._recipients(broadcast.audience)) if dm else None
        return preview_message(
            broadcast,
            audience_label=audience_label(broadcast.audience, programme),
            count=count,
            channel=self._channel,
            tz=programme.tz,
        )

    # --- changing ---------------------------------------------------------------------------

    def draft(self, *, organiser_id: str, text: str) -> Broadcast:
        """A new draft for the announcements channel, kept before anyone can press a button."""
        draft = new_broadcast(organiser_id=organiser_id, text=text, now=self._clock())
        self._store.save_broadcast(broadcast=draft)
        return draft

    def post_preview(self, broadcast: Broadcast, *, user_id: str) -> None:
        """Post the preview in the organiser's DM (a message the bot can keep updating)."""
        posted = self._client.chat_postMessage(
            channel=user_id, **self.preview(broadcast).as_kwargs()
        )
        where = {"preview_channel": posted["channel"], "preview_ts": posted["ts"]}
        saved = self._store.change_broadcast(
            broadcast_id=broadcast.id, when=EVERY_STATUS, changes=where
        )
        if saved is not None and saved != replace(broadcast, **where):
            self.show_preview(saved)  # a button was pressed before the preview was saved

    def choose_audience(self, *, broadcast_id: str, audience: str) -> Broadcast | None:
        """Choose who receives a draft; None if it is no longer a draft or the audience is
        unknown."""
        if not self.is_audience(audience):
            return None
        chosen = self._store.change_broadcast(
            broadcast_id=broadcast_id, when=("draft",), changes={"audience": audience}
        )
        if chosen is not None:
            self.show_preview(chosen)
        return chosen

    def send(self, *, broadcast_id: str) -> bool:
        """Send it now, exactly once: every message goes into the outbox with the change to
        "sending", in one durable step. False if it was already sent or cancelled."""
        current = self._store.broadcast(broadcast_id=broadcast_id)
        if current is None or current.status not in ("draft", "scheduled"):
            return False
        if not self.sendable(current):
            self._back_to_draft(current)
            return False
        entries = self._entries(current)
        if not entries:
            logger.warning("Broadcast %s: nobody is in %s; not sent", broadcast_id,
                           current.audience)  # fmt: skip
            self._to_draft(current)
            return False
        sending = self._store.change_broadcast(
            broadcast_id=broadcast_id,
            when=("draft", "scheduled"),
            changes={"status": "sending", "recipients": len(entries), "delivered": 0,
                     "failed": 0},
            entries=entries[:FANOUT_CHUNK],
        )  # fmt: skip
        if sending is None:
            return False
        self._scheduler.cancel(job_id(broadcast_id))
        self._queue(broadcast_id, entries[FANOUT_CHUNK:])
        logger.info("Broadcast %s by %s to %s: %d messages queued", broadcast_id,
                    current.organiser_id, current.audience, len(entries))  # fmt: skip
        self.show_preview(sending)
        return True

    def _entries(self, broadcast: Broadcast) -> list[Entry]:
        """One outbox entry per person (or the channel) the broadcast goes to."""
        now = self._clock()
        if broadcast.audience == CHANNEL:
            people = [self._channel] if self._channel else []
        else:
            people = self._recipients(broadcast.audience)
        return [
            Entry(BROADCAST_KIND, broadcast.id, person, "1", now + self._expiry, now)
            for person in people
        ]

    def _queue(self, broadcast_id: str, entries: list[Entry]) -> None:
        """Queue the rest of a fan-out, a chunk per durable step, while it is still sending.
        A chunk that cannot be saved is logged: `resume` queues what is missing later."""
        for start in range(0, len(entries), FANOUT_CHUNK):
            current = self._store.broadcast(broadcast_id=broadcast_id)
            if current is None or current.status != "sending":
                return  # cancelled meanwhile
            try:
                self._store.enqueue(entries=entries[start : start + FANOUT_CHUNK])
            except StoreError:
                logger.exception("Broadcast %s: could not queue messages %d on; they are "
                                 "queued later", broadcast_id, start)  # fmt: skip
                return

    def schedule(self, *, broadcast_id: str, when: datetime) -> Broadcast | None:
        """Send a draft at `when`; kept in the store, so a restart keeps it. None if it is no
        longer a draft, or has nowhere to go."""
        current = self._store.broadcast(broadcast_id=broadcast_id)
        if current is None or not self.sendable(current):
            return None
        scheduled = self._store.change_broadcast(
            broadcast_id=broadcast_id,
            when=("draft",),
            changes={"status": "scheduled", "send_at": when},
        )
        if scheduled is not None:
            self._at(scheduled)
            self.show_preview(scheduled)
        return scheduled

    def cancel(self, *, broadcast_id: str) -> Broadcast | None:
        """Cancel a draft, a scheduled broadcast, or what a sending one has not sent yet."""
        cancelled = self._store.change_broadcast(
            broadcast_id=broadcast_id,
            when=("draft", "scheduled", "sending"),
            changes={"status": "cancelled"},
        )
        if cancelled is not None:
            self._scheduler.cancel(job_id(broadcast_id))
            self.show_preview(cancelled)
        return cancelled

    def resume(self) -> None:
        """At start-up, and now and then after: schedule again what is scheduled, queue what
        a fan-out cut short (a crash, a full disk, another process stopped) left unqueued,
        and finish a broadcast whose every message was settled."""
        for broadcast in self._store.broadcasts():
            counts = self._store.counts(kind=BROADCAST_KIND, subject=broadcast.id)
            if broadcast.status == "scheduled":
                self._at(broadcast)
            elif broadcast.status == "sending" and counts.total < broadcast.recipients:
                with self._lock:
                    stalled = self._queued.get(broadcast.id) == counts.total
                    self._queued[broadcast.id] = counts.total
                if stalled or not self._resumed:
                    self._queue(broadcast.id, self._entries(broadcast))
                after = self._store.counts(kind=BROADCAST_KIND, subject=broadcast.id)
                if stalled and after.total == counts.total and not after.pending:
                    # Nothing more to queue (the audience shrank since): it is done.
                    self._finish(broadcast.id, complete=True)
            elif broadcast.status == "sending" and not counts.pending:
                self._finish(broadcast.id)
        self._resumed = True

    # --- the outbox's side ------------------------------------------------------------------

    def render(self, entry: Entry, now: datetime) -> Message | None:
        """A broadcast's message: its text as written."""
        broadcast = self._store.broadcast(broadcast_id=entry.subject)
        if broadcast is None or broadcast.status != "sending":
            return None
        return Message(text=broadcast.text)

    def settled(self, entry: Entry) -> None:
        """One message settled: finish the broadcast after the last, show progress meanwhile."""
        counts = self._store.counts(kind=BROADCAST_KIND, subject=entry.subject)
        if counts.pending == 0:
            if not self._finish(entry.subject):
                # Cancelled while this one was on its way: the preview counts it too.
                broadcast = self.get(entry.subject)
                if broadcast is not None and broadcast.status == "cancelled":
                    self.show_preview(broadcast)
            return
        with self._lock:
            last = self._shown.get(entry.subject, 0.0)
            due = time.monotonic() - last >= self._progress_every
            if due:
                self._shown[entry.subject] = time.monotonic()
        if due:
            broadcast = self.get(entry.subject)
            if broadcast is not None and broadcast.status == "sending":
                self.show_preview(broadcast, progress=True)

    def show_preview(self, broadcast: Broadcast, *, progress: bool = False) -> None:
        """Redraw the organiser's preview message as the broadcast now stands. One redraw at
        a time, each reading where the broadcast stands when it draws, so a progress count
        still on its way to Slack can never arrive after, and cover, the final one; a
        `progress` redraw is skipped while another is being drawn."""
        if not self._drawing.acquire(blocking=not progress):
            return
        try:
            current = self.get(broadcast.id) or broadcast
            if progress and current.status != "sending":
                return
            if not (current.preview_channel and current.preview_ts):
                return
            message = self.preview(self._counted(current))
            # A progress count waits for no turn: the next one, or the final count, follows.
            self._updates.update(channel=current.preview_channel, ts=current.preview_ts,
                                 message=message.as_kwargs(), wait=not progress)  # fmt: skip
        finally:
            self._drawing.release()

    # --- inside -----------------------------------------------------------------------------

    def _finish(self, broadcast_id: str, *, complete: bool = False) -> bool:
        """Mark a sending broadcast sent, with its counts; False if it was not sending, or its
        messages are still being queued (unless `complete`: nothing more will be)."""
        counts = self._store.counts(kind=BROADCAST_KIND, subject=broadcast_id)
        failed, total = counts.failed + counts.expired, counts.total
        current = self._store.broadcast(broadcast_id=broadcast_id)
        queueing = current is not None and total < current.recipients and not complete
        if queueing and current is not None and current.status == "sending":
            return False  # the fan-out is still being queued
        if current is not None and current.audience == CHANNEL and not total:
            failed, total = 1, 1  # nowhere to post it: ANNOUNCEMENTS_CHANNEL is not set
        sent = self._store.change_broadcast(
            broadcast_id=broadcast_id,
            when=("sending",),
            changes={"status": "sent", "sent_at": self._clock(), "delivered": counts.sent,
                     "failed": failed, "recipients": total},
        )  # fmt: skip
        if sent is None:
            return False  # finished already (two last messages settled at once), or cancelled
        with self._lock:
            self._shown.pop(broadcast_id, None)
        logger.info("Broadcast %s finished: %d of %d delivered, %d failed", broadcast_id,
                    sent.delivered, sent.recipients, sent.failed)  # fmt: skip
        self.show_preview(sent)
        return True

    def _back_to_draft(self, broadcast: Broadcast) -> None:
        """A broadcast for the channel when there is none (ANNOUNCEMENTS_CHANNEL unset, by a
        crafted press, or since it was scheduled): nothing is sent; one that was scheduled
        becomes a draft again, for the organiser to choose a DM audience or cancel."""
        logger.warning("Broadcast %s is for the announcements channel, but ANNOUNCEMENTS_CHANNEL "
                       "is not set: not sent", broadcast.id)  # fmt: skip
        self._to_draft(broadcast)

    def _to_draft(self, broadcast: Broadcast) -> None:
        """A scheduled broadcast that cannot go becomes a draft again; a draft stays one."""
        if broadcast.status != "scheduled":
            return
        draft = self._store.change_broadcast(
            broadcast_id=broadcast.id, when=("scheduled",), changes={"status": "draft",
                                                                      "send_at": None}
        )  # fmt: skip
        if draft is not None:
            self._scheduler.cancel(job_id(broadcast.id))
            self.show_preview(draft)

    def _at(self, broadcast: Broadcast) -> None:
        if broadcast.send_at is not None:
            self._scheduler.at(
                job_id(broadcast.id), broadcast.send_at, self._send_scheduled, broadcast.id
            )

    def _send_scheduled(self, broadcast_id: str) -> None:
        self.send(broadcast_id=broadcast_id)

    def _counted(self, broadcast: Broadcast) -> Broadcast:
        """`broadcast` with its numbers read from the outbox, where it has entries there."""
        counts = self._store.counts(kind=BROADCAST_KIND, subject=broadcast.id)
        if not counts.total:
            return broadcast
        return replace(
            broadcast,
            recipients=counts.total,
            delivered=counts.sent,
            failed=counts.failed + counts.expired,
        )

    def _recipients(self, audience: str) -> list[str]:
        return audience_recipients(audience, programme=self._current.programme, store=self._store)


def _went_out(broadcast: Broadcast) -> bool:
    """Whether `broadcast` belongs in the history: sending began (`recipients` is set then,
    and a cancel keeps it), or it is scheduled to go."""
    if broadcast.status == "cancelled":
        return broadcast.recipients > 0 or broadcast.sent_at is not None
    return broadcast.status != "draft"
