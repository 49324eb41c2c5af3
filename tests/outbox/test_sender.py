"""The outbox sender (`bot.outbox.sender.Outbox`) against the fake Slack Web API.

Each test enqueues entries in a real store, lets an `Outbox` drain them into
`chat.postMessage` on the fake Slack (with faults injected: 5xx windows, dropped connections,
hangs, 429s, unreachable users) and checks how every entry is settled and what Slack saw.
Retries are fast (backoff 0.05 s, at most 0.5 s) so outages of a second are enough.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.blocks.formatting import Message
from bot.outbox.sender import Outbox, Renderer, Settled
from bot.records import Counts, Entry, EntryStatus, MemoryStore, Store, TinyDBStore
from bot.standin.fake_slack import FakeSlack
from bot.standin.records import CONNECTION_DROPPED
from bot.standin.slack_answers import JsonDict
from bot.store import StoreError
from tests.store.test_outbox import cancel
from tests.support.waiting import wait_until

NOTE = "note"
SENDER_LOGGER = "bot.outbox.sender"

MakeOutbox = Callable[..., Outbox]


def now() -> datetime:
    return datetime.now(UTC)


def draw(entry: Entry, at: datetime) -> Message:
    return Message(text=f"hi {entry.recipient}")


def note(
    recipient: str,
    *,
    subject: str = "s1",
    deadline_in: float = 30.0,
    kind: str = NOTE,
    message: dict[str, Any] | None = None,
) -> Entry:
    """An entry for `recipient`, worth sending for `deadline_in` seconds from now."""
    created = now()
    deadline = created + timedelta(seconds=deadline_in)
    return Entry(kind, subject, recipient, "v1", deadline, created, message=message)


def notes(count: int, *, subject: str = "s1", deadline_in: float = 30.0) -> list[Entry]:
    return [note(f"U{n:04d}", subject=subject, deadline_in=deadline_in) for n in range(count)]


def wait_settled(store: Store, count: int, *, subject: str = "s1", timeout: float = 3.0) -> Counts:
    """Wait until `count` entries about `subject` are settled; return the counts then."""
    wait_until(
        lambda: store.counts(kind=NOTE, subject=subject).settled >= count,
        timeout=timeout,
        what=f"{count} entries settled; have {store.counts(kind=NOTE, subject=subject)}",
    )
    return store.counts(kind=NOTE, subject=subject)


def status_of(store: Store, entry: Entry) -> EntryStatus | None:
    found = store.entry(key=entry.key)
    return None if found is None else found.status


def delivered(fake: FakeSlack) -> Counter[str]:
    """Messages Slack accepted, per recipient."""
    return Counter(
        str(call.args["channel"]) for call in fake.calls_to("chat.postMessage") if not call.failed
    )


def accepted_times(fake: FakeSlack) -> list[float]:
    """From now on, the monotonic time at which each chat.postMessage is accepted."""
    times: list[float] = []
    post = fake.answers.handlers["chat.postMessage"]

    def timed(args: JsonDict) -> JsonDict:
        answer = post(args)
        if answer.get("ok"):
            times.append(time.monotonic())
        return answer

    fake.answer_with("chat.postMessage", timed)
    return times


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(
        token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=2, retry_handlers=[]
    )


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def make_outbox(client: WebClient, store: MemoryStore) -> Iterator[MakeOutbox]:
    """Builds outboxes (on `store` and `client` unless given), with `render` for NOTE; every
    one is closed after the test, before the fake Slack stops."""
    made: list[Outbox] = []

    def make(
        *,
        on: Store | None = None,
        via: WebClient | None = None,
        render: Renderer = draw,
        settled: Settled | None = None,
        **options: Any,
    ) -> Outbox:
        settings: dict[str, Any] = {"workers": 4, "backoff": 0.05, "max_backoff": 0.5, "clock": now}
        settings |= options
        outbox = Outbox(on or store, via or client, **settings)
        outbox.handle(NOTE, render=render, settled=settled)
        made.append(outbox)
        return outbox

    yield make
    for outbox in made:
        outbox.close()


@pytest.fixture
def outbox(make_outbox: MakeOutbox) -> Outbox:
    """A started outbox with the default settings."""
    started = make_outbox()
    started.start()
    return started


# --- sending ---------------------------------------------------------------------------------


def test_every_pending_entry_is_sent_once_with_its_drawn_message_and_settled_sent(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    batch = notes(40)
    store.enqueue(entries=batch)
    counts = wait_settled(store, 40)
    assert counts == Counts(sent=40)
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 40
    assert all(call.args["text"] == f"hi {call.args['channel']}" for call in calls)
    for entry in batch:
        settled = store.entry(key=entry.key)
        assert settled is not None
        assert (settled.status, settled.detail) == ("sent", "")
        assert settled.settled_at is not None and settled.settled_at <= entry.deadline


def test_entries_left_by_a_previous_run_are_sent_after_start_and_settled_ones_are_not(
    fake_slack: FakeSlack, make_outbox: MakeOutbox, tmp_path: Path
) -> None:
    path = tmp_path / "bot.json"
    batch = notes(10)
    before = TinyDBStore(path)
    before.enqueue(entries=batch)
    for entry in batch[:3]:  # the previous run sent these, and recorded it
        before.settle(key=entry.key, status="sent", at=now())
    before.close()

    reopened = TinyDBStore(path)
    try:
        outbox = make_outbox(on=reopened)
        assert fake_slack.calls_to("chat.postMessage") == []  # nothing before start()
        outbox.start()
        assert wait_settled(reopened, 10) == Counts(sent=10)
        outbox.close()
    finally:
        reopened.close()
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch[3:]})
    assert len(fake_slack.calls_to("chat.postMessage")) == 7


def test_the_same_key_enqueued_twice_is_sent_once(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    entry = note("U0001")
    assert len(store.enqueue(entries=[entry, entry])) == 1
    wait_until(lambda: status_of(store, entry) == "sent")
    assert store.enqueue(entries=[note("U0001")]) == []  # same key, after it was sent
    later = note("U0002")
    store.enqueue(entries=[later])
    wait_until(lambda: status_of(store, later) == "sent")
    assert delivered(fake_slack) == Counter({"U0001": 1, "U0002": 1})
    assert store.counts(kind=NOTE, subject="s1") == Counts(sent=2)


def test_an_entry_with_a_message_is_sent_as_given_without_rendering(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    drawn: list[str] = []

    def render(entry: Entry, at: datetime) -> Message:
        drawn.append(entry.key)
        return draw(entry, at)

    outbox = make_outbox(render=render)
    outbox.start()
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "Room changed to *B2*"}}
    entry = note("U0001", message={"text": "Room changed to B2", "blocks": [block]})
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "sent")
    (call,) = fake_slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "U0001"
    assert call.args["text"] == "Room changed to B2"
    assert call.args["blocks"] == [block]
    assert drawn == []


def test_a_renderer_returning_none_cancels_the_entry_and_sends_nothing(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    outbox = make_outbox(render=lambda entry, at: None)
    outbox.start()
    entry = note("U0001")
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "cancelled")
    assert store.counts(kind=NOTE, subject="s1") == Counts(cancelled=1)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_an_entry_of_a_kind_without_a_handler_is_failed_and_not_sent(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    entry = note("U0001", kind="mystery")
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "failed")
    settled = store.entry(key=entry.key)
    assert settled is not None and "mystery" in settled.detail
    assert fake_slack.calls_to("chat.postMessage") == []


# --- permanent errors ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["user_not_found", "not_in_channel", "invalid_blocks"])
def test_a_permanent_error_fails_that_entry_at_once_and_the_others_still_go(
    fake_slack: FakeSlack,
    store: MemoryStore,
    outbox: Outbox,
    code: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": code})
    batch = notes(6)
    with caplog.at_level(logging.WARNING, logger=SENDER_LOGGER):
        store.enqueue(entries=batch)
        assert wait_settled(store, 6) == Counts(sent=5, failed=1)
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 6  # the failed one was not tried again
    (refused,) = [call for call in calls if call.failed]
    assert refused.error == code
    failed = store.entry(key=note(str(refused.args["channel"])).key)
    assert failed is not None and (failed.status, failed.detail) == ("failed", code)
    assert len([r for r in caplog.records if code in r.getMessage()]) == 1


def test_unreachable_users_are_failed_at_once_and_the_others_still_go(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.unreachable_users.update({"U0002", "U0007"})
    batch = notes(10)
    store.enqueue(entries=batch)
    assert wait_settled(store, 10) == Counts(sent=8, failed=2)
    assert len(fake_slack.calls_to("chat.postMessage")) == 10
    assert set(delivered(fake_slack)) == {e.recipient for e in batch} - {"U0002", "U0007"}
    for entry in batch:
        settled = store.entry(key=entry.key)
        assert settled is not None
        if entry.recipient in ("U0002", "U0007"):
            assert (settled.status, settled.detail) == ("failed", "channel_not_found")
        else:
            assert settled.status == "sent"


# --- transient failures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "internal_error"),
        (502, "internal_error"),
        (503, "service_unavailable"),
        (504, "request_timeout"),
        (200, "internal_error"),
        (200, "fatal_error"),
        (200, "service_unavailable"),
        (200, "request_timeout"),
    ],
)
def test_a_transient_error_is_retried_and_each_entry_sent_once(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox, status: int, code: str
) -> None:
    body = {"ok": False, "error": code}
    fake_slack.fail_next("chat.postMessage", status=status, body=body, times=3)
    batch = notes(5)
    store.enqueue(entries=batch)
    assert wait_settled(store, 5) == Counts(sent=5)
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    assert len(fake_slack.calls_to("chat.postMessage")) == 8


def test_after_a_5xx_window_every_entry_is_delivered_once_before_its_deadline(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    times = accepted_times(fake_slack)
    window_end = time.monotonic() + 1.0
    fake_slack.fail_for("chat.postMessage", 1.0)
    batch = notes(10, deadline_in=5.0)
    store.enqueue(entries=batch)
    assert wait_settled(store, 10, timeout=4.0) == Counts(sent=10)
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    assert min(times) >= window_end
    assert max(times) - window_end < 1.5  # backoff is capped at 0.5 s: all back soon after
    failures = [call for call in fake_slack.calls_to("chat.postMessage") if call.failed]
    assert failures and {call.error for call in failures} == {"service_unavailable"}
    for entry in batch:
        settled = store.entry(key=entry.key)
        assert settled is not None and settled.settled_at is not None
        assert settled.settled_at < entry.deadline


def test_a_dropped_connection_is_retried_and_the_entry_delivered_once(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.drop_next("chat.postMessage", times=3)
    batch = notes(4)
    store.enqueue(entries=batch)
    assert wait_settled(store, 4) == Counts(sent=4)
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    errors = Counter(call.error for call in fake_slack.calls_to("chat.postMessage"))
    assert errors == Counter({None: 4, CONNECTION_DROPPED: 3})


def test_a_call_hanging_past_the_client_timeout_is_retried_and_the_entry_sent(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    quick = WebClient(
        token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=1, retry_handlers=[]
    )
    outbox = make_outbox(via=quick)
    outbox.start()
    fake_slack.hang("chat.postMessage", 3.0)
    entry = note("U0001")
    started = time.monotonic()
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "sent")
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 2.0  # gave up on the held call at the client's timeout, then sent
    assert delivered(fake_slack) == Counter({"U0001": 1})  # the held call is not answered yet


def test_an_entry_whose_deadline_passes_in_an_outage_expires_with_one_warning(
    fake_slack: FakeSlack,
    store: MemoryStore,
    outbox: Outbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    times = accepted_times(fake_slack)
    window_end = time.monotonic() + 1.2
    fake_slack.fail_for("chat.postMessage", 1.2)
    soon, later = note("U0001", deadline_in=0.4), note("U0002", deadline_in=30.0)
    with caplog.at_level(logging.WARNING, logger=SENDER_LOGGER):
        store.enqueue(entries=[soon, later])
        wait_until(lambda: status_of(store, soon) == "expired")
        wait_until(lambda: status_of(store, later) == "sent")
    assert delivered(fake_slack) == Counter({"U0002": 1})
    assert min(times) >= window_end
    expired = store.entry(key=soon.key)
    assert expired is not None and expired.settled_at is not None
    assert soon.deadline <= expired.settled_at < soon.deadline + timedelta(seconds=0.5)
    warnings = [r for r in caplog.records if soon.key in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING and "expired" in warnings[0].getMessage()


@pytest.mark.slow(seconds=2)
def test_an_entry_whose_deadline_passes_in_a_rate_limit_pause_expires_unsent(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "2"})
    entry = note("U0001", deadline_in=0.5)
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) != "pending")
    assert status_of(store, entry) == "expired"
    assert delivered(fake_slack) == Counter()


# --- rate limits -----------------------------------------------------------------------------


def test_a_429_pauses_every_worker_for_its_retry_after(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    times = accepted_times(fake_slack)
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})
    batch = notes(8)
    started = time.monotonic()
    store.enqueue(entries=batch)
    assert wait_settled(store, 8) == Counts(sent=8)
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    assert fake_slack.rate_limited_count("chat.postMessage") == 1
    # A call already under way when the 429 came back may go through; after that, no worker
    # calls again until the second is over.
    early = [t for t in times if t - started < 0.95]
    assert len(early) <= 3


@pytest.mark.slow(seconds=4)
def test_under_a_rate_limit_every_entry_is_delivered_once_close_to_the_limit(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=20, retry_after=1)
    batch = notes(60, deadline_in=60.0)
    started = time.monotonic()
    store.enqueue(entries=batch)
    assert wait_settled(store, 60, timeout=20.0) == Counts(sent=60)
    elapsed = time.monotonic() - started
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    assert fake_slack.rate_limited_count("chat.postMessage") <= 10
    # Near the limit: 3.3 s on a quiet machine; sending at half the rate would take 6 s.
    # (The figure itself is bench/reminders.py's; a shared machine here only bounds it.)
    print(f"60 sent in {elapsed:.2f} s")
    assert 60 / 20 - 1 <= elapsed <= 60 / 20 * 1.75


# --- cancelling and ordering -----------------------------------------------------------------


def test_an_entry_cancelled_while_waiting_its_turn_is_not_sent(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    outbox = make_outbox(workers=1, rate=5.0, max_rate=5.0)  # one at a time, 0.2 s apart
    first = notes(3, subject="a")
    last = note("U0009", subject="b", deadline_in=60.0)  # the latest deadline: sent last
    store.enqueue(entries=[*first, last])
    outbox.start()
    fake_slack.wait_for("chat.postMessage", 1)
    assert cancel(store, NOTE, "b", now()) == 1
    assert wait_settled(store, 3, subject="a") == Counts(sent=3)
    wait_until(outbox.idle, what="the outbox idle")
    assert status_of(store, last) == "cancelled"
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in first})


def test_an_entry_cancelled_while_being_retried_is_not_sent(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.fail_for("chat.postMessage", 0.5)
    entry = note("U0001")
    store.enqueue(entries=[entry])
    fake_slack.wait_for("chat.postMessage", 2)  # failed twice: it is waiting to be retried
    assert cancel(store, NOTE, "s1", now()) == 1
    wait_until(outbox.idle, what="the outbox idle")
    fake_slack.clear_faults()
    assert status_of(store, entry) == "cancelled"
    assert delivered(fake_slack) == Counter()


def test_an_entry_with_an_earlier_deadline_goes_before_those_already_waiting(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    # One worker, 0.2 s apart: a queue builds up. (With several workers the pacer may hand
    # a turn to a later entry first: see test_pacing's test_turns_go_to_callers_in_the_order_
    # they_asked.)
    outbox = make_outbox(workers=1, rate=5.0, max_rate=5.0)
    outbox.start()
    waiting = notes(30, subject="far", deadline_in=60.0)
    store.enqueue(entries=waiting)
    fake_slack.wait_for("chat.postMessage", 1)
    urgent = note("UURGENT", subject="near", deadline_in=10.0)
    store.enqueue(entries=[urgent])
    wait_until(lambda: status_of(store, urgent) == "sent")
    order = [str(call.args["channel"]) for call in fake_slack.calls_to("chat.postMessage")]
    # Right after the one being sent and, at most, those the sender had already claimed
    # (twice its workers: 2), which other processes could not have sent either.
    assert order.index("UURGENT") <= 1 + 2
    outbox.close()
    assert store.counts(kind=NOTE, subject="far").pending >= 25  # close leaves them pending


# --- the settled callback --------------------------------------------------------------------


def test_the_settled_callback_is_called_once_per_settled_entry_after_it_is_recorded(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    seen: list[tuple[str, EntryStatus | None]] = []

    def render(entry: Entry, at: datetime) -> Message | None:
        return None if entry.recipient == "UNONE" else draw(entry, at)

    def settled(entry: Entry) -> None:
        seen.append((entry.recipient, status_of(store, entry)))

    outbox = make_outbox(render=render, settled=settled)
    outbox.start()
    fake_slack.unreachable_users.add("UGONE")
    batch = [
        *notes(5),
        note("UGONE"),
        note("UNONE"),
        note("ULATE", deadline_in=-1.0),
    ]
    store.enqueue(entries=batch)
    store.enqueue(entries=[note("UOTHER", kind="mystery")])  # no handler: no callback
    wait_until(lambda: len(seen) >= 8, what=f"8 callbacks; seen {seen}")
    wait_until(outbox.idle, what="the outbox idle")
    assert Counter(recipient for recipient, _ in seen) == Counter(
        {entry.recipient: 1 for entry in batch}
    )
    assert dict(seen) == {
        **{entry.recipient: "sent" for entry in batch[:5]},
        "UGONE": "failed",
        "UNONE": "cancelled",
        "ULATE": "expired",
    }


# --- closing ---------------------------------------------------------------------------------


def test_close_returns_promptly_during_an_outage_and_leaves_unsent_entries_pending(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.fail_for("chat.postMessage", 10.0)
    batch = notes(8)
    store.enqueue(entries=batch)
    fake_slack.wait_for("chat.postMessage", 16)  # every entry failed, some twice
    started = time.monotonic()
    outbox.close()
    assert time.monotonic() - started < 2.0
    assert outbox.stopped()  # no worker left to call again, now that Slack would answer
    calls = len(fake_slack.calls_to("chat.postMessage"))
    fake_slack.clear_faults()
    assert len(fake_slack.calls_to("chat.postMessage")) == calls
    assert store.counts(kind=NOTE, subject="s1") == Counts(pending=8)
    assert delivered(fake_slack) == Counter()


def test_close_returns_promptly_during_a_rate_limit_pause_and_sends_nothing_more(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "3"})
    entry = note("U0001")
    store.enqueue(entries=[entry])
    fake_slack.wait_for("chat.postMessage", 1)
    # The 429 is back: the pause is recorded, and the worker waits for it to end.
    wait_until(outbox.paused, what="the pause Slack asked for")
    started = time.monotonic()
    outbox.close()
    closing = time.monotonic() - started
    assert (closing < 2.0, status_of(store, entry), delivered(fake_slack)) == (
        True,
        "pending",
        Counter(),
    )
    # Given back: another process's sender takes it at once, not after the closed one's lease.
    taken = store.claim_entries(owner="another", now=datetime.now(UTC), lease=10.0, limit=5)
    assert [e.key for e in taken] == [entry.key]


def test_close_with_the_store_down_says_so_and_leaves_the_entry_to_its_lease(
    fake_slack: FakeSlack,
    store: MemoryStore,
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Giving an entry back needs the store: when it cannot be reached, closing still
    returns at once, says which entry waits for its lease, and loses nothing."""
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "3"})
    entry = note("U0001")
    claim = store.claim_entries
    claims: list[str] = []

    def counted(**kwargs: Any) -> list[Entry]:
        taken = claim(**kwargs)
        claims.extend(e.key for e in taken)
        return taken

    monkeypatch.setattr(store, "claim_entries", counted)
    store.enqueue(entries=[entry])
    # Claimed again after the 429 (put back, due at once): the sender holds it for its turn
    # after the pause. Before that, it is the 429's own put-back that meets the store down.
    wait_until(lambda: claims == [entry.key] * 2 and outbox.paused(), what="held for the pause")

    def down(**_: Any) -> bool:
        raise StoreError("PostgreSQL at 127.0.0.1:5432/bot does not answer (connection refused)")

    monkeypatch.setattr(store, "postpone", down)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.outbox.sender"):
        outbox.close()
    assert time.monotonic() - started < 2.0
    assert f"Could not give back {entry.key}; it is sent after its lease" in caplog.text
    monkeypatch.undo()
    assert status_of(store, entry) == "pending"
    assert store.claim_entries(owner="another", now=datetime.now(UTC), lease=10.0, limit=5) == []
    later = datetime.now(UTC) + timedelta(seconds=11)  # once the closed sender's lease is out
    taken = store.claim_entries(owner="another", now=later, lease=10.0, limit=5)
    assert [e.key for e in taken] == [entry.key]


