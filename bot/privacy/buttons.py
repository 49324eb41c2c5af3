"""The `/forgetme` buttons: confirming deletes everything kept about the person (once: a
second press finds nothing left); Cancel deletes nothing. The message is replaced."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.privacy import Privacy
from bot.privacy.messages import erased_message, forget_cancelled


def forget_confirm(body: dict[str, Any], respond: Respond, *, privacy: Privacy) -> None:
    """Delete everything kept about the person who pressed, then confirm in place."""
    erased = privacy.forget(user_id=body["user"]["id"])
    respond(replace_original=True, response_type="ephemeral", **erased_message(erased).as_kwargs())


def forget_cancel(respond: Respond) -> None:
    """Nothing deleted."""
    respond(replace_original=True, response_type="ephemeral", **forget_cancelled().as_kwargs())
