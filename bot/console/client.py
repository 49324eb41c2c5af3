"""A Web API client for the offline console: what the bot would post to Slack is printed."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

BOT_USER_ID = "U0CONSOLEBOT"


class ConsoleClient(WebClient):
    """Answers the few Web API methods the bot uses, and hands each posted message to `show`."""

    def __init__(self, show: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(token="xoxb-offline-console", base_url="http://console.invalid/api/")
        self._show = show
        self._ts = itertools.count(1)

    def __deepcopy__(self, memo: dict[int, Any]) -> ConsoleClient:
        # Bolt deep-copies each request for lazy listeners; there is one terminal to print to.
        return self

    def api_call(
        self, api_method: str, *, json: dict[str, Any] | None = None, **kwargs: Any
    ) -> SlackResponse:
        args = dict(json or kwargs.get("data") or kwargs.get("params") or {})
        data: dict[str, Any] = {"ok": True}
        if api_method == "auth.test":
            data.update(user_id=BOT_USER_ID, bot_id="B0CONSOLE", team_id="T0CONSOLE", user="bot")
        elif api_method.startswith("chat."):
            self._show(args)
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            data.update(channel=args.get("channel", ""), ts=ts, message_ts=ts)
        else:
            data.update(ok=False, error="not_available_offline")
        return SlackResponse(
            client=self,
            http_verb="POST",
            api_url=self.base_url + api_method,
            req_args={},
            data=data,
            headers={},
            status_code=200,
        )
