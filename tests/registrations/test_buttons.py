"""Register / Unregister buttons: the change is made and the reply redrawn in place."""

from __future__ import annotations

import logging

import pytest

from bot.blocks import ids
from bot.blocks.values import STALE
from tests.conftest import RunningBot
from tests.listeners.helpers import ack_body, first_text, pressed, session_buttons

RACISM = "Racism in the workplace, in communities and in practice"


def test_register_button_under_an_answer_updates_it_in_place(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/sessions", "tuesday", user_id="U1"))
    button = session_buttons(reply)[RACISM]
    url = bot.slack.response_url("answer")
    assert bot.send.action([pressed(button)], user_id="U1", response_url=url).status == 200
    (response,) = bot.slack.wait_for_response()
    payload = response.payload
    assert payload["replace_original"] is True
    assert first_text(payload).startswith(f":white_check_mark: You're registered for *{RACISM}*")
    assert session_buttons(payload)[RACISM]["text"]["text"] == "Unregister"
    assert len(session_buttons(payload)) == 3  # the same answer, redrawn (one is over)
    assert bot.store.registrants(session_id="tue-racism") == ["U1"]

    unregister = session_buttons(payload)[RACISM]
    bot.send.action([pressed(unregister)], user_id="U1", response_url=url)
    second = bot.slack.wait_for_response(count=2)[1].payload
    assert first_text(second) == f"You're no longer registered for *{RACISM}*."
    assert session_buttons(second)[RACISM]["text"]["text"] == "Register"
    assert bot.store.registrants(session_id="tue-racism") == []


def test_unregister_button_in_mysessions_redraws_the_agenda(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    agenda = ack_body(bot.send.command("/mysessions", user_id="U1"))
    button = session_buttons(agenda)[RACISM]
    bot.send.action([pressed(button)], user_id="U1", response_url=bot.slack.response_url("a"))
    (response,) = bot.slack.wait_for_response()
    assert first_text(response.payload) == f"You're no longer registered for *{RACISM}*."
    assert "You haven't registered for any sessions yet." in str(response.payload["blocks"])


def test_a_button_for_a_session_no_longer_in_the_programme(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/sessions", "tuesday", user_id="U1"))
    button = session_buttons(reply)[RACISM]
    gone = {**button, "value": button["value"].replace("tue-racism", "tue-gone")}
    bot.send.action([pressed(gone)], user_id="U1", response_url=bot.slack.response_url("g"))
    (response,) = bot.slack.wait_for_response()
    assert first_text(response.payload) == "That session is no longer in the programme."


@pytest.mark.parametrize(
    "value", ["", "not json", "[]", '{"v": "nowhere"}', '{"v": "answer", "p": "x"}']
)
@pytest.mark.parametrize("action_id", [ids.SESSION_REGISTER, ids.SESSIONS_PAGE_NEXT])
def test_a_button_value_the_bot_did_not_write_changes_nothing_and_says_so(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, action_id: str, value: str
) -> None:
    """A signed press with a forged value: the person is told plainly, one warning is logged
    (no traceback), and nobody is registered."""
    button = {"type": "button", "action_id": action_id, "value": value,
              "text": {"type": "plain_text", "text": "Register"}}  # fmt: skip
    url = bot.slack.response_url("forged")
    with caplog.at_level(logging.WARNING):
        assert bot.send.action([pressed(button)], user_id="U1", response_url=url).status == 200
        (response,) = bot.slack.wait_for_response()
        assert bot.parts.settle()
    assert response.payload["text"] == STALE
    assert response.payload.get("replace_original") is False
    assert bot.store.seats_of(user_id="U1") == {}
    assert not [r for r in caplog.records if r.exc_info], "an exception was logged"
    assert [r.levelno for r in caplog.records if "not of ours" in r.getMessage()] == [
        logging.WARNING
    ]
