"""Forget me: what the bot keeps about a person, and deleting all of it at their word; its
Slack listeners (`/forgetme` and its buttons) are in `listeners`."""

from bot.privacy.service import Erased, Held, Kept, Privacy

__all__ = ["Erased", "Held", "Kept", "Privacy"]
