"""The outbox's sender: one relay for everything the bot sends unasked (see `sender`)."""

from bot.outbox.sender import Outbox, Renderer

__all__ = ["Outbox", "Renderer"]
