"""Action ids shared by the Block Kit builders that emit them and the listeners that handle them."""

import re

SESSIONS_PAGE_NEXT = "sessions_page_next"
SESSIONS_PAGE_PREVIOUS = "sessions_page_previous"
SESSION_MORE = "session_more"  # "Read more": an answer's one session with all its description
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
# The attendee's own week: reminder choices, feedback and CPD, forget me.
REMINDERS_ON = "reminders_on"
REMINDERS_OFF = "reminders_off"
REMINDERS_STOP = "reminders_stop"  # "Stop reminders" under every reminder DM
REMINDERS_OFFSET = "reminders_offset"  # one toggle per offset: reminders_offset.1, .2...
FEEDBACK_RATINGS = tuple(f"feedback_{n}" for n in range(1, 6))  # feedback_1 ... feedback_5
FEEDBACK_ABSENT = "feedback_absent"
FEEDBACK_REFLECT = "feedback_reflect"
FEEDBACK_REFLECTION_VIEW = "feedback_reflection"
FEEDBACK_LEARNT = "feedback_learnt"  # the modal's blocks and inputs
FEEDBACK_CHANGE = "feedback_change"
FEEDBACK_SHARE = "feedback_share"
CPD_SEND = "cpd_send"
FORGET_CONFIRM = "forget_confirm"
FORGET_CANCEL = "forget_cancel"


# Several Register buttons in one block (one per time of a session held more than once) need
# ids of their own: `session_register.2`. Listeners match the whole family.
def numbered(action_id: str, number: int) -> str:
    return f"{action_id}.{number}"


def family(action_id: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(action_id)}(\.\d+)?$")


def base(action_id: str) -> str:
    return action_id.split(".", 1)[0]
