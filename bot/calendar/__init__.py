"""People's own calendars: their registered sessions as an iCalendar feed or file, and
"Add to calendar" links for any session. Free of Slack."""

from bot.calendar.feed import FeedEntry, calendar_file, fingerprint
from bot.calendar.links import google_link, outlook_link
from bot.calendar.service import Calendar

__all__ = [
    "Calendar",
    "FeedEntry",
    "calendar_file",
    "fingerprint",
    "google_link",
    "outlook_link",
]
