"""Entries whose last attempt was interrupted (a sender killed mid-call, a call that timed
out after Slack took it): the outbox asks Slack whether the message is in the person's DM,
by the key each message carries, before posting it again.

A dead sender is played by what it leaves behind: the message it posted (or not) and the
entry marked as attempted, its lease run out. The fake Slack keeps each DM's messages and
answers conversations.history as Slack does."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.outbox.sender import Outbox
from bot.outbox.slack import tag
from bot.records import Entry, MemoryStore
from bot.standin.fake_slack import FakeSlack
from tests.outbox.test_sender import NOTE, draw, note, status_of, wait_until


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(
        token=fake_slack.bot_token, base_url=fake_slack.api_url, timeout=1, retry_handlers=[]
    )


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def outbox(client: WebClient, store: MemoryStore) -> Iterator[Outbox]:
    made = Outbox(store, client, clock=lambda: datetime.now(UTC), backoff=1.0, max_backoff=1.0)
    made.handle(NOTE, render=draw)
    yield made
    made.close()


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, object]]:
    return [c.args for c in fake.calls_to("chat.postMessage") if not c.failed
            and c.args["channel"] == channel]  # fmt: skip


def left_by_a_dead_sender(store: MemoryStore, entry: Entry, client: WebClient | None) -> None:
    """`entry`, marked attempted a moment ago by a sender whose lease has run out; with
    `client`, the dead sender had posted its message before it died."""
    store.enqueue(entries=[entry])
    attempted = datetime.now(UTC) - timedelta(seconds=1)
    if client is not None:
        client.chat_postMessage(channel=entry.recipient, text="hi", metadata=tag(entry.key))
    assert store.attempt(key=entry.key, at=attempted, until=datetime.now(UTC))


def test_every_message_carries_its_entry_key(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    entry = note("U0001")
    outbox.start()
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "sent")
    (post,) = posts_to(fake_slack, "U0001")
    assert post["metadata"] == tag(entry.key)
    assert not fake_slack.calls_to("conversations.history")  # nothing interrupted: no check


def test_a_message_a_dead_sender_had_posted_is_found_and_not_posted_again(
    fake_slack: FakeSlack, store: MemoryStore, client: WebClient, outbox: Outbox
) -> None:
    entry = note("U0001")
    left_by_a_dead_sender(store, entry, client)
    outbox.start()
    wait_until(lambda: status_of(store, entry) == "sent")
    wait_until(outbox.idle)  # nothing more in flight
    assert len(posts_to(fake_slack, "U0001")) == 1  # the dead sender's only
    settled = store.entry(key=entry.key)
    assert settled is not None and settled.detail == "found in Slack"
    (looked,) = fake_slack.calls_to("conversations.history")
    assert looked.args["channel"] == "D0001"


def test_a_message_a_dead_sender_had_not_posted_is_posted_once(
    fake_slack: FakeSlack, store: MemoryStore, client: WebClient, outbox: Outbox
) -> None:
    entry = note("U0001")
    other = note("U0001", subject="s2")  # in the same DM, but another entry's message
    store.enqueue(entries=[other])
    client.chat_postMessage(channel="U0001", text="other", metadata=tag(other.key))
    left_by_a_dead_sender(store, entry, None)
    outbox.start()
    wait_until(lambda: status_of(store, entry) == "sent" and status_of(store, other) == "sent")
    wait_until(outbox.idle)  # nothing more in flight
    keys = Counter(str(post["metadata"]["event_payload"]["key"])  # type: ignore[index]
                   for post in posts_to(fake_slack, "U0001"))  # fmt: skip
    assert keys == Counter({entry.key: 1, other.key: 2})  # `other` was never marked attempted
    assert fake_slack.calls_to("conversations.history")


def test_while_slack_cannot_say_the_message_waits_and_then_goes_once(
    fake_slack: FakeSlack, store: MemoryStore, client: WebClient, outbox: Outbox
) -> None:
    entry = note("U0001")
    left_by_a_dead_sender(store, entry, None)
    fake_slack.fail_next("conversations.history", status=503, times=2)
    outbox.start()
    wait_until(lambda: status_of(store, entry) == "sent", timeout=6.0)
    history = fake_slack.calls_to("conversations.history")
    assert [c.failed for c in history] == [True, True, False]
    assert len(posts_to(fake_slack, "U0001")) == 1


@pytest.mark.slow(seconds=2)
def test_a_post_that_timed_out_after_slack_took_it_is_not_posted_again(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    """The client gives up after 1 s; Slack takes the message at 1.2 s. The retry (0.5–1 s
    later) finds it."""
    fake_slack.hang("chat.postMessage", 1.2)
    entry = note("U0001")
    outbox.start()
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "sent", timeout=6.0)
    wait_until(outbox.idle)  # nothing more in flight
    assert len(posts_to(fake_slack, "U0001")) == 1
    settled = store.entry(key=entry.key)
    assert settled is not None and settled.detail == "found in Slack"


def test_an_interrupted_post_to_a_channel_goes_again_with_a_warning(
    fake_slack: FakeSlack,
    store: MemoryStore,
    client: WebClient,
    outbox: Outbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reading a channel needs scopes the bot does not ask for: it says so, and sends."""
    entry = note("C0SESSION")
    left_by_a_dead_sender(store, entry, client)
    with caplog.at_level(logging.WARNING, logger="bot.outbox.slack"):
        outbox.start()
        wait_until(lambda: status_of(store, entry) == "sent")
    assert len(posts_to(fake_slack, "C0SESSION")) == 2
    assert not fake_slack.calls_to("conversations.history")
    assert any("sending it again" in r.getMessage() for r in caplog.records)


def test_a_429_clears_the_mark_so_the_next_attempt_does_not_ask(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"})
    entry = note("U0001")
    outbox.start()
    store.enqueue(entries=[entry])
    wait_until(lambda: status_of(store, entry) == "sent", timeout=4.0)
    assert fake_slack.rate_limited_count("chat.postMessage") == 1
    assert len(posts_to(fake_slack, "U0001")) == 1
    assert not fake_slack.calls_to("conversations.history")


def test_what_a_killed_run_was_posting_waits_for_its_lease_after_a_restart(
    fake_slack: FakeSlack, store: MemoryStore, outbox: Outbox
) -> None:
    """A process killed mid-call and started again at once: its post may still be on its
    way at Slack (a slow Slack holds a call for up to the client's timeout), so the entry
    waits out the lease before it is looked for. Looked for sooner, it could be missed, and
    posted a second time once Slack took the first."""
    held = note("U0001")
    store.enqueue(entries=[held])
    now = datetime.now(UTC)
    assert store.attempt(key=held.key, at=now, until=now + timedelta(minutes=10))
    outbox.start()  # the restart
    other = note("U0002")
    store.enqueue(entries=[other])
    wait_until(lambda: status_of(store, other) == "sent")  # the sender has looked since
    wait_until(outbox.idle)
    assert status_of(store, held) == "pending"
    assert not posts_to(fake_slack, "U0001")
    assert not fake_slack.calls_to("conversations.history")