def test_a_renderer_that_fails_is_logged_and_tried_again(
    fake_slack: FakeSlack,
    store: MemoryStore,
    make_outbox: MakeOutbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failures = [RuntimeError("a bug")]

    def render(entry: Entry, at: datetime) -> Message:
        if failures:
            raise failures.pop()
        return Message(text=f"hi {entry.recipient}")

    outbox = make_outbox(render=render, max_backoff=0.1)
    only = note("U1")
    store.enqueue(entries=[only])
    outbox.start()
    assert wait_settled(store, 1) == Counts(sent=1)
    assert delivered(fake_slack) == Counter({"U1": 1})
    assert "could not be handled" in caplog.text


# --- several processes on one store ----------------------------------------------------------


def test_two_senders_on_one_store_send_each_entry_once(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    """As two replicas would: each claims its own entries, none is sent by both."""
    senders = [make_outbox(workers=2) for _ in range(2)]
    for sender in senders:
        sender.start()
    batch = notes(60)
    store.enqueue(entries=batch)
    assert wait_settled(store, 60, timeout=10.0) == Counts(sent=60)
    wait_until(lambda: all(sender.idle() for sender in senders), what="both senders idle")
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})


@pytest.mark.slow(seconds=2)
def test_an_entry_whose_claim_runs_out_in_a_long_pause_is_given_back_not_sent_twice(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    """A 429 asks for a pause longer than the claim's lease: the waiting senders give their
    entries back instead of sending what another sender may have claimed meanwhile."""
    first = make_outbox(workers=2, lease=1.0)
    first.start()
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "2"})
    batch = notes(4)
    store.enqueue(entries=batch)
    wait_until(lambda: fake_slack.rate_limited_count("chat.postMessage") == 1)
    second = make_outbox(workers=2, lease=1.0)  # another process, not paused by that 429
    second.start()
    assert wait_settled(store, 4, timeout=10.0) == Counts(sent=4)
    # The first sender's pause ends; what it gave back was sent by the second, so it sends
    # nothing more.
    wait_until(first.idle, timeout=6.0, what="the first sender idle after its pause")
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})


