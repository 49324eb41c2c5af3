"""Registering people for sessions: the rules on top of the store. Knows nothing of Slack."""

from bot.registrations.service import Agenda, Change, Registrations

__all__ = ["Agenda", "Change", "Registrations"]
