"""Build the Bolt app: its Web API client, its listeners and its error handler."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.listeners import register_listeners
from bot.listeners.cards import CardRefresher
from bot.services import Services

logger = logging.getLogger(__name__)


class _TokenFromClient(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN "will be unused" whenever that variable is set and a
    client is given. Ours is: the client carries that same token and our Slack API URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_TOKEN_FROM_CLIENT = _TokenFromClient()


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
    listener_executor: Executor | None = None,
    card_interval: float = 3.0,
) -> App:
    """The Bolt app for `services`. `client` defaults to one for the configured Slack API.

    Listeners run on the request's own thread and answer inside their acknowledgement;
    anything slower (Web API calls) runs afterwards as a lazy listener on `listener_executor`.
    """
    settings = services.settings
    if client is None:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        client = web_client(token, settings.slack_api_url)
    secret = settings.slack_signing_secret
    bolt_logger = logging.getLogger("bot.bolt")
    bolt_logger.addFilter(_TOKEN_FROM_CLIENT)  # added once, however many apps are built
    app = App(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=secret is not None,
        process_before_response=True,
        listener_executor=listener_executor,
        logger=bolt_logger,
    )
    register_listeners(app, services)
    cards = CardRefresher(services, app.client, interval=card_interval)
    services.on_change = cards.touch
    services.on_close(cards.close)
    return app
