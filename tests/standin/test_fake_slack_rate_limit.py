"""FakeSlack's per-method rate limit, driven by a real slack_sdk WebClient."""

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin.fake_slack import FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    # No retry handlers: the 429 must reach the test.
    return WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url, retry_handlers=[])


def test_calls_beyond_the_rate_get_429_with_retry_after(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=3, retry_after=2)
    for n in range(3):
        client.chat_postMessage(channel=f"U{n}", text="hi")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="U9", text="hi")
    response = raised.value.response
    assert response.status_code == 429
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert response.headers["Retry-After"] == "2"
    calls = fake_slack.calls_to("chat.postMessage")
    assert [call.error for call in calls] == [None, None, None, "ratelimited"]
    assert all(call.failed for call in calls[3:])
    assert fake_slack.violations == []  # a 429 is Slack's answer, not a broken rule


def test_the_window_rolls_and_other_methods_are_not_limited(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    now = [time.monotonic()]
    fake_slack.use_clock(lambda: now[0])
    fake_slack.limit_rate("chat.postMessage", per_second=2, retry_after=1)
    client.chat_postMessage(channel="U1", text="a")
    client.chat_postMessage(channel="U2", text="b")
    client.chat_postEphemeral(channel="C1", user="U1", text="not limited")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U3", text="c")  # refused calls use up nothing
    now[0] += 0.875  # eighths of a second, which add up exactly to the second
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U3", text="c")  # not yet a second
    now[0] += 0.125
    client.chat_postMessage(channel="U3", text="c")
    client.chat_postMessage(channel="U4", text="d")


def test_lifting_the_limit(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=1)
    client.chat_postMessage(channel="U1", text="a")
    fake_slack.limit_rate("chat.postMessage", per_second=None)
    for n in range(5):
        client.chat_postMessage(channel=f"U{n}", text="b")
    assert not any(call.failed for call in fake_slack.calls_to("chat.postMessage"))


def test_injected_failures_come_first(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=5)
    fake_slack.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="U1", text="a")
    assert raised.value.response.status_code == 500
    client.chat_postMessage(channel="U1", text="a")
