"""Who may use the organisers' tools (`/announce` and everything it draws: previews, the
audience menu, Send, Cancel, Send later, the scheduled list): the one check, as Bolt
listener middleware. An organiser goes through; anyone else is told no in the form the
request asks for, and nothing of the listener runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltResponse, Respond

NOT_ORGANISER_COMMAND = "Sorry, only the week's organisers can use `/announce`."
NOT_ORGANISER = "Sorry, only the week's organisers can send announcements."

Middleware = Callable[..., BoltResponse]


def organisers_only(organisers: frozenset[str], *, form_block: str = "") -> Middleware:
    """Listener middleware letting only `organisers` through. A form (a modal) that someone
    else submits is answered with an error under its block `form_block`."""

    def check(
        body: dict[str, Any], ack: Ack, respond: Respond, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        if user in organisers:
            return next()
        # Returning the acknowledgement, without calling `next`, is Bolt's way to answer
        # the request from here.
        kind = body.get("type")
        if "command" in body:
            return ack(response_type="ephemeral", text=NOT_ORGANISER_COMMAND)
        if kind == "block_suggestion":
            return ack(options=[])
        if kind == "view_submission":
            return ack(response_action="errors", errors={form_block: NOT_ORGANISER})
        answered = ack()
        respond(response_type="ephemeral", replace_original=False, text=NOT_ORGANISER)
        return answered

    return check
