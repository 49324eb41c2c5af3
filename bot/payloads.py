"""What a request from Slack must look like before any listener sees it, checked once at
the door (`problem`): the HTTP guard answers 400 to anything else, and the middleware does
the same for Socket Mode.

Only what the bot reads is checked: a block action has at least one action and says who
pressed it, a view has a type and an id, an event's `user` and `channel` are strings, and
nothing is nested deeper than Slack ever nests (`bot.json_input.MAX_DEPTH`). Everything
else Slack sends is let through as it is, so a new field never turns a request away.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.json_input import MAX_DEPTH, too_deep

EVENT_TYPES = ("app_home_opened", "app_mention", "message", "reaction_added", "reaction_removed")
"""The events the bot subscribes to (manifest.json), whose fields it reads."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _User(_Shape):
    id: str = Field(min_length=1)


class _Action(_Shape):
    action_id: str = Field(min_length=1)
    block_id: str | None = None
    value: str | None = None
    selected_option: dict[str, Any] | None = None


class _View(_Shape):
    id: str | None = None
    type: str = Field(min_length=1)
    callback_id: str = ""
    private_metadata: str = ""
    state: dict[str, Any] | None = None


class _BlockActions(_Shape):
    type: Literal["block_actions"]
    user: _User
    actions: list[_Action] = Field(min_length=1)
    trigger_id: str | None = None
    response_url: str | None = None
    container: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    view: _View | None = None


class _ViewClosing(_Shape):
    type: Literal["view_submission", "view_closed"]
    user: _User
    view: _View


class _Suggestion(_Shape):
    type: Literal["block_suggestion"]
    user: _User
    action_id: str
    block_id: str | None = None
    value: str = ""


class _Item(_Shape):
    type: str | None = None
    channel: str | None = None
    ts: str | None = None


class _Event(_Shape):
    type: str
    user: str | None = None
    channel: str | None = None
    text: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    channel_type: str | None = None
    tab: str | None = None
    reaction: str | None = None
    item: _Item | None = None
    bot_id: str | None = None


class _AnyEvent(_Shape):
    type: str


class _EventCallback(_Shape):
    type: Literal["event_callback"]
    event_id: str = Field(min_length=1)
    event: dict[str, Any]


class _UrlVerification(_Shape):
    type: Literal["url_verification"]
    challenge: str


_SHAPES: dict[str, type[_Shape]] = {
    "block_actions": _BlockActions,
    "view_submission": _ViewClosing,
    "view_closed": _ViewClosing,
    "block_suggestion": _Suggestion,
    "event_callback": _EventCallback,
    "url_verification": _UrlVerification,
}


def problem(body: Any) -> str | None:
    """Why `body` (a request's parsed JSON or payload) is not what Slack sends, in a few
    words for the log, or None. A form (a slash command) is all strings, and passes."""
    if not isinstance(body, dict):
        return "a payload that is not a JSON object"
    if too_deep(body):
        return f"a payload nested more than {MAX_DEPTH} levels deep"
    if "command" in body:
        return None
    kind = body.get("type")
    shape = _SHAPES.get(kind) if isinstance(kind, str) else None
    if shape is None:
        return None  # not one the bot listens to: Bolt answers it as unhandled
    try:
        shape.model_validate(body)
        if shape is _EventCallback:
            event = body["event"]
            is_ours = isinstance(event.get("type"), str) and event["type"] in EVENT_TYPES
            (_Event if is_ours else _AnyEvent).model_validate(event)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        if first["type"] == "missing":
            return f"a {kind} payload without {where}"
        return f"a {kind} payload whose {where} is wrong ({first['msg'].lower()})"
    return None
