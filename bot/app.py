"""Build the Bolt app: its Web API client, its listeners and its error handler."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.listeners import register_listeners
from bot.services import Services

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a minute."


def web_client(token: str, base_url: str) -> WebClient:
    """A Web API client for `base_url` that waits out rate limits and retries server errors.

    The retries sleep on the calling thread, so it is only used after a request is acknowledged.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(
    services: Services,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
) -> App:
    """The Bolt app for `services`. `client` defaults to one for the configured Slack API."""
    settings = services.settings
    if client is None:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        client = web_client(token, settings.slack_api_url)
    secret = settings.slack_signing_secret
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=secret is not None,
        process_before_response=process_before_response,
        logger=logging.getLogger("bot.bolt"),
    )
    register_listeners(app, services)
    app.error(_on_error)
    return app


def _on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    """Log every unexpected error with its traceback; tell the person, never show them a trace."""
    logger.exception(
        "Error while handling a %s request", body.get("type") or "command", exc_info=error
    )
    if body.get("response_url"):
        try:
            respond(text=SORRY, response_type="ephemeral", replace_original=False)
        except Exception:
            logger.exception("Could not tell the person about the error")
    return None
