"""Action ids shared by the Block Kit builders that emit them and the listeners that handle them."""

import re

SESSIONS_PAGE_NEXT = "sessions_page_next"
SESSIONS_PAGE_PREVIOUS = "sessions_page_previous"
SESSION_REGISTER = "session_register"
SESSION_UNREGISTER = "session_unregister"
ANNOUNCE_SEND = "announce_send"
ANNOUNCE_CANCEL = "announce_cancel"
ANNOUNCE_AUDIENCE = "announce_audience"
ANNOUNCE_LATER = "announce_later"
ANNOUNCE_UNSCHEDULE = "announce_unschedule"
ANNOUNCE_LATER_VIEW = "announce_later_view"
ANNOUNCE_WHEN_BLOCK = "announce_when"
ANNOUNCE_WHEN = "announce_when_picker"


# Several Register buttons in one block (one per time of a session held more than once) need
# ids of their own: `session_register.2`. Listeners match the whole family.
def numbered(action_id: str, number: int) -> str:
    return f"{action_id}.{number}"


def family(action_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id)}(\.\d+)?$")


def base(action_id: str) -> str:
    return action_id.split(".", 1)[0]
