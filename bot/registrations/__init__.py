"""Registering people for sessions: the rules on top of the store (`service`, no Slack), the
session cards (`cards`) and what registrants are told unasked (`news`). Its Slack listeners:
`/register` and `/unregister` (`commands`), the Register and Unregister buttons (`buttons`)
and reactions on the cards (`reactions`), registered by `listeners`; `replies` says what they
need of the replies the app passes them."""

from bot.registrations.service import PROMOTION, Agenda, Change, Registrations

__all__ = ["PROMOTION", "Agenda", "Change", "Registrations"]
