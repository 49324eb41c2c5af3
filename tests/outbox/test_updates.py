"""Messages updated unasked (session cards, broadcast previews) take turns on the shared
pace (`bot.outbox.updates`), on a clock the test moves: every process together keeps to
one `chat.update` every 1.2 s, a progress count that is not its turn is skipped, and a
429 holds every process back for `Retry-After`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.updates import INTERVAL, PacedUpdates
from bot.records import MemoryStore
from bot.standin.fake_slack import FakeSlack

T0 = datetime(2023, 3, 21, 12, 0, tzinfo=UTC)


class FakeTime:
    """A clock that moves only when slept on (or moved by the test)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, retry_handlers=[])


def paced(store: MemoryStore, client: WebClient, time: FakeTime) -> PacedUpdates:
    return PacedUpdates(store=store, client=client, sleep=time.sleep, now=time)


def posted(client: WebClient) -> str:
    return str(client.chat_postMessage(channel="C1", text="card")["ts"])


def test_two_processes_update_in_turn_on_one_pace(fake_slack: FakeSlack, client: WebClient) -> None:
    store, time = MemoryStore(), FakeTime()
    cards, previews = paced(store, client, time), paced(store, client, time)  # two processes
    ts = posted(client)
    called: list[datetime] = []
    for updates in (cards, previews, cards, previews):
        assert updates.update(channel="C1", ts=ts, message={"text": "3 registered"})
        called.append(time.now)
    gaps = [(b - a).total_seconds() for a, b in zip(called, called[1:], strict=False)]
    assert gaps == [pytest.approx(INTERVAL)] * 3
    assert len(fake_slack.calls_to("chat.update")) == 4


def test_a_progress_count_that_is_not_its_turn_is_skipped(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    store, time = MemoryStore(), FakeTime()
    updates = paced(store, client, time)
    ts = posted(client)
    assert updates.update(channel="C1", ts=ts, message={"text": "sent 1 of 9"}, wait=False)
    assert not updates.update(channel="C1", ts=ts, message={"text": "sent 2 of 9"}, wait=False)
    time.sleep(INTERVAL)
    assert updates.update(channel="C1", ts=ts, message={"text": "sent 3 of 9"}, wait=False)
    texts = [c.args["text"] for c in fake_slack.calls_to("chat.update")]
    assert texts == ["sent 1 of 9", "sent 3 of 9"]


def test_a_429_holds_every_process_back_for_retry_after(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    store, time = MemoryStore(), FakeTime()
    first, other = paced(store, client, time), paced(store, client, time)
    ts = posted(client)
    fake_slack.fail_next("chat.update", status=429, headers={"Retry-After": "30"})
    with pytest.raises(SlackApiError):
        first.update(channel="C1", ts=ts, message={"text": "a"})
    refused_at = time.now
    assert not other.update(channel="C1", ts=ts, message={"text": "b"}, wait=False)
    assert other.update(channel="C1", ts=ts, message={"text": "c"})  # waits out the pause
    assert time.now >= refused_at + timedelta(seconds=30)
    assert [c.args["text"] for c in fake_slack.calls_to("chat.update") if not c.failed] == ["c"]
