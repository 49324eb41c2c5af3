"""FakeSlack's fault injection (server-error windows, hangs, dropped connections), driven by a
real slack_sdk WebClient."""

import threading
import time
from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin.fake_slack import FakeSlack

Make = Callable[..., WebClient]


@pytest.fixture
def make_client(fake_slack: FakeSlack) -> Make:
    """WebClients without retry handlers (every failure must reach the test)."""

    def make(*, timeout: float = 2.0) -> WebClient:
        return WebClient(
            base_url=fake_slack.api_url,
            token=fake_slack.bot_token,
            retry_handlers=[],
            timeout=timeout,  # type: ignore[arg-type]  # annotated int; urllib takes a float
        )

    return make


@pytest.fixture
def client(make_client: Make) -> WebClient:
    return make_client()


def post(client: WebClient, text: str = "hi") -> None:
    client.chat_postMessage(channel="C1", text=text)


def failed_with(client: WebClient, status: int) -> str:
    """Post, expect HTTP `status`, and return the error code Slack's body gave."""
    with pytest.raises(SlackApiError) as raised:
        post(client)
    assert raised.value.response.status_code == status
    return str(raised.value.response["error"])


def errors(fake: FakeSlack, method: str = "chat.postMessage") -> list[str | None]:
    return [call.error for call in fake.calls_to(method)]


@pytest.fixture
def later(fake_slack: FakeSlack) -> Callable[[float], None]:
    """Move the fake Slack's clock on by so many seconds (its windows and limits run on it)."""
    now = [time.monotonic()]
    fake_slack.use_clock(lambda: now[0])

    def move(seconds: float) -> None:
        now[0] += seconds

    return move


# -- fail_for ---------------------------------------------------------------------------------


def test_a_503_window_fails_calls_inside_it_and_not_after(
    fake_slack: FakeSlack, client: WebClient, later: Callable[[float], None]
) -> None:
    # Seconds in eighths, which the moved clock adds up exactly: on a clock reading between
    # 65,536 and 131,071 s (a machine up for over 18 hours), 0.29 + 0.01 falls short of 0.3
    # in floating point, and the window would still be open at its end.
    fake_slack.fail_for("chat.postMessage", 0.375)
    with pytest.raises(SlackApiError) as raised:
        post(client)
    assert raised.value.response.status_code == 503
    assert raised.value.response.data == {"ok": False, "error": "service_unavailable"}
    assert failed_with(client, 503) == "service_unavailable"
    client.users_info(user="U1")  # another method is not in the window
    later(0.25)
    assert failed_with(client, 503) == "service_unavailable"
    later(0.125)
    post(client)
    assert errors(fake_slack) == ["service_unavailable"] * 3 + [None]
    assert fake_slack.violations == []  # Slack being down is not the bot breaking a rule