@pytest.mark.slow(seconds=5)
def test_the_sender_keeps_up_with_a_fast_limit(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    """Workers that finish make room at once: the feeder claims more without waiting."""
    fake_slack.limit_rate("chat.postMessage", per_second=50, retry_after=1)
    make_outbox(rate=50.0).start()
    batch = notes(200, deadline_in=60.0)
    started = time.monotonic()
    store.enqueue(entries=batch)
    assert wait_settled(store, 200, timeout=30.0) == Counts(sent=200)
    assert time.monotonic() - started < 200 / 50 * 1.6  # at least ~30 a second
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})


@pytest.mark.slow(seconds=13)
def test_senders_sharing_a_pace_climb_to_the_limit_together_not_beyond(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    """Two processes' senders on one pace start slow, speed up together, and meet Slack's
    limit as one: a few 429s, not twice the limit."""
    fake_slack.limit_rate("chat.postMessage", per_second=30, retry_after=1)
    for _ in range(2):
        make_outbox(rate=5.0, shared=True).start()
    batch = notes(240, deadline_in=60.0)
    started = time.monotonic()
    store.enqueue(entries=batch)
    assert wait_settled(store, 240, timeout=40.0) == Counts(sent=240)
    elapsed = time.monotonic() - started
    assert delivered(fake_slack) == Counter({entry.recipient: 1 for entry in batch})
    assert elapsed < 240 / 30 * 2  # climbed well above the 5 a second they started at
    assert fake_slack.rate_limited_count("chat.postMessage") <= 240 // 4


def test_slack_errors_are_counted_for_the_last_hour(
    fake_slack: FakeSlack, store: MemoryStore, make_outbox: MakeOutbox
) -> None:
    shift = [timedelta(0)]
    outbox = make_outbox(clock=lambda: now() + shift[0])
    fake_slack.fail_next("chat.postMessage", status=503, times=2)
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "is_archived"})
    outbox.start()
    store.enqueue(entries=notes(4))
    wait_settled(store, 4)
    assert store.counts(kind=NOTE, subject="s1") == Counts(sent=3, failed=1)
    assert outbox.slack_errors() == 3  # two failures retried, one refusal
    shift[0] = timedelta(minutes=61)
    assert outbox.slack_errors() == 0
