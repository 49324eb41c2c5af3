"""The one sender that drains the outbox (the entries in the store) into Slack.

Every message the bot sends unasked goes through here: reminders, "starting soon" posts,
broadcasts, waitlist promotions, news of changed sessions. The decision that caused a message
and its outbox entry were written in one durable step; this relay claims due entries from the
store (each for a lease, so that the senders of several processes never share one, and an
entry claimed by a process that died goes to another after its lease), draws each message
with its feature's renderer, posts it, and settles the entry:

- sent: Slack accepted it. Before posting, the entry is marked as being attempted (and
  kept from other senders for a lease); a sender that finds that mark (the last one died
  mid-call, or the call timed out) first asks Slack whether the message is in the person's
  DM, found by the key it carries (`slack.delivered`). So a kill repeats no DM; an
  interrupted post to a channel may repeat once. Nothing is ever lost.
- retried: HTTP 429 (after `Retry-After`, for everyone: one shared pace, shared by every
  process when several run), 5xx, timeouts, connection errors and Slack's transient error
  codes, with exponential backoff and jitter, for as long as the entry is worth sending (its
  `deadline`): the entry goes back to the store, due again after the backoff;
- expired: its deadline passed first. Logged once, and kept for organisers to see;
- failed: a permanent error (`user_not_found`, `channel_not_found`, `invalid_blocks`…),
  at once, logged with the reason;
- cancelled: cancelled meanwhile (a broadcast's Cancel), or no longer meaningful (the
  renderer says so: the session was removed).

Entries soonest to expire go first, so a reminder is not stuck behind a large broadcast.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.formatting import Message
from bot.outbox.pacing import Pacer
from bot.outbox.records import Entry, EntryStatus
from bot.outbox.slack import TRANSIENT, delivered, error_code, retry_after, tag
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.outbox.pace import SendingRecords

logger = logging.getLogger(__name__)

Renderer = Callable[[Entry, datetime], Message | None]
"""Draws an entry's message at sending time; None when it no longer applies."""
Settled = Callable[[Entry], None]

METHOD = "chat.postMessage"
LEASE = 10.0
"""Seconds an entry stays claimed: what a process that dies holds back from the others (the
bot gives its `SLACK_TIMEOUT`, the longest a call may take, as the lease). A
sender claims only what its workers will take within a second or two, and gives back what
waits longer (`LEASE_MARGIN`), so a short lease costs nothing while all is well."""
LEASE_MARGIN = 0.75  # of a claim's lease, after which an entry not yet sent is given back
ERRORS_KEPT = 10_000
"""The most recent Slack errors remembered, for the health check's count of the last hour."""


@dataclass(order=True)
class _Item:
    due: float  # the heap's order: the entry's deadline
    number: int
    entry: Entry = field(compare=False)
    attempts: int = field(default=0, compare=False)
    claimed: float = field(default_factory=time.monotonic, compare=False)


@dataclass
class _Handler:
    render: Renderer
    settled: Settled | None


