"""Every unexpected error is logged with its traceback, and the person is told plainly.

Synchronous listeners fail into `on_error` (Bolt's error handler). Work done after the
acknowledgement runs as a Bolt lazy listener, whose failures Bolt would only log in one
line, so each is wrapped in `after_ack`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltResponse
from slack_sdk.errors import SlackApiError

from bot.store import StoreError

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a minute."
NOT_SAVED = (
    "Sorry, I couldn't save that just now, so nothing has changed. "
    "Please try again in a few minutes."
)


BUSY = "Slack is busy just now, so I couldn't finish that. Please try again in a minute."


def _words_for(error: BaseException) -> str:
    """What to tell the person: a change the store refused, or Slack's rate limit, is said
    plainly."""
    if isinstance(error, StoreError):
        return NOT_SAVED
    return BUSY if _rate_limited(error) else SORRY


def _rate_limited(error: BaseException) -> bool:
    return isinstance(error, SlackApiError) and error.response.status_code == 429


def bind(listener: Callable[..., None], **parts: Any) -> Callable[..., None]:
    """`listener` with its keyword-only arguments (the parts it uses) filled in. Bolt reads the
    other argument names and passes those (`ack`, `command`, `client`…)."""
    bound = functools.partial(listener, **parts)
    functools.update_wrapper(bound, listener)
    return bound


def acknowledge(ack: Ack) -> None:
    """Acknowledge at once; the lazy listeners do the rest."""
    ack()


def after_ack(listener: Callable[..., None]) -> Callable[..., None]:
    """`listener`, run after the acknowledgement, with its errors logged and reported. The
    person is told through `respond` or `say`, so `listener` must take one of them (Bolt
    passes only the arguments a listener names)."""

    @functools.wraps(listener)  # Bolt reads the wrapped function's argument names
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as error:
            if _rate_limited(error):  # not a fault: Slack asked the bot to slow down
                logger.warning("Slack's rate limit stopped %s", listener.__name__)
            else:
                logger.exception("Error in %s", listener.__name__)
            _tell_the_person(kwargs, _words_for(error))

    return run


def on_error(error: Exception, body: dict[str, Any], respond: Any) -> BoltResponse | None:
    """Bolt's error handler for listeners that fail before or while acknowledging. A command
    is answered in its acknowledgement; anything else through its response_url."""
    logger.exception("Error handling a %s request", body.get("type") or "command", exc_info=error)
    words = _words_for(error)
    if "command" in body:
        reply = json.dumps({"response_type": "ephemeral", "text": words})
        return BoltResponse(status=200, body=reply, headers={"content-type": "application/json"})
    if body.get("response_url"):
        _tell_the_person({"respond": respond}, words)
    return None


def _tell_the_person(kwargs: dict[str, Any], words: str) -> None:
    try:
        if kwargs.get("respond") is not None:
            kwargs["respond"](text=words, response_type="ephemeral", replace_original=False)
        elif kwargs.get("say") is not None:
            kwargs["say"](text=words)
    except Exception:
        logger.exception("Could not tell the person about the error")