def test_a_window_with_another_status_or_body(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.fail_for("chat.postMessage", 5, status=500)
    assert failed_with(client, 500) == "internal_error"
    fake_slack.fail_for("users.info", 5, status=502, body={"ok": False, "error": "bad_gateway"})
    with pytest.raises(SlackApiError, match="bad_gateway"):
        client.users_info(user="U1")
    assert errors(fake_slack, "users.info") == ["bad_gateway"]


def test_a_star_window_hits_every_method_but_auth_test_and_connections_open(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.fail_for("*", 5)
    assert client.auth_test()["ok"]
    assert client.apps_connections_open(app_token=fake_slack.app_token)["ok"]
    assert failed_with(client, 503) == "service_unavailable"
    with pytest.raises(SlackApiError, match="service_unavailable"):
        client.users_info(user="U1")
    with pytest.raises(SlackApiError, match="service_unavailable"):
        client.conversations_open(users="U1")
    assert [call.error for call in fake_slack.calls] == [
        None,
        None,
        "service_unavailable",
        "service_unavailable",
        "service_unavailable",
    ]


def test_windows_stack_and_the_last_one_added_answers(
    fake_slack: FakeSlack, client: WebClient, later: Callable[[float], None]
) -> None:
    fake_slack.fail_for("chat.postMessage", 0.625, status=500)  # eighths, as above
    fake_slack.fail_for("chat.postMessage", 0.25)  # a shorter 503 on top
    assert failed_with(client, 503) == "service_unavailable"
    later(0.25)
    assert failed_with(client, 500) == "internal_error"  # the longer window is still open
    later(0.375)
    post(client)


def test_a_window_comes_before_queued_failures_and_rate_limits(
    fake_slack: FakeSlack, client: WebClient, later: Callable[[float], None]
) -> None:
    fake_slack.limit_rate("chat.postMessage", per_second=1)
    fake_slack.fail_next("chat.postMessage", status=500)
    fake_slack.fail_for("chat.postMessage", 0.2)
    assert failed_with(client, 503) == "service_unavailable"
    later(0.25)
    assert failed_with(client, 500) == "internal_error"  # the queued failure was kept
    post(client)  # failures use up no allowance
    assert failed_with(client, 429) == "ratelimited"


def test_bad_fault_arguments(fake_slack: FakeSlack) -> None:
    with pytest.raises(ValueError):
        fake_slack.fail_for("chat.postMessage", -1)
    with pytest.raises(ValueError):
        fake_slack.hang("chat.postMessage", -1)
    with pytest.raises(ValueError):
        fake_slack.hang("*", 1)
    with pytest.raises(ValueError):
        fake_slack.drop_next("*")
    with pytest.raises(ValueError):
        fake_slack.drop_next("chat.postMessage", times=0)


# -- hang -------------------------------------------------------------------------------------


def test_a_hang_times_out_a_short_client_while_other_calls_are_answered_at_once(
    fake_slack: FakeSlack, client: WebClient, make_client: Make, capfd: pytest.CaptureFixture[str]
) -> None:
    fake_slack.hang("chat.postMessage", 0.6)
    outcome: list[BaseException | float] = []

    def impatient() -> None:
        started = time.monotonic()
        try:
            post(make_client(timeout=0.3), "held")
        except TimeoutError as error:
            outcome.extend([error, time.monotonic() - started])

    thread = threading.Thread(target=impatient)
    thread.start()
    fake_slack.wait_holding("chat.postMessage")  # the held call has arrived
    started = time.monotonic()
    post(client, "prompt")  # the same method: times=1 held only the first call
    client.auth_test()
    assert time.monotonic() - started < 0.2
    thread.join(timeout=2)
    timed_out, waited = outcome
    assert isinstance(timed_out, TimeoutError)
    assert isinstance(waited, float) and 0.25 < waited < 0.5
    # The held call is answered (and recorded) once its time is up, to a client long gone.
    calls = fake_slack.wait_for("chat.postMessage", count=2, timeout=2)
    assert [call.args["text"] for call in calls] == ["prompt", "held"]
    assert not any(call.failed for call in calls)
    fake_slack.wait_idle()  # the held answer was written to the gone client, and failed
    assert "Traceback" not in capfd.readouterr().err  # the broken pipe was swallowed


def test_a_patient_client_gets_the_normal_answer_after_the_hang(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.hang("users.info", 0.2, times=2)
    for _ in range(2):
        started = time.monotonic()
        assert client.users_info(user="U1")["user"]["id"] == "U1"
        assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    client.users_info(user="U1")
    assert time.monotonic() - started < 0.2
    assert errors(fake_slack, "users.info") == [None, None, None]


# -- drop_next --------------------------------------------------------------------------------


def test_a_dropped_connection_is_a_connection_error_and_the_next_call_works(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.drop_next("chat.postMessage", times=2)
    for _ in range(2):
        with pytest.raises(ConnectionError):  # http.client.RemoteDisconnected
            post(client)
    post(client)
    assert errors(fake_slack) == ["connection_dropped", "connection_dropped", None]
    assert fake_slack.violations == []


def test_a_drop_comes_before_a_hang_and_a_window(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.fail_for("chat.postMessage", 5)
    fake_slack.hang("chat.postMessage", 5)
    fake_slack.drop_next("chat.postMessage")
    started = time.monotonic()
    with pytest.raises(ConnectionError):
        post(client)
    assert time.monotonic() - started < 0.5  # not held
    fake_slack.clear_faults()


# -- clear_faults and rate_limited_count ------------------------------------------------------


def test_clear_faults_removes_every_fault_but_rate_limits(
    fake_slack: FakeSlack, client: WebClient
) -> None:
    fake_slack.fail_for("*", 5)
    fake_slack.hang("chat.postMessage", 5)
    fake_slack.drop_next("chat.postMessage")
    fake_slack.fail_next("chat.postMessage", status=500, times=3)
    fake_slack.limit_rate("chat.postMessage", per_second=1)
    fake_slack.clear_faults()
    started = time.monotonic()
    post(client)
    client.users_info(user="U1")
    assert time.monotonic() - started < 0.5
    assert failed_with(client, 429) == "ratelimited"
    assert errors(fake_slack) == [None, "ratelimited"]


def test_clear_faults_answers_a_call_being_held(fake_slack: FakeSlack, client: WebClient) -> None:
    fake_slack.hang("chat.postMessage", 10)
    thread = threading.Thread(target=post, args=(client,))
    started = time.monotonic()
    thread.start()
    fake_slack.wait_holding("chat.postMessage")
    fake_slack.clear_faults()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert time.monotonic() - started < 1
    assert errors(fake_slack) == [None]


def test_rate_limited_count(fake_slack: FakeSlack, client: WebClient) -> None:
    assert fake_slack.rate_limited_count("chat.postMessage") == 0
    fake_slack.limit_rate("chat.postMessage", per_second=2)
    for _ in range(2):
        post(client)
    for _ in range(2):
        failed_with(client, 429)
    fake_slack.limit_rate("chat.postMessage", per_second=None)
    fake_slack.fail_next("chat.postMessage")  # a queued 429 counts too
    fake_slack.fail_next("chat.postMessage", status=500)  # other failures do not
    failed_with(client, 429)
    failed_with(client, 500)
    assert fake_slack.rate_limited_count("chat.postMessage") == 3
    assert fake_slack.rate_limited_count("users.info") == 0
