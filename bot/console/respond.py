"""`respond()` for the offline console: what a listener sends to a response_url is shown in the
terminal instead of posted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Respond
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse

from bot.console.client import Shown

RESPONSE_URL = "https://console.invalid/respond"


class ConsoleRespond(Respond):
    """Shows each response as the reply it would be in Slack: a new message, or one in place
    of the message whose button was pressed."""

    def __init__(self, show: Callable[[Shown], None], note: Callable[[str], None]) -> None:
        super().__init__(response_url=RESPONSE_URL)
        self._show = show
        self._note = note

    def __deepcopy__(self, memo: dict[int, Any]) -> ConsoleRespond:
        return self  # Bolt copies each request for lazy listeners: this one still prints

    def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if isinstance(text, dict):
            message = dict(text)
        else:
            message = {"text": text}
            if blocks is not None:
                message["blocks"] = [b.to_dict() if isinstance(b, Block) else b for b in blocks]
            if response_type is not None:
                message["response_type"] = response_type
        if delete_original:
            self._note("» The message with that button was removed.")
        elif message.get("text") or message.get("blocks"):
            ephemeral = message.get("response_type", "ephemeral") == "ephemeral"
            self._show(Shown(message, ephemeral=ephemeral))
        return WebhookResponse(url=RESPONSE_URL, status_code=200, body="ok", headers={})
