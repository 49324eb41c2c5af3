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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.json_input import MAX_DEPTH, too_deep

EVENT_TYPES = ("app_home_opened", "app_mention", "message", "reaction_added", "reaction_removed")
"""The events the bot subscribes to (manifest.json), whose fields it reads."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _HasId(_Shape):
    id: str | None = None
    team_id: str | None = None
    enterprise_id: str | None = None


class _Authorization(_Shape):
    enterprise_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    is_enterprise_install: bool | None = None


class _Context(_Shape):
    """What Bolt reads from every payload (and from its event, message and previous message)
    to know the workspace, the person and the channel, before any listener: each must be of
    the type Slack sends, or Bolt fails on it."""

    enterprise: str | _HasId | None = None
    team: str | _HasId | None = None
    user: str | _HasId | None = None
    channel: str | _HasId | None = None
    authorizations: list[_Authorization] | None = None
    is_enterprise_install: bool | None = None
    is_ext_shared_channel: bool | None = None
    enterprise_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    user_team: str | None = None
    function_execution_id: str | None = None
    bot_access_token: str | None = None
    item: _HasId | None = None
    view: _HasId | None = None
    assistant_thread: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    event: _Context | None = None
    message: _Context | None = None
    previous_message: _Context | None = None


class _User(_Shape):
    id: str = Field(min_length=1)


class _Option(_Shape):
    value: str


class _Action(_Shape):
    type: str = ""
    action_id: str = Field(min_length=1)
    block_id: str | None = None
    value: str | None = None
    selected_option: _Option | None = None

    @model_validator(mode="after")
    def _says_what_was_chosen(self) -> _Action:
        # Every button the bot draws carries a value (`bot.blocks.kit.button`), and a
        # choice in a menu says which option.
        if self.type == "button" and self.value is None:
            raise ValueError("a button without its value")
        single_choice = self.type.endswith("_select") and not self.type.startswith("multi_")
        if single_choice and self.selected_option is None:
            raise ValueError("a menu choice without the option chosen")
        return self


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

    @model_validator(mode="after")
    def _answerable(self) -> _BlockActions:
        # A press in a message is answered through its response_url, which Slack always sends.
        if self.view is None and self.response_url is None:
            raise ValueError("a press in a message without its response_url")
        return self


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _SubmittedView(_View):
    state: _State  # type: ignore[assignment]  # required, and of this shape, once submitted


class _ViewSubmission(_Shape):
    type: Literal["view_submission"]
    user: _User
    view: _SubmittedView


class _ViewClosed(_Shape):
    type: Literal["view_closed"]
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


class _PersonsEvent(_Event):
    """An event the bot answers a person for: it says who, where and when."""

    user: str
    channel: str
    ts: str


class _HomeOpened(_Event):
    user: str


class _Reaction(_Event):
    user: str
    reaction: str
    item: _Item


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
    "view_submission": _ViewSubmission,
    "view_closed": _ViewClosed,
    "block_suggestion": _Suggestion,
    "event_callback": _EventCallback,
    "url_verification": _UrlVerification,
}


def _event_shape(event: dict[str, Any]) -> type[_Shape]:
    kind = event.get("type")
    if kind == "app_mention" or (kind == "message" and not event.get("subtype")):
        return _PersonsEvent
    if kind in ("reaction_added", "reaction_removed"):
        return _Reaction
    if kind == "app_home_opened":
        return _HomeOpened
    return _Event if kind in EVENT_TYPES else _AnyEvent


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
    try:
        _Context.model_validate(body)
        if shape is None:
            return None  # not one the bot listens to: Bolt answers it as unhandled
        shape.model_validate(body)
        if shape is _EventCallback:
            event = body["event"]
            _event_shape(event).model_validate(event)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        if first["type"] == "missing":
            return f"a {kind or 'Slack'} payload without {where}"
        return f"a {kind or 'Slack'} payload whose {where} is wrong ({first['msg'].lower()})"
    return None
