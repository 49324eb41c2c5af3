"""The week's programme: its model and the loader that checks `programme.json`."""

from bot.programme.loader import ProgrammeError, load_programme, parse_programme
from bot.programme.model import Event, Programme, Session, Speaker

__all__ = [
    "Event",
    "Programme",
    "ProgrammeError",
    "Session",
    "Speaker",
    "load_programme",
    "parse_programme",
]
