"""App Home: the person's agenda and what is on next, with the same buttons as elsewhere."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.blocks.registrations import home_view
from bot.services import Services, services_from

UPCOMING = 3


def home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Draw the Home tab whenever the person opens it."""
    if event.get("tab", "home") == "home":
        publish_home(services_from(context), client, user_id=event["user"])


def publish_home(
    services: Services, client: WebClient, *, user_id: str, notice: str | None = None
) -> None:
    """Publish `user_id`'s Home tab as they stand now."""
    now = services.clock()
    upcoming = [s for s in services.programme.sessions if s.start > now][:UPCOMING]
    registrations = services.registrations
    view = home_view(
        registrations.agenda(user_id=user_id),
        upcoming,
        registrations.seats(user_id=user_id),
        services.programme.tz,
        notice=notice,
    )
    client.views_publish(user_id=user_id, view=view)
