"""Registering people for sessions: the rules on top of the store (`service`, no Slack), the
session cards (`cards`) and what registrants are told unasked (`news`)."""

from bot.registrations.service import PROMOTION, Agenda, Change, Registrations

__all__ = ["PROMOTION", "Agenda", "Change", "Registrations"]
