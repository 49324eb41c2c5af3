"""Forget me: what the bot keeps about a person, and deleting all of it at their word. Its
Slack listeners: `/forgetme` (`commands`) and its buttons (`buttons`), registered by
`listeners`."""

from bot.privacy.service import Erased, Held, Kept, Privacy

__all__ = ["Erased", "Held", "Kept", "Privacy"]
