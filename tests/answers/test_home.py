"""App Home: the person's agenda and what is on next, with working buttons."""

from __future__ import annotations

import json
from datetime import datetime

from tests.conftest import LONDON, RunningBot
from tests.listeners.helpers import ack_body, pressed, session_buttons, titles

RACISM = "Racism in the workplace, in communities and in practice"


def test_home_shows_next_sessions_and_the_agenda_and_its_buttons_work(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "stereotypes", user_id="U1"))
    bot.send.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    (publish,) = bot.slack.wait_for("views.publish")
    assert publish.args["user_id"] == "U1"
    view = publish.args["view"]
    assert view["type"] == "home"
    text = json.dumps(view["blocks"])
    assert "What's on next" in text and "Your sessions" in text
    shown = titles(view)
    assert shown == [  # the clock says Tuesday 13:00: the next three, then the agenda
        "Safeguarding adults: self-neglect and making safeguarding personal",
        "Staying close: supporting care leavers into adulthood",
        "Great placements: practice educators and students",
        "Smashing stereotypes in the profession",
    ]

    button = session_buttons(view)[
        "Safeguarding adults: self-neglect and making safeguarding personal"
    ]
    home = {"type": "home", "id": "V1"}
    bot.send.action([pressed(button)], user_id="U1", view=home, container={"type": "view"})
    second = bot.slack.wait_for("views.publish", count=2)[1]
    assert "You're registered for *Safeguarding adults" in json.dumps(second.args["view"]["blocks"])
    assert bot.store.registrants(session_id="tue-safeguarding-adults") == ["U1"]


def test_home_shows_your_week_calendar_reminders_and_cpd_hours(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "stereotypes", user_id="U1"))
    ack_body(bot.send.command("/reminders", "15m", user_id="U1"))
    bot.send.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    (publish,) = bot.slack.wait_for("views.publish")
    text = json.dumps(publish.args["view"]["blocks"])
    assert "Your week" in text
    assert "`/mysessions calendar` sends your sessions to your calendar." in text  # no URL
    assert "reminders *15 minutes* before each of your sessions" in text
    assert "0 hours of CPD so far" in text
    # Once the session is over, its 1 hour counts.
    bot.clock.now = datetime(2023, 3, 22, 15, 0, tzinfo=LONDON)
    bot.send.event({"type": "app_home_opened", "user": "U1", "channel": "D0U1", "tab": "home"})
    later = bot.slack.wait_for("views.publish", count=2)[1]
    assert "1 hour of CPD so far" in json.dumps(later.args["view"]["blocks"])
