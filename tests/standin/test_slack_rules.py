"""Unit tests of the pure Slack rule checks."""

from typing import Any

import pytest

from bot.standin.block_rules import block_problems, differences, view_problems
from bot.standin.slack_rules import (
    check_ack,
    check_call,
    check_message,
    length_problems,
    missing_arguments,
    text_problems,
)

DIVIDER = {"type": "divider"}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str, action_id: str = "go") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}


def test_valid_message_passes() -> None:
    args = {"channel": "C1", "text": "hi", "blocks": [section("hi"), DIVIDER]}
    assert check_call("chat.postMessage", args) is None


def test_unknown_method() -> None:
    breach = check_call("chat.postMesage", {"channel": "C1", "text": "x"})
    assert breach is not None
    assert breach.error == "unknown_method"


@pytest.mark.parametrize(
    ("method", "args", "missing"),
    [
        ("chat.postMessage", {"text": "x"}, "'channel'"),
        ("chat.postEphemeral", {"channel": "C1", "text": "x"}, "'user'"),
        ("chat.update", {"channel": "C1", "text": "x"}, "'ts'"),
        ("views.open", {"view": {"type": "modal"}}, "'trigger_id' or 'interactivity_pointer'"),
        ("conversations.open", {}, "'users' or 'channel'"),
        ("reactions.add", {"channel": "C1", "timestamp": "1.2"}, "'name'"),
        ("users.info", {"user": ""}, "'user'"),
    ],
)
def test_missing_arguments(method: str, args: dict[str, Any], missing: str) -> None:
    assert missing_arguments(method, args) == [f"missing required argument {missing}"]


def test_message_needs_content() -> None:
    breach = check_call("chat.postMessage", {"channel": "C1"})
    assert breach is not None
    assert breach.error == "no_text"
    assert text_problems({"attachments": [{"text": "x"}]}) == []


def test_blocks_need_text_fallback() -> None:
    assert text_problems({"blocks": [DIVIDER]}) != []
    assert text_problems({"blocks": [DIVIDER], "text": ""}) != []
    assert text_problems({"blocks": [DIVIDER], "text": "fallback"}) == []


def test_text_length_limit() -> None:
    assert length_problems({"text": "x" * 40_000}) == []
    assert length_problems({"text": "x" * 40_001}) != []


def test_block_count_limits() -> None:
    assert block_problems([DIVIDER] * 50, limit=50) == []
    assert "51 blocks" in block_problems([DIVIDER] * 51, limit=50)[0]
    assert view_problems({"type": "home", "blocks": [DIVIDER] * 100}) == []
    assert "101 blocks" in view_problems({"type": "home", "blocks": [DIVIDER] * 101})[0]


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        (section("x" * 3001), "cannot exceed 3000"),
        ({"type": "actions", "elements": [button("x" * 76)]}, "cannot exceed 75"),
        ({"type": "spreadsheet"}, "unknown block type 'spreadsheet'"),
        ({"text": "no type"}, "unknown block type None"),
        ({"type": "actions", "elements": [{"type": "buttonz"}]}, "elements[0]: not understood"),
        ({**section("x"), "accessory": {"type": "nope"}}, "accessory: not understood"),
        ({"type": "section", "txt": {"type": "mrkdwn", "text": "x"}}, "text or fields"),
        ({**section("x"), "colour": "red"}, "colour: not understood"),
        ({"type": "section", "text": "plain string"}, "'plain string' is not valid here"),
        ("divider", "must be a JSON object"),
    ],
)
def test_invalid_blocks(block: Any, fragment: str) -> None:
    problems = block_problems([block], limit=50)
    assert any(fragment in p for p in problems), problems


def test_duplicate_ids() -> None:
    blocks = [
        {"type": "actions", "block_id": "b", "elements": [button("a", "go"), button("b", "go")]},
        {**DIVIDER, "block_id": "b"},
    ]
    problems = block_problems(blocks, limit=50)
    assert "blocks: duplicate block_id 'b'" in problems
    assert "blocks[0]: duplicate action_id 'go'" in problems


def test_blocks_must_be_a_list() -> None:
    assert block_problems('[{"type": "divider"}', limit=50) == [
        "blocks must be a JSON array, got str"
    ]


def test_views() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Register"},
        "blocks": [DIVIDER],
    }
    assert view_problems(modal) == []
    assert view_problems({**modal, "title": {"type": "plain_text", "text": "x" * 25}}) != []
    assert view_problems({"type": "modal", "blocks": [DIVIDER]}) == ["view: a modal needs a title"]
    assert "unknown block type" in view_problems({"type": "home", "blocks": [{"type": "x"}]})[0]
    assert view_problems({"type": "home", "blocks": [DIVIDER], "bogus": 1}) != []
    assert view_problems("{}") == ["view must be a JSON object, got str"]


def test_modal_with_inputs_needs_submit() -> None:
    field = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input", "action_id": "name"},
    }
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": [field]}
    assert view_problems(modal) == ["view: a modal with input blocks needs a submit button"]
    assert view_problems({**modal, "submit": {"type": "plain_text", "text": "Save"}}) == []


def test_view_call_is_checked() -> None:
    breach = check_call("views.publish", {"user_id": "U1", "view": {"type": "home", "blocks": []}})
    assert breach is not None
    assert breach.error == "invalid_arguments"


def test_differences_reports_paths() -> None:
    assert differences({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}, "x") == [
        "x.a[1].b: 2 is not valid here (slack_sdk expects e.g. 3)"
    ]


def test_response_url_messages() -> None:
    assert check_message({"text": "hi", "response_type": "ephemeral"}) is None
    assert check_message({"delete_original": True}) is None
    missing = check_message({"replace_original": True})
    assert missing is not None
    assert missing.error == "no_text"
    wrong_type = check_message({"text": "x", "response_type": "public"})
    assert wrong_type is not None
    assert wrong_type.error == "invalid_arguments"


def test_ack_payloads() -> None:
    assert check_ack(None) is None
    assert check_ack({"text": "pong"}) is None
    assert check_ack({"response_action": "errors", "errors": {"b": "bad"}}) is None
    assert check_ack({"blocks": [DIVIDER]}) is not None
    update = check_ack({"response_action": "update", "view": {"type": "modal", "blocks": []}})
    assert update is not None
