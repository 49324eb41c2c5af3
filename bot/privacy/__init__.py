"""Forget me: what the bot keeps about a person, and deleting all of it at their word."""

from bot.privacy.service import Erased, Held, Kept, Privacy

__all__ = ["Erased", "Held", "Kept", "Privacy"]
