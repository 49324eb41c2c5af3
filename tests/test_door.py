"""Hostile and malformed requests at the HTTP door (issue #21, causes 1 and 2): whatever
arrives, the answer is 400 or 401 in one log line, never a 500 or a traceback, and nothing
reaches a listener.

Unsigned requests with any timestamp header (not digits, digits that are not ASCII, far
too many digits), and signed requests of shapes Slack never sends: JSON nested 100,000
deep, a block action with no actions, a view with no type, an event whose user is a list,
options asked for by a user who is a list."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import payloads
from bot.standin.slack_payloads import action_payload, command_payload, suggestion_payload
from tests.conftest import RunningBot
from tests.test_server import FORM, signed_anyway

JSON = "application/json"


@pytest.fixture
def bot(served_bot: RunningBot) -> Iterator[RunningBot]:
    yield served_bot


def quiet(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info], "an exception was logged"


@pytest.mark.parametrize(
    "timestamp",
    ["\xb2", "1" * 5000, "١٢٣٤٥٦٧٨٩٠", "-1", "1e9", " 17", "", "1700000000.5", "0" * 13],
)
def test_an_unsigned_request_with_any_timestamp_gets_401(
    bot: RunningBot, timestamp: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode(command_payload("/sessions", "x", response_url=bot.slack.response_url()))
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp.encode("utf-8").decode("latin-1"),
        "X-Slack-Signature": "v0=00",
    }
    assert bot.send.post_raw(body.encode(), headers).status == 401
    quiet(caplog)


@pytest.mark.parametrize("signature", ["v0=\xe9\xe9", "", "v0=" + "a" * 10_000, "v1=00"])
def test_an_unreadable_signature_gets_401(
    bot: RunningBot, signature: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode(command_payload("/sessions", "x")).encode()
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": signature,
    }
    assert bot.send.post_raw(body, headers).status == 401
    quiet(caplog)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def interaction(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


def envelope(event: dict[str, Any]) -> bytes:
    return json.dumps(
        {"type": "event_callback", "event_id": "Ev1", "team_id": "T1", "event": event}
    ).encode()


def malformed() -> list[Any]:
    register = {"action_id": "session_register", "value": '{"v":"agenda","s":"tue-racism"}'}
    no_actions = action_payload([register])
    no_actions["actions"] = []
    no_type = {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {"id": "V1", "callback_id": "feedback_reflection"},
    }
    options = suggestion_payload("announce_audience", "kin")
    options["user"] = ["U1"]
    nested_payload = urlencode({"payload": '{"type":"block_actions","x":' + deep(100_000) + "}"})
    return [
        pytest.param(('{"a":' + deep(100_000) + "}").encode(), JSON, id="json-100000-deep"),
        pytest.param(nested_payload.encode(), FORM, id="payload-100000-deep"),
        pytest.param(
            b"team_id=T1&" + nested_payload.replace("payload", "pay%6Coad").encode(),
            FORM,
            id="payload-named-in-escapes",
        ),  # fmt: skip
        pytest.param(('{"a":' + deep(500) + "}").encode(), JSON, id="json-500-deep"),
        pytest.param(interaction(no_actions), FORM, id="block-actions-without-actions"),
        pytest.param(interaction(no_type), FORM, id="view-without-type"),
        pytest.param(
            envelope(
                {"type": "message", "user": ["U1"], "text": "hi", "channel": "D1", "ts": "1.1"}
            ),
            JSON,
            id="event-user-list",
        ),
        pytest.param(
            envelope(
                {
                    "type": "app_mention",
                    "user": "U1",
                    "text": {"a": 1},
                    "channel": "C1",
                    "ts": "1.1",
                }
            ),
            JSON,
            id="event-text-object",
        ),
        pytest.param(envelope([]), JSON, id="event-not-an-object"),  # type: ignore[arg-type]
        pytest.param(interaction(options), FORM, id="options-user-list"),
    ]


@pytest.mark.parametrize(("body", "content_type"), malformed())
def test_a_signed_malformed_payload_gets_400_in_one_line_and_runs_nothing(
    bot: RunningBot, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    result = bot.send.post_raw(body, {"Content-Type": content_type, **signed_anyway(body)})
    assert result.status == 400, result.body
    assert bot.parts.settle()  # had anything been started, it would have run by now
    assert [call.method for call in bot.slack.calls] == ["auth.test"]
    assert bot.slack.responses == []
    refusals = [r for r in caplog.records if r.getMessage().startswith("Refused")]
    assert len(refusals) == 1, [r.getMessage() for r in caplog.records]
    quiet(caplog)


def test_what_slack_sends_passes_the_check() -> None:
    """The tests' payloads are Slack's documented ones: none is refused."""
    button = {"action_id": "session_register", "value": "x"}
    assert payloads.problem(action_payload([button])) is None
    assert payloads.problem(suggestion_payload("announce_audience", "kin")) is None
    assert (
        payloads.problem(
            {
                "type": "event_callback",
                "event_id": "Ev1",
                "event": {"type": "team_join", "user": {"id": "U1"}},
            }
        )
        is None
    )
    assert payloads.problem({"type": "url_verification", "challenge": "abc"}) is None
    assert payloads.problem({"type": "something_new", "x": [1]}) is None


# --- Slack's own payloads, broken at random ---------------------------------------------------

BREAKERS: list[Any] = [None, [], {}, 0, -1, "", "x" * 50, ["U1"], {"id": ["U1"]}, True, 1.5]


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `value` a mutation can reach: keys of objects, items of lists."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else []  # fmt: skip
    for key, child in items:
        found.append((*prefix, key))
        found += paths(child, (*prefix, key))
    return found


def broken(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of `payload` with one value replaced by something of the wrong kind, or one
    key removed."""
    copy = json.loads(json.dumps(payload))
    *parent_path, last = rng.choice(paths(copy))
    parent = copy
    for key in parent_path:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[last]
    else:
        parent[last] = rng.choice(BREAKERS)
    return copy


