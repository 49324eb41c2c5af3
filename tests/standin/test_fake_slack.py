"""FakeSlack's Web API, driven by a real slack_sdk WebClient."""

import threading
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.standin.fake_slack import FakeSlack
from bot.standin.records import Call, Response
from bot.standin.slack_answers import JsonDict

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)


def expect_error(fake: FakeSlack, error: str, fragment: str) -> None:
    """The last call failed with `error`, and the violation mentions `fragment`."""
    assert fake.calls[-1].error == error
    assert any(fragment in v for v in fake.violations), fake.violations
    fake.violations.clear()


def test_api_url_has_trailing_slash(fake_slack: FakeSlack) -> None:
    assert fake_slack.api_url.startswith("http://127.0.0.1:")
    assert fake_slack.api_url.endswith("/api/")


def test_auth_test(client: WebClient) -> None:
    answer = client.auth_test().data
    assert answer == {
        "ok": True,
        "url": "https://fake-workspace.slack.com/",
        "team": "Fake Workspace",
        "user": "bot",
        "team_id": "T0TEST",
        "user_id": "UBOT",
        "bot_id": "BBOT",
        "is_enterprise_install": False,
    }


def test_post_message_json_body(fake_slack: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="C1", text="Hello", blocks=[SECTION])
    call = fake_slack.wait_for("chat.postMessage")[0]
    assert call.headers["content-type"].startswith("application/json")
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    assert call.args == {"channel": "C1", "text": "Hello", "blocks": [SECTION]}
    assert not call.failed
    assert answer["channel"] == "C1"
    assert answer["message"]["blocks"] == [SECTION]
    assert answer["message"]["ts"] == answer["ts"]


def test_form_body_decodes_json_fields(fake_slack: FakeSlack, client: WebClient) -> None:
    params = {"channel": "C1", "text": "Hello", "blocks": '[{"type": "divider"}]'}
    client.api_call("chat.postMessage", params=params)
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.args["blocks"] == [{"type": "divider"}]


def test_user_ids_post_to_dm_channels(client: WebClient) -> None:
    first = client.chat_postMessage(channel="U123", text="a")
    second = client.chat_postMessage(channel="U123", text="b")
    opened = client.conversations_open(users="U123")
    assert first["channel"] == second["channel"] == opened["channel"]["id"] == "D123"
    assert float(first["ts"]) < float(second["ts"])


