"""People's own calendars: their registered sessions as an iCalendar feed or file, free of
Slack (`feed`, `service`, `web`); and `/mysessions` (`commands`), registered by `listeners`.
(The "Add to calendar" links for any session are `bot.programme.links`.)"""

from bot.calendar.feed import FeedEntry, calendar_file, fingerprint
from bot.calendar.service import Calendar

__all__ = [
    "Calendar",
    "FeedEntry",
    "calendar_file",
    "fingerprint",
]
