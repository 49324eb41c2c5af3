"""Pure checks of Web API calls and message payloads against the rules Slack enforces."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.standin.block_rules import MAX_MESSAGE_BLOCKS, block_problems, view_problems

MAX_TEXT_LENGTH = 40_000

# A required argument: a name, or a group of names of which at least one is needed.
Requirement = str | tuple[str, ...]

# Web API methods the fake knows, with their required arguments. Add methods as features need them.
METHODS: dict[str, tuple[Requirement, ...]] = {
    "api.test": (),
    "auth.test": (),
    "apps.connections.open": (),
    "chat.postMessage": ("channel",),
    "chat.postEphemeral": ("channel", "user"),
    "chat.update": ("channel", "ts"),
    "chat.delete": ("channel", "ts"),
    "chat.scheduleMessage": ("channel", "post_at"),
    "chat.deleteScheduledMessage": ("channel", "scheduled_message_id"),
    "chat.getPermalink": ("channel", "message_ts"),
    "conversations.open": (("users", "channel"),),
    "conversations.history": ("channel",),
    "views.publish": ("user_id", "view"),
    "views.open": (("trigger_id", "interactivity_pointer"), "view"),
    "views.push": (("trigger_id", "interactivity_pointer"), "view"),
    "views.update": ("view", ("view_id", "external_id")),
    "reactions.add": ("channel", "timestamp", "name"),
    "reactions.remove": ("channel", "timestamp", "name"),
    "users.info": ("user",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
    # Sign in with Slack; slack_sdk sends the client id and secret as HTTP Basic auth, which the
    # fake turns into these arguments before checking (see bot/standin/openid.py).
    "openid.connect.token": ("client_id", "client_secret", "code"),
    "openid.connect.userInfo": (),
}

# Methods whose arguments are a message: they need text, blocks or attachments.
MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
)

RESPONSE_TYPES = frozenset({"in_channel", "ephemeral"})


@dataclass(frozen=True)
class Breach:
    """A broken rule: the error Slack would answer, and readable explanations."""

    error: str
    problems: tuple[str, ...]


def check_call(method: str, args: Mapping[str, Any]) -> Breach | None:
    """The rules a Web API call breaks, or None when Slack would accept it."""
    if method not in METHODS:
        return Breach("unknown_method", (f"{method}: unknown Web API method (see METHODS)",))
    groups = [("invalid_arguments", missing_arguments(method, args))]
    if method in MESSAGE_METHODS:
        groups += message_groups(args)
    if method.startswith("views.") and "view" in args:
        groups.append(("invalid_arguments", view_problems(args["view"])))
    return _first_breach(groups, prefix=f"{method}: ")


def check_message(payload: Any, *, source: str = "message") -> Breach | None:
    """The rules a response_url payload breaks (a message, unless it deletes the original)."""
    if not isinstance(payload, Mapping):
        return Breach("invalid_payload", (f"{source}: payload must be a JSON object",))
    needs_content = not payload.get("delete_original")
    return _first_breach(message_groups(payload, needs_content), prefix=f"{source}: ")


def check_ack(payload: Any) -> Breach | None:
    """The rules a Socket Mode acknowledgement payload breaks (None payload is fine)."""
    if payload is None:
        return None
    if not isinstance(payload, Mapping):
        return Breach("invalid_payload", ("ack: payload must be a JSON object",))
    action = payload.get("response_action")
    if action in ("update", "push"):
        return _first_breach([("invalid_arguments", view_problems(payload.get("view")))], "ack: ")
    if action is not None and action not in ("errors", "clear"):
        return Breach("invalid_arguments", (f"ack: unknown response_action {action!r}",))
    if action is not None or "options" in payload or "option_groups" in payload:
        return None
    return _first_breach(message_groups(payload, needs_content=False), prefix="ack: ")


def missing_arguments(method: str, args: Mapping[str, Any]) -> list[str]:
    """Required arguments of `method` that are absent or empty."""
    problems = []
    for requirement in METHODS.get(method, ()):
        names = (requirement,) if isinstance(requirement, str) else requirement
        if not any(_present(args.get(name)) for name in names):
            wanted = " or ".join(repr(name) for name in names)
            problems.append(f"missing required argument {wanted}")
    return problems


def message_groups(
    payload: Mapping[str, Any], needs_content: bool = True
) -> list[tuple[str, list[str]]]:
    """Message problems grouped by the error code Slack would answer, in Slack's order."""
    return [
        ("no_text", text_problems(payload, needs_content)),
        ("msg_too_long", length_problems(payload)),
        ("invalid_blocks", block_problems(payload.get("blocks"), limit=MAX_MESSAGE_BLOCKS)),
        ("invalid_arguments", response_type_problems(payload)),
        ("invalid_metadata", metadata_problems(payload)),
    ]


def text_problems(payload: Mapping[str, Any], needs_content: bool = True) -> list[str]:
    """A message needs content, and blocks need a `text` fallback for notifications."""
    has_text = _present(payload.get("text"))
    if _present(payload.get("blocks")) and not has_text:
        return ["blocks without a non-empty `text` fallback (used in notifications)"]
    content = has_text or _present(payload.get("attachments"))
    if needs_content and not content and not _present(payload.get("blocks")):
        return ["message has no text, blocks or attachments"]
    return []


def length_problems(payload: Mapping[str, Any]) -> list[str]:
    """Message text is limited to 40,000 characters."""
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_LENGTH:
        return [f"text is {len(text)} characters; Slack allows at most {MAX_TEXT_LENGTH}"]
    return []


def response_type_problems(payload: Mapping[str, Any]) -> list[str]:
    """`response_type` (response_url and command acks) is in_channel or ephemeral."""
    kind = payload.get("response_type")
    if kind is None or kind in RESPONSE_TYPES:
        return []
    return [f"response_type must be 'in_channel' or 'ephemeral', got {kind!r}"]


def metadata_problems(payload: Mapping[str, Any]) -> list[str]:
    """Message metadata is an `event_type` (letters, digits, underscores) and an object."""
    metadata = payload.get("metadata")
    if metadata is None:
        return []
    if not isinstance(metadata, Mapping):
        return [f"metadata must be an object, got {type(metadata).__name__}"]
    event_type = metadata.get("event_type")
    problems = []
    if not isinstance(event_type, str) or not re.fullmatch(r"[a-z0-9_]{1,255}", event_type):
        problems.append(f"metadata.event_type must be letters, digits or _, got {event_type!r}")
    if not isinstance(metadata.get("event_payload"), Mapping):
        problems.append("metadata.event_payload must be an object")
    return problems


def _first_breach(groups: list[tuple[str, list[str]]], prefix: str) -> Breach | None:
    """All problems, reported with the error code of the first failing group."""
    failing = [(error, problems) for error, problems in groups if problems]
    if not failing:
        return None
    problems = tuple(f"{prefix}{p}" for _, group in failing for p in group)
    return Breach(failing[0][0], problems)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}
