"""Delivery: exactly-once, paced DMs against the fake Slack and real stores."""

from __future__ import annotations

import logging
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.app import web_client
from bot.delivery import Delivery, Letter
from bot.store import MemoryStore, Store, TinyDBStore
from tests.support.fake_slack import FakeSlack


def letters(count: int, *, first: int = 0) -> list[Letter]:
    return [
        Letter(f"U{n:04d}", f"reminder:s1:U{n:04d}", {"text": f"Hello {n}"})
        for n in range(first, first + count)
    ]


def client_for(fake: FakeSlack) -> WebClient:
    # The bot's own client, with slack_sdk's sleeping 429 handler: Delivery must not use it.
    return web_client(fake.bot_token, fake.api_url)


def delivery(fake: FakeSlack, store: Store, **options: Any) -> Delivery:
    # Start fast where pacing is not what is tested; the limit tests set their own.
    return Delivery(client_for(fake), store, **({"backoff": 0.01, "rate": 200.0} | options))


def delivered(fake: FakeSlack) -> Counter[str]:
    """Messages accepted per user."""
    return Counter(
        call.args["channel"] for call in fake.calls_to("chat.postMessage") if not call.failed
    )


def test_every_letter_is_delivered_once_and_its_key_claimed(fake_slack: FakeSlack) -> None:
    store = MemoryStore()
    batch = letters(30)
    report = delivery(fake_slack, store).send(batch)
    assert (report.sent, report.already_sent, report.unreachable, report.failed) == (30, 0, 0, 0)
    assert delivered(fake_slack) == Counter({letter.user_id: 1 for letter in batch})
    assert all(store.is_claimed(key=letter.key) for letter in batch)
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.args["text"].startswith("Hello ")


def test_claimed_keys_and_repeated_keys_are_skipped(fake_slack: FakeSlack) -> None:
    store = MemoryStore()
    batch = letters(10)
    for letter in batch[:3]:
        store.claim(key=letter.key)
    report = delivery(fake_slack, store).send([*batch, batch[5]])
    assert (report.sent, report.already_sent) == (7, 4)
    assert delivered(fake_slack) == Counter({letter.user_id: 1 for letter in batch[3:]})


def test_a_second_send_after_reopening_the_store_sends_nothing(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    batch = letters(10)
    store = TinyDBStore(tmp_path / "db.json")
    assert delivery(fake_slack, store).send(batch).sent == 10
    store.close()
    fake_slack.reset()
    reopened = TinyDBStore(tmp_path / "db.json")
    try:
        report = delivery(fake_slack, reopened).send(batch)
    finally:
        reopened.close()
    assert (report.sent, report.already_sent) == (0, 10)
    assert fake_slack.calls_to("chat.postMessage") == []


def test_rate_limited_calls_are_retried_without_loss_or_duplicates(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "0"}, times=5)
    batch = letters(20)
    report = delivery(fake_slack, MemoryStore()).send(batch)
    assert (report.sent, report.failed, report.rate_limited) == (20, 0, 5)
    assert delivered(fake_slack) == Counter({letter.user_id: 1 for letter in batch})


def test_retry_after_pauses_every_worker(fake_slack: FakeSlack) -> None:
    accepted: list[float] = []
    post = fake_slack.answers.handlers["chat.postMessage"]

    def timed_post(args: dict[str, Any]) -> dict[str, Any]:
        accepted.append(time.monotonic())
        return post(args)

    fake_slack.answer_with("chat.postMessage", timed_post)
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    report = delivery(fake_slack, MemoryStore(), workers=4).send(letters(8))
    assert (report.sent, report.rate_limited) == (8, 1)
    # The first call was refused: nobody, on any worker, may call again for a second.
    assert min(accepted) - started >= 0.95


def test_server_errors_are_retried(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=2)
    fake_slack.fail_next("chat.postMessage", status=503, body={"ok": False, "error": "x"})
    batch = letters(10)
    report = delivery(fake_slack, MemoryStore()).send(batch)
    assert (report.sent, report.failed, report.retried) == (10, 0, 3)
    assert delivered(fake_slack) == Counter({letter.user_id: 1 for letter in batch})


def test_a_lasting_server_error_fails_the_letter_after_max_attempts(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    store = MemoryStore()
    fake_slack.fail_next("chat.postMessage", status=500, times=100)
    (letter,) = letters(1)
    with caplog.at_level(logging.ERROR, logger="bot.delivery"):
        report = delivery(fake_slack, store, max_attempts=3).send([letter])
    assert (report.sent, report.failed, report.failed_users) == (0, 1, [letter.user_id])
    assert len(fake_slack.calls_to("chat.postMessage")) == 3
    assert not store.is_claimed(key=letter.key)
    assert "failed after 3 attempts" in caplog.text


def test_dropped_connections_are_retried_then_failed(fake_slack: FakeSlack) -> None:
    with socket.socket() as sock:  # a port nobody listens on: every connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = WebClient(token="xoxb-test-token", base_url=f"http://127.0.0.1:{port}/api/")
    report = Delivery(client, MemoryStore(), max_attempts=3, backoff=0.01).send(letters(3))
    assert (report.sent, report.failed, report.retried) == (0, 3, 6)


def test_unreachable_people_are_skipped_and_the_others_served(
    fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    batch = letters(10)
    fake_slack.unreachable_users.update({"U0002", "U0007"})
    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        report = delivery(fake_slack, MemoryStore()).send(batch)
    assert (report.sent, report.unreachable, report.failed) == (8, 2, 0)
    assert sorted(report.unreachable_users) == ["U0002", "U0007"]
    assert set(delivered(fake_slack)) == {letter.user_id for letter in batch} - {"U0002", "U0007"}
    assert len(fake_slack.calls_to("chat.postMessage")) == 10  # not retried
    assert len([r for r in caplog.records if "Cannot DM" in r.message]) == 2


def test_other_slack_errors_fail_the_letter_without_retrying(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, body={"ok": False, "error": "no_text"})
    report = delivery(fake_slack, MemoryStore(), workers=1).send(letters(3))
    assert (report.sent, report.failed, report.failed_users) == (2, 1, ["U0000"])
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


def test_progress_is_reported_and_ends_with_the_total(fake_slack: FakeSlack) -> None:
    seen: list[tuple[int, int]] = []
    report = delivery(fake_slack, MemoryStore(), rate=20).send(
        letters(20), progress=lambda done, total: seen.append((done, total))
    )
    assert report.sent == 20
    assert seen[-1] == (20, 20)
    assert len(seen) >= 2  # at 20/s the first half second reports part of the way
    assert seen[0][0] < 20
    assert all(total == 20 for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_under_a_rate_limit_every_letter_arrives_once(fake_slack: FakeSlack) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=20, retry_after=1)
    batch = letters(100)
    report = delivery(fake_slack, MemoryStore(), rate=20.0).send(batch)
    assert (report.sent, report.failed) == (100, 0)
    assert delivered(fake_slack) == Counter({letter.user_id: 1 for letter in batch})