class Outbox:
    """Drains the store's outbox on a few worker threads, all paced by one shared `Pacer`.

    `client` must not retry by itself (slack_sdk's retry handlers would sleep one thread per
    429 while the others carry on into the limit): the outbox pauses them all and retries."""

    def __init__(
        self,
        store: SendingRecords,
        client: WebClient,
        *,
        clock: Callable[[], datetime],
        workers: int = 4,
        rate: float = 20.0,
        max_rate: float = 500.0,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        lease: float = LEASE,
        shared: bool = False,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._store = store
        self._client = client
        self._clock = clock
        self._workers = workers
        self._backoff, self._max_backoff = backoff, max_backoff
        self._pacer = Pacer(rate, max_rate)
        self._handlers: dict[str, _Handler] = {}
        self._cond = threading.Condition()
        self._ready: list[_Item] = []
        # Entries this sender put back to try later, with the attempts made so far.
        self._later: dict[str, int] = {}
        # Who claims entries: unique to this sender, so that processes never share a claim.
        self._owner = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lease = lease
        self._shared = shared  # other processes send from the same store: share one pace
        self._numbers = itertools.count()
        self._busy = 0
        self._stopping = False
        self._failing = False  # Slack failing transiently: logged once per episode
        self.last_sent: datetime | None = None  # when Slack last accepted a message
        self._errors: deque[datetime] = deque(maxlen=ERRORS_KEPT)  # when Slack refused or failed
        self._threads: list[threading.Thread] = []

    def handle(self, kind: str, *, render: Renderer, settled: Settled | None = None) -> None:
        """Send entries of `kind` with messages drawn by `render`; `settled(entry)` is called
        once each is settled (from a worker thread)."""
        self._handlers[kind] = _Handler(render, settled)

    def start(self) -> None:
        """Start sending: first what the last run left pending, then whatever is added."""
        if self._threads:
            return
        feeder = threading.Thread(target=self._feed, name="outbox-feeder", daemon=True)
        self._threads = [
            threading.Thread(target=self._work, name=f"outbox-{n}", daemon=True)
            for n in range(self._workers)
        ]
        for thread in [feeder, *self._threads]:
            thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop: messages being sent finish; the rest stay pending, their claims given up so
        that another process (or the next start) sends them at once."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._pacer.close()  # workers waiting out a 429 pause let go at once
        # The workers are joined; the feeder only reads the store, and leaves at its next look.
        end = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))
        with self._cond:
            unsent, self._ready = self._ready, []
        for item in unsent:
            self._give_back(item)

    def _give_back(self, item: _Item) -> None:
        """Closing: leave the entry pending and claimable at once (by another process, or
        the next start), rather than held for the rest of its claim's lease."""
        try:
            self._store.postpone(key=item.entry.key, until=datetime.now(UTC))
        except StoreError:
            logger.warning("Could not give back %s; it is sent after its lease", item.entry.key)

    def paused(self) -> bool:
        """Whether this sender is holding back for a pause Slack asked for (a 429)."""
        return self._pacer.paused()

    def stopped(self) -> bool:
        """Whether no worker of this sender is left to call Slack (after `close`)."""
        return bool(self._threads) and not any(thread.is_alive() for thread in self._threads)

    def idle(self) -> bool:
        """Nothing waiting, being retried or in flight (entries not yet picked up aside); for
        tests and benchmarks that wait for the outbox to settle."""
        with self._cond:
            if self._ready or self._busy:
                return False
            later = list(self._later)
        for key in later:
            entry = self._store.entry(key=key)
            if entry is None or entry.status != "pending":
                with self._cond:
                    self._later.pop(key, None)
        with self._cond:
            return not (self._ready or self._later or self._busy)

    # --- threads --------------------------------------------------------------------------

    def _feed(self) -> None:
        """Claim due entries, a few more than the workers can take at once, so that other
        processes' senders share the rest; wait for more when there are none."""
        while not self._stopping:
            with self._cond:
                room = 2 * self._workers - len(self._ready) - self._busy
                if room <= 0:
                    self._cond.wait(0.5)
                    continue
            try:
                entries = self._store.claim_entries(
                    owner=self._owner, now=datetime.now(UTC), lease=self._lease, limit=room
                )
                if not entries:
                    self._store.wait_entries(timeout=0.25)
                    continue
            except StoreError:
                if self._stopping:
                    return
                logger.exception("The outbox cannot read the store; trying again shortly")
                time.sleep(1.0)
                continue
            with self._cond:
                for entry in entries:
                    attempts = self._later.pop(entry.key, 0)
                    number = next(self._numbers)
                    heapq.heappush(
                        self._ready, _Item(entry.deadline.timestamp(), number, entry, attempts)
                    )
                self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                item = self._next()
                if item is None:
                    return
                self._busy += 1
            try:
                self._attempt(item)
            except Exception:
                # A bug, not Slack: log it, and try again later (until the deadline) rather
                # than leave the entry stranded until the next start.
                logger.exception("Outbox entry %s could not be handled", item.entry.key)
                self._requeue(item, attempts=item.attempts + 1, delay=self._max_backoff)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()  # room for the feeder to claim more

    def _next(self) -> _Item | None:
        """The next entry to try, waiting for one; None when stopping. Under the lock."""
        while not self._stopping:
            if self._ready:
                return heapq.heappop(self._ready)
            self._cond.wait()
        return None

    # --- one attempt ----------------------------------------------------------------------

    def _attempt(self, item: _Item) -> None:
        entry = self._store.entry(key=item.entry.key)
        if entry is None or entry.status != "pending":
            return  # cancelled meanwhile
        handler = self._handlers.get(entry.kind)
        now = self._clock()
        if now >= entry.deadline:
            logger.warning("Not sent before its deadline, expired: %s (%d attempts)",
                           entry.key, item.attempts)  # fmt: skip
            self._settle(entry, "expired", f"not sent by {entry.deadline.isoformat()}")
            return
        if handler is None:
            logger.error("No sender for outbox entries of kind %r: %s", entry.kind, entry.key)
            self._settle(entry, "failed", f"no sender for kind {entry.kind}")
            return
        message = entry.message or _kwargs(handler.render(entry, now))
        if message is None:
            self._settle(entry, "cancelled", "no longer applies")
            return
        sent_at = self._pacer.wait_turn()
        if sent_at is None or not self._shared_turn(item):
            if self._stopping:
                self._give_back(item)
            return  # closing, or given back for a later turn
        if self._clock() >= entry.deadline:
            self._requeue(item, attempts=item.attempts)  # it expired while waiting its turn
            return
        if entry.attempted_at is not None:
            there = delivered(self._client, key=entry.key, recipient=entry.recipient,
                              since=entry.attempted_at)  # fmt: skip
            if there is None:
                self._retry(item, "Slack cannot say whether an interrupted message arrived")
                return
            if there:
                logger.info("%s had reached Slack before; not sent again", entry.key)
                self._settle(entry, "sent", "found in Slack")
                return
        if time.monotonic() - item.claimed > self._lease * LEASE_MARGIN:
            # Its claim is running out (a long pause for Slack's limit): another process may
            # claim it any moment. Give it back rather than risk sending it twice.
            self._requeue(item, attempts=item.attempts)
            return
        if not self._mark_attempt(item):
            return
        try:
            reply = self._client.chat_postMessage(channel=entry.recipient, metadata=tag(entry.key),
                                                  **message)  # fmt: skip
        except SlackApiError as error:
            self._slack_error()
            status, code = error.response.status_code, error_code(error)
            if status == 429:
                wait = retry_after(error.response.headers)
                self._pacer.limited(wait, sent_at, seen=self._share_pause(wait))
                # Not an attempt, nor a message sent: Slack said so, and when to try again.
                self._requeue(item, attempts=item.attempts, unsent=True)
            elif status >= 500 or code in TRANSIENT:
                self._retry(item, f"HTTP {status} {code}")
            else:
                logger.warning("Could not send %s: %s (HTTP %d)", entry.key, code, status)
                self._settle(entry, "failed", code)
        except (OSError, HTTPException) as error:  # refused, reset, timed out, cut short
            self._slack_error()
            self._retry(item, f"{type(error).__name__}: {error}")
        else:
            self._pacer.succeeded()
            self._share_success()
            self.last_sent = self._clock()
            with self._cond:
                recovered, self._failing = self._failing, False
            if recovered:
                logger.info("Slack accepts messages again")
            channel, ts = reply.get("channel"), reply.get("ts")
            where = (channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None
            self._settle(entry, "sent", "", posted=where)

    def _mark_attempt(self, item: _Item) -> bool:
        """Record that the entry is being posted now (nobody else takes it for a lease);
        False if it is no longer pending, or the store cannot record it (tried again later)."""
        now = datetime.now(UTC)
        until = now + timedelta(seconds=self._lease)
        try:
            return self._store.attempt(key=item.entry.key, at=now, until=until)
        except StoreError:
            logger.warning("Could not record an attempt at %s; trying again later", item.entry.key)
            self._requeue(item, attempts=item.attempts, delay=1.0)
            return False

    def _shared_turn(self, item: _Item) -> bool:
        """With other processes sending too: wait for this call's turn on the pace they all
        share. False if closing meanwhile, or if the turn would come after the entry's claim
        runs short: the turn is then left to others (taken and given up, it would be lost
        to everyone), and the entry given back, due a little before that turn."""
        if not self._shared:
            return True
        now = datetime.now(UTC)
        window = self._lease * LEASE_MARGIN
        left = window - (time.monotonic() - item.claimed)
        latest = now + timedelta(seconds=max(0.0, left))
        try:
            turn = self._store.take_turn(
                method=METHOD, now=now, interval=1 / self._pacer.rate, latest=latest
            )
        except StoreError:
            logger.warning("Could not take a turn on the shared pace; going on at our own")
            return True
        if turn > latest:
            ahead = (turn - now).total_seconds()
            self._requeue(item, attempts=item.attempts, delay=max(0.0, ahead - window / 2))
            return False
        if turn > datetime.now(UTC):
            self._pacer.waited()  # held back by the shared pace: room to go faster
        while not self._stopping:
            left = (turn - datetime.now(UTC)).total_seconds()
            if left <= 0:
                return True
            time.sleep(min(left, 0.25))
        return False

    def _share_pause(self, retry_after: float) -> int | None:
        """Hold the other processes back too; how many calls went through in the last
        second in all of them (None when not shared, or not known)."""
        if not self._shared:
            return None
        now = datetime.now(UTC)
        try:
            self._store.pause_calls(method=METHOD, until=now + timedelta(seconds=retry_after))
            return self._store.recent_calls(method=METHOD, now=now)
        except StoreError:
            logger.warning("Could not share Slack's pause with the other processes")
            return None

    def _share_success(self) -> None:
        if not self._shared:
            return
        try:
            self._store.call_succeeded(method=METHOD, now=datetime.now(UTC))
        except StoreError:
            logger.warning("Could not count a call on the shared pace")

    def slack_errors(self, within: timedelta = timedelta(hours=1)) -> int:
        """How many of this process's calls Slack refused (a rate limit, an error) or failed
        (5xx, no answer) in the last `within` (up to `ERRORS_KEPT`)."""
        since = self._clock() - within
        with self._cond:
            return sum(1 for at in self._errors if at >= since)

    def _slack_error(self) -> None:
        with self._cond:
            self._errors.append(self._clock())

    def _retry(self, item: _Item, problem: str) -> None:
        with self._cond:
            first, self._failing = not self._failing, True
        if first:
            logger.warning("Slack is failing (%s); retrying until each message's deadline",
                           problem)  # fmt: skip
        attempts = item.attempts + 1
        delay = min(self._max_backoff, self._backoff * 2 ** (attempts - 1))
        delay *= random.uniform(0.5, 1.0)  # jitter: workers hit by one outage do not return in step
        left = (item.entry.deadline - self._clock()).total_seconds()
        self._requeue(item, attempts=attempts, delay=max(0.0, min(delay, left)))

    def _requeue(
        self, item: _Item, *, attempts: int, delay: float = 0.0, unsent: bool = False
    ) -> None:
        """Try the entry again after `delay` seconds: it goes back to the store, due then, for
        whichever process's sender claims it first (its attempts are counted here only).
        `unsent`: Slack said it did not take the message."""
        until = datetime.now(UTC) + timedelta(seconds=delay)
        key = item.entry.key
        with self._cond:
            self._later[key] = attempts
        try:
            self._store.postpone(key=key, until=until, unsent=unsent)
        except StoreError:
            logger.exception("Could not postpone %s; it is tried again after its lease", key)

    def _settle(
        self,
        entry: Entry,
        status: EntryStatus,
        detail: str,
        posted: tuple[str, str] | None = None,
    ) -> None:
        try:
            settled = self._store.settle(key=entry.key, status=status, at=self._clock(),
                                         detail=detail, posted=posted)  # fmt: skip
        except StoreError:
            if status == "sent":
                logger.exception("Sent %s but could not record it: it may be sent again after "
                                 "a restart", entry.key)  # fmt: skip
            else:
                logger.exception("Could not record %s as %s", entry.key, status)
            return
        handler = self._handlers.get(entry.kind)
        if settled and handler is not None and handler.settled is not None:
            try:
                handler.settled(self._store.entry(key=entry.key) or entry)
            except Exception:
                logger.exception("After settling %s", entry.key)


def _kwargs(message: Message | None) -> dict[str, Any] | None:
    return None if message is None else message.as_kwargs()
