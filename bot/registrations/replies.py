"""What the registration listeners need of the replies: a person's agenda, an answer drawn for
them, the view a button was pressed in redrawn, and their Home tab. The app passes the real
one (`bot.answers.replies.Replies`, which draws with this package's messages, so this package
cannot import it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient

from bot.answering import Answer
from bot.blocks.formatting import Message
from bot.blocks.values import Origin


class Replies(Protocol):
    """Draws what a person sees, as they stand now, on the replies' `clock`."""

    clock: Callable[[], datetime]

    def agenda(self, *, user_id: str, notice: str | None = None) -> Message:
        """The person's sessions by day, with `notice` at the top."""
        ...

    def answer(
        self,
        answer: Answer,
        *,
        user_id: str,
        asked_at: float,
        page: int = 0,
        notice: str | None = None,
    ) -> Message:
        """`answer` drawn for the person, with `notice` at the top."""
        ...

    def redraw(self, origin: Origin, *, user_id: str, notice: str | None = None) -> Message:
        """The answer a button sat under, asked again as at the time it was first asked."""
        ...

    def publish_home(self, client: WebClient, *, user_id: str, notice: str | None = None) -> None:
        """Publish the person's Home tab."""
        ...