def originals(bot: RunningBot) -> list[tuple[str, dict[str, Any]]]:
    from bot.standin.slack_payloads import event_envelope

    register = {"action_id": "session_register", "value": '{"v":"agenda","s":"tue-racism"}'}
    view = {"id": "V1", "type": "modal", "callback_id": "feedback_reflection",
            "private_metadata": '{"s":"tue-amhp"}', "state": {"values": {}}}  # fmt: skip
    return [
        ("form", action_payload([register], response_url=bot.slack.response_url())),
        ("form", suggestion_payload("announce_audience", "kin")),
        ("form", {"type": "view_submission", "user": {"id": "U1"}, "view": view}),
        (
            "json",
            event_envelope(
                {
                    "type": "message",
                    "channel_type": "im",
                    "channel": "D1",
                    "user": "U1",
                    "text": "racism",
                    "ts": "1.1",
                }
            ),
        ),  # fmt: skip
        (
            "json",
            event_envelope(
                {
                    "type": "reaction_added",
                    "user": "U1",
                    "reaction": "ticket",
                    "item": {"type": "message", "channel": "C1", "ts": "1.1"},
                }
            ),
        ),  # fmt: skip
        ("json", event_envelope({"type": "app_home_opened", "user": "U1", "tab": "home"})),
    ]


def test_slacks_payloads_broken_at_random_never_cause_a_500_or_a_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(21)
    statuses: list[int] = []
    for kind, original in originals(bot):
        for _ in range(40):
            payload = broken(original, rng)
            if isinstance(payload.get("response_url"), str):  # each press has its own
                payload["response_url"] = bot.slack.response_url()
            if kind == "form":
                body = urlencode({"payload": json.dumps(payload)}).encode()
                content_type = FORM
            else:
                body, content_type = json.dumps(payload).encode(), JSON
            result = bot.send.post_raw(body, {"Content-Type": content_type,
                                              **signed_anyway(body)})  # fmt: skip
            statuses.append(result.status)
            assert result.status < 500, (payload, result.body)
    assert bot.parts.settle()  # the work after each acknowledgement
    quiet(caplog)
    assert 400 in statuses and 200 in statuses  # some refused at the door, some let through


def test_a_menu_choice_must_say_its_option_but_a_multiple_choice_has_its_own() -> None:
    chosen = {"action_id": "announce_audience", "type": "external_select",
              "selected_option": {"value": "registered"}}  # fmt: skip
    assert payloads.problem(action_payload([chosen])) is None
    unchosen = {"action_id": "announce_audience", "type": "external_select"}
    assert payloads.problem(action_payload([unchosen])) is not None
    several = {"action_id": "x", "type": "multi_static_select", "selected_options": []}
    assert payloads.problem(action_payload([several])) is None