def test_other_answers(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.users["U9"] = {"tz": "Asia/Tokyo"}
    assert client.users_info(user="U1")["user"]["tz"] == "Europe/London"
    assert client.users_info(user="U9")["user"]["tz"] == "Asia/Tokyo"
    assert client.chat_postEphemeral(channel="C1", user="U1", text="x")["message_ts"]
    scheduled = client.chat_scheduleMessage(channel="D1", post_at=1_900_000_000, text="x")
    assert scheduled["scheduled_message_id"].startswith("Q")
    assert client.chat_update(channel="C1", ts="1.2", text="new")["text"] == "new"
    home = {"type": "home", "blocks": [SECTION]}
    first = client.views_publish(user_id="U1", view=home)["view"]["id"]
    assert client.views_publish(user_id="U1", view=home)["view"]["id"] == first
    client.reactions_add(channel="C1", timestamp="1.2", name="white_check_mark")
    with pytest.raises(SlackApiError, match="already_reacted"):
        client.reactions_add(channel="C1", timestamp="1.2", name="white_check_mark")
    assert not fake_slack.violations


LONG_SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
LONG_BUTTON = {"type": "button", "text": {"type": "plain_text", "text": "x" * 76}}
BROKEN_CALLS = [
    # (method, JSON arguments, Slack's error, fragment of the violation)
    ("chat.postMesage", {"channel": "C1", "text": "x"}, "unknown_method", "unknown"),
    ("chat.postEphemeral", {"channel": "C1", "text": "x"}, "invalid_arguments", "'user'"),
    ("chat.postMessage", {"channel": "C1", "blocks": [SECTION]}, "no_text", "fallback"),
    ("chat.postMessage", {"channel": "C1", "text": "x", "blocks": [SECTION] * 51}, "invalid_blocks",
     "51 blocks"),
    ("chat.postMessage", {"channel": "C1", "text": "x" * 40_001}, "msg_too_long", "40001"),
    ("chat.update", {"channel": "C1", "ts": "1.2", "text": "x", "blocks": [LONG_SECTION]},
     "invalid_blocks", "cannot exceed 3000"),
    ("chat.postMessage", {"channel": "C1", "text": "x", "blocks": [
        {"type": "actions", "elements": [LONG_BUTTON]}]}, "invalid_blocks", "cannot exceed 75"),
    ("views.publish", {"user_id": "U1", "view": {"type": "home", "blocks": [{"type": "x"}]}},
     "invalid_arguments", "unknown block type 'x'"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "args", "error", "fragment"), BROKEN_CALLS)
def test_broken_rules_are_violations(
    fake_slack: FakeSlack,
    client: WebClient,
    method: str,
    args: dict[str, Any],
    error: str,
    fragment: str,
) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call(method, json=args)
    assert raised.value.response["error"] == error
    expect_error(fake_slack, error, fragment)


def test_tokens_are_checked(fake_slack: FakeSlack) -> None:
    for token, error in [(None, "not_authed"), ("xoxb-nope", "invalid_auth")]:
        with pytest.raises(SlackApiError, match=error):
            WebClient(token=token, base_url=fake_slack.api_url).auth_test()
        expect_error(fake_slack, error, "auth.test")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        WebClient(token=fake_slack.app_token, base_url=fake_slack.api_url).auth_test()
    expect_error(fake_slack, "not_allowed_token_type", "needs the bot token")


def test_fail_next_rate_limits(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.fail_next("chat.postMessage")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert raised.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.failed for c in fake_slack.calls_to("chat.postMessage")] == [True, False]


def test_rate_limit_retry_handler_recovers(fake_slack: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake_slack.fail_next("chat.postMessage", headers={"Retry-After": "0"})
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.error for c in fake_slack.calls_to("chat.postMessage")] == ["ratelimited", None]


def test_fail_next_with_custom_failure(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.fail_next("users.info", status=200, body={"ok": False, "error": "user_not_found"})
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U1")
    assert fake_slack.calls_to("users.info")[0].error == "user_not_found"


def test_unreachable_users(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.unreachable_users.add("U666")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.conversations_open(users="U666")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="U666", text="x")
    assert not fake_slack.violations


def test_wait_for_other_threads(fake_slack: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="x"))
    timer.start()
    assert len(fake_slack.wait_for("chat.postMessage", timeout=2)) == 1
    timer.join()
    with pytest.raises(AssertionError, match="expected 2 call"):
        fake_slack.wait_for("chat.postMessage", count=2, timeout=0.05)


def test_reset_keeps_violations(fake_slack: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    fake_slack.violations.append("kept")
    fake_slack.reset()
    assert fake_slack.calls == []
    assert fake_slack.violations == ["kept"]
    fake_slack.violations.clear()


def test_file_upload(fake_slack: FakeSlack, client: WebClient) -> None:
    data = "name,session\nAda,Éthique 101\n".encode()
    answer = client.files_upload_v2(channel="D1", content=data, filename="r.csv", title="Regs")
    assert answer["file"]["title"] == "Regs"
    [file_id] = fake_slack.uploads
    assert fake_slack.uploads[file_id] == data
    upload_url = fake_slack.calls_to("files.getUploadURLExternal")[0]
    assert upload_url.args["length"] == str(len(data))
    completed = fake_slack.calls_to("files.completeUploadExternal")[0]
    assert completed.args["files"] == [{"id": file_id, "title": "Regs"}]


def test_complete_upload_of_unknown_file(fake_slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": "F404"}], channel_id="C1")
    expect_error(fake_slack, "file_not_found", "never requested")


def test_standalone_fake_without_fixture() -> None:
    with FakeSlack(bot_token="xoxb-other", team_id="T9") as fake:
        client = WebClient(token="xoxb-other", base_url=fake.api_url)
        assert client.auth_test()["team_id"] == "T9"
    with pytest.raises(RuntimeError):
        _ = fake.api_url


class Watching:
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def call_accepted(self, call: Call, answer: JsonDict) -> None:
        self.seen.append((call.method, answer.get("channel")))

    def response_accepted(self, response: Response) -> None:
        self.seen.append(("response", response.payload))


def test_an_observer_is_told_what_was_accepted_before_the_caller_has_its_answer() -> None:
    watching = Watching()
    with FakeSlack(observer=watching) as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        client.chat_postMessage(channel="U1", text="Hello")
        assert watching.seen == [("chat.postMessage", "D1")]
        fake.unreachable_users.add("U2")
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="U2", text="Hello")
        with pytest.raises(SlackApiError):
            client.api_call("chat.postMessage", json={"text": "Hi"})  # no channel: a broken rule
        fake.fail_next("chat.update")
        with pytest.raises(SlackApiError):
            client.chat_update(channel="D1", ts="1.0", text="Hi")
        WebhookClient(fake.response_url("k")).send(text="Done")
        WebhookClient(fake.response_url("k")).send(blocks=[SECTION])  # no text fallback
        assert watching.seen == [("chat.postMessage", "D1"), ("response", {"text": "Done"})]
        fake.violations.clear()
