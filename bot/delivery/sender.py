"""Direct messages to many people: exactly once per key, paced under Slack's rate limits."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.pacing import Pacer
from bot.delivery.report import DeliveryReport, Letter, Outcome, Tally
from bot.store import Store

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Slack's answers for a person the bot cannot DM: skip them, the others still get theirs.
UNREACHABLE = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "cannot_dm_bot",
        "account_inactive",
        "user_disabled",
        "is_bot",
        "not_allowed",
        "restricted_action",
    }
)
PROGRESS_EVERY = 0.5  # seconds
MAX_RATE_LIMITED = 100  # 429s for one letter before giving up on it (a runaway limit)


class Delivery:
    """Sends letters as DMs from a few worker threads, all paced by one shared `Pacer`.

    Send-then-record: a key is claimed only once Slack has accepted its message, so a crash
    between the two (or a reply lost with its connection, then retried) can repeat one
    message but never lose one. `send` blocks until every letter is settled, sleeping
    through rate-limit pauses: run it on a scheduler or background thread, never while a
    Slack request waits for its acknowledgement. Two sends of the same key at once through
    one `Delivery` send it once; through two, they may both send it.
    """

    def __init__(
        self,
        client: WebClient,
        store: Store,
        *,
        workers: int = 4,
        max_attempts: int = 5,
        rate: float = 20.0,
        max_rate: float = 500.0,
        backoff: float = 0.1,
        max_backoff: float = 5.0,
    ) -> None:
        if workers < 1 or max_attempts < 1:
            raise ValueError("workers and max_attempts must be at least 1")
        self._client = _without_retries(client)
        self._store = store
        self._workers = workers
        self._max_attempts = max_attempts
        self._backoff, self._max_backoff = backoff, max_backoff
        self._pacer = Pacer(rate, max_rate)  # shared by every send: it has learnt the limit
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()  # guards _in_flight only; never held during a call

    def send(
        self, letters: Iterable[Letter], *, progress: Progress | None = None
    ) -> DeliveryReport:
        """Deliver every letter whose key is not claimed yet; `progress(done, total)` is called
        every PROGRESS_EVERY seconds or so and once at the end, from this thread."""
        started = time.monotonic()
        tally, queue, keys = Tally(), deque[Letter](), set[str]()
        for letter in letters:
            if letter.key in keys:
                tally.add("already_sent", letter.user_id)  # the same key twice in one batch
            else:
                keys.add(letter.key)
                queue.append(letter)
        total = tally.done + len(queue)
        threads = [
            threading.Thread(target=self._work, args=(queue, tally), name=f"delivery-{n}")
            for n in range(min(self._workers, len(queue)))
        ]
        for thread in threads:
            thread.start()
        due = started + PROGRESS_EVERY
        for thread in threads:
            while thread.is_alive():
                thread.join(max(0.0, due - time.monotonic()))
                if time.monotonic() >= due:
                    _report_progress(progress, tally.done, total)
                    due = time.monotonic() + PROGRESS_EVERY
        _report_progress(progress, total, total)
        report = tally.report
        report.seconds = time.monotonic() - started
        logger.info(
            "Delivered %d of %d letters in %.1fs (%d already sent, %d unreachable, %d failed, "
            "%d rate-limited answers)", report.sent, total, report.seconds,
            report.already_sent, report.unreachable, report.failed, report.rate_limited,
        )  # fmt: skip
        return report

    def _work(self, queue: deque[Letter], tally: Tally) -> None:
        while True:
            try:
                letter = queue.popleft()  # atomic: each letter goes to one worker
            except IndexError:
                return
            try:
                outcome = self._deliver(letter, tally)
            except Exception:
                logger.exception("Letter %s to %s failed unexpectedly", letter.key, letter.user_id)
                outcome = "failed"
            tally.add(outcome, letter.user_id)

    def _deliver(self, letter: Letter, tally: Tally) -> Outcome:
        with self._lock:
            if letter.key in self._in_flight:
                return "already_sent"  # another send of this Delivery has it in hand
            self._in_flight.add(letter.key)
        try:
            if self._store.is_claimed(key=letter.key):
                return "already_sent"
            outcome = self._post(letter, tally)
            if outcome == "sent":
                try:
                    self._store.claim(key=letter.key)
                except Exception:
                    logger.exception(
                        "Sent %s to %s but could not record it: a rerun would send it again",
                        letter.key, letter.user_id,
                    )  # fmt: skip
            return outcome
        finally:
            with self._lock:
                self._in_flight.discard(letter.key)

    def _post(self, letter: Letter, tally: Tally) -> Outcome:
        """One chat.postMessage, retried through 429s, server errors and lost connections."""
        attempts = limited = 0
        while True:
            sent_at = self._pacer.wait_turn()
            try:
                self._client.chat_postMessage(channel=letter.user_id, **letter.message)
            except SlackApiError as error:
                status, code = error.response.status_code, _error_code(error)
                if status == 429 and limited < MAX_RATE_LIMITED:
                    limited += 1
                    tally.count("rate_limited")
                    self._pacer.limited(_retry_after(error.response.headers), sent_at)
                    continue  # not an attempt: Slack said when to come back
                if status < 500 and code in UNREACHABLE:
                    logger.warning("Cannot DM %s (%s): %s", letter.user_id, letter.key, code)
                    return "unreachable"
                if status < 500:
                    logger.error("Letter %s to %s failed: %s (HTTP %d)", letter.key,
                                 letter.user_id, code, status)  # fmt: skip
                    return "failed"
                problem = f"HTTP {status} {code}"
            except (OSError, HTTPException) as error:  # refused, reset, timed out, cut short
                problem = f"{type(error).__name__}: {error}"
            else:
                self._pacer.succeeded()
                return "sent"
            attempts += 1
            if attempts >= self._max_attempts:
                logger.error("Letter %s to %s failed after %d attempts: %s", letter.key,
                             letter.user_id, attempts, problem)  # fmt: skip
                return "failed"
            tally.count("retried")
            # Exponential backoff with jitter, so workers hit by one outage do not return
            # in step; this worker alone waits, the others carry on.
            delay = min(self._max_backoff, self._backoff * 2 ** (attempts - 1))
            time.sleep(delay * random.uniform(0.5, 1.0))


def _without_retries(client: WebClient) -> WebClient:
    """A copy of `client` with no retry handlers: slack_sdk's would sleep one thread per 429
    while the others carry on into the limit; `Delivery` pauses them all and retries."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=[],
    )


def _error_code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else "unreadable_response"


def _retry_after(headers: dict[str, Any]) -> float:
    """Seconds from a Retry-After header (1 if missing or unreadable, as Slack's default)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):  # some slack_sdk paths keep header values as lists
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


def _report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is None:
        return
    try:
        progress(done, total)
    except Exception:
        # A broken progress display must not stop a delivery half way.
        logger.exception("Delivery progress callback failed")
