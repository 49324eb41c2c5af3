"""The feedback DM's buttons and the reflection modal, pressed as Slack would press them on
the DM the fake Slack received: an answer changed in place, "didn't attend", the modal opened
(a valid view), its submission checked and saved, and people who were not there refused."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.blocks import ids
from bot.feedback.buttons import EMPTY, NOT_REGISTERED, NOTHING_TO_SHARE
from bot.feedback.messages import SHARE_OPTION
from bot.records import Feedback
from bot.standin.slack_answers import dm_channel
from tests.conftest import LONDON, RunningBot
from tests.listeners.helpers import ack_body, pressed
from tests.support.live_programme import wait_until

AMHP = "tue-amhp"  # Tue 21 Mar 09:30–10:30: over at the bot's 13:00
BEFORE = datetime(2023, 3, 20, 9, 0, tzinfo=LONDON)


def feedback_dm(bot: RunningBot, user: str = "U1", session_id: str = AMHP) -> dict[str, Any]:
    """Register `user` before the start, run the session's batch, and return the DM as the
    message a button press carries."""
    bot.store.register(user_id=user, session_id=session_id, capacity=None, at=BEFORE)
    bot.parts.feedback.run(session_id)

    def received() -> list[Any]:
        return [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == user
                and c.args["text"].startswith("How useful")]  # fmt: skip

    wait_until(lambda: bool(received()))
    (call,) = received()
    (message,) = [m for m in bot.slack.answers.posted(user) if m["text"] == call.args["text"]]
    return {"type": "message", "ts": message["ts"], "text": call.args["text"],
            "blocks": call.args["blocks"]}  # fmt: skip


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    row = next(b for b in message["blocks"] if b["type"] == "actions")
    return {e["action_id"]: e | {"block_id": row.get("block_id", "b")} for e in row["elements"]}


def press(
    bot: RunningBot, message: dict[str, Any], action_id: str, *, user: str = "U1", key: str = "dm"
) -> None:
    """Press a button on the DM, from `user`'s DM channel."""
    result = bot.send.action(
        [pressed(buttons(message)[action_id])],
        user_id=user,
        channel_id=dm_channel(user),
        message=message,
        response_url=bot.slack.response_url(key),
    )
    assert result.status == 200, result.body


def said(payload: dict[str, Any]) -> str:
    """The answer line under a redrawn DM."""
    text: str = payload["blocks"][-1]["elements"][0]["text"]
    return text


def stored(bot: RunningBot, user: str = "U1", session_id: str = AMHP) -> Feedback | None:
    return bot.store.feedback_of(user_id=user).get(session_id)


def test_pressing_4_then_2_keeps_2_and_redraws_the_dm_in_place(bot: RunningBot) -> None:
    dm = feedback_dm(bot)
    press(bot, dm, "feedback_4")
    (first,) = bot.slack.wait_for_response()
    assert first.payload["replace_original"] is True
    assert said(first.payload) == "You rated it 4 of 5. Thank you!"
    assert buttons(first.payload)["feedback_4"]["style"] == "primary"
    assert stored(bot).rating == 4  # type: ignore[union-attr]

    press(bot, first.payload | {"ts": dm["ts"]}, "feedback_2")
    second = bot.slack.wait_for_response(count=2)[1].payload
    assert second["replace_original"] is True
    assert said(second) == "You rated it 2 of 5. Thank you!"
    assert [a for a, e in buttons(second).items() if e.get("style")] == ["feedback_2"]
    answer = stored(bot)
    assert answer is not None and (answer.rating, answer.attended) == (2, True)
    assert len(bot.store.feedback_for(session_id=AMHP)) == 1


def test_didnt_attend_takes_the_session_out_of_the_cpd_record(bot: RunningBot) -> None:
    dm = feedback_dm(bot)
    bot.store.register(user_id="U1", session_id="mon-workforce", capacity=None, at=BEFORE)
    before = ack_body(bot.send.command("/cpd", user_id="U1"))
    assert before["text"] == "Your CPD record: 2 sessions, 2 hours."
    press(bot, dm, ids.FEEDBACK_ABSENT)
    (response,) = bot.slack.wait_for_response()
    assert said(response.payload) == "You said you didn't attend, so it's not in your CPD record."
    answer = stored(bot)
    assert answer is not None and (answer.attended, answer.rating) == (False, None)
    after = ack_body(bot.send.command("/cpd", user_id="U1"))
    assert after["text"] == "Your CPD record: 1 session, 1 hour."
    assert "AMHP" not in str(after["blocks"])

    press(bot, response.payload | {"ts": dm["ts"]}, "feedback_5")  # changed their mind
    bot.slack.wait_for_response(count=2)
    assert ack_body(bot.send.command("/cpd", user_id="U1"))["text"].endswith("2 sessions, 2 hours.")


def open_modal(bot: RunningBot, dm: dict[str, Any], user: str = "U1") -> dict[str, Any]:
    press(bot, dm, ids.FEEDBACK_REFLECT, user=user)
    (opened,) = bot.slack.wait_for("views.open")
    assert not opened.failed  # the fake Slack checks the view against Block Kit's rules
    view: dict[str, Any] = opened.args["view"]
    return view


def submit(
    bot: RunningBot, view: dict[str, Any], *, learnt: str, change: str, share: bool,
    user: str = "U1",
) -> Any:  # fmt: skip
    """Submit the modal as Slack would, with what was typed and ticked."""
    ticked = [{"text": {"type": "plain_text", "text": "Share"}, "value": SHARE_OPTION}]
    state = {
        "values": {
            ids.FEEDBACK_LEARNT: {ids.FEEDBACK_LEARNT: {"type": "plain_text_input",
                                                        "value": learnt or None}},
            ids.FEEDBACK_CHANGE: {ids.FEEDBACK_CHANGE: {"type": "plain_text_input",
                                                        "value": change or None}},
            ids.FEEDBACK_SHARE: {ids.FEEDBACK_SHARE: {"type": "checkboxes",
                                                      "selected_options": ticked if share else []}},
        }
    }  # fmt: skip
    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": user},
        "api_app_id": "A0TEST",
        "trigger_id": "1.2.def",
        "view": view | {"id": "V1", "state": state},
    }
    return bot.send.interactive(payload)


def test_the_reflection_modal_opens_and_its_submission_is_saved(bot: RunningBot) -> None:
    dm = feedback_dm(bot)
    press(bot, dm, "feedback_4")
    bot.slack.wait_for_response()
    view = open_modal(bot, dm)
    assert view["callback_id"] == ids.FEEDBACK_REFLECTION_VIEW
    assert view["title"]["text"] == "Your reflection"

    reply = submit(bot, view, learnt="Assessment under <pressure>", change="Plan earlier",
                   share=True)  # fmt: skip
    assert reply.status == 200 and reply.body == ""  # the modal closes
    answer = stored(bot)
    assert answer is not None
    assert (answer.learnt, answer.change, answer.share) == (
        "Assessment under <pressure>", "Plan earlier", True
    )  # fmt: skip
    assert answer.rating == 4  # kept

    # The DM that asked is redrawn with the answer: where the bot recorded sending it.
    (update,) = bot.slack.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (dm_channel("U1"), dm["ts"])
    assert "You rated it 4 of 5. Thank you! Your reflection is saved" in update.args["text"]

    # Opened again, it shows the reflection, and unticking the box stops sharing.
    bot.slack.reset()
    again = open_modal(bot, dm)
    inputs = {b["block_id"]: b["element"] for b in again["blocks"] if b["type"] == "input"}
    assert inputs[ids.FEEDBACK_LEARNT]["initial_value"] == "Assessment under <pressure>"
    assert inputs[ids.FEEDBACK_SHARE]["initial_options"][0]["value"] == SHARE_OPTION
    assert submit(bot, again, learnt="Assessment", change="", share=False).status == 200
    answer = stored(bot)
    assert answer is not None and (answer.learnt, answer.change, answer.share) == (
        "Assessment", "", False
    )  # fmt: skip


def test_a_forged_form_naming_another_message_cannot_change_it(bot: RunningBot) -> None:
    """A signed submission whose form says to update a session card in a channel: the
    reflection is saved, and only the person's own feedback DM, as the bot sent it, is
    redrawn."""
    dm = feedback_dm(bot)
    view = open_modal(bot, dm)
    forged = view | {"private_metadata": json.dumps({"s": AMHP, "c": "C0CARDS", "t": "1.1"})}
    assert submit(bot, forged, learnt="Plan earlier", change="", share=False).status == 200
    (update,) = bot.slack.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (dm_channel("U1"), dm["ts"])
    assert bot.parts.settle()
    assert len(bot.slack.calls_to("chat.update")) == 1


def test_the_modal_answers_mistakes_with_errors_and_saves_nothing(bot: RunningBot) -> None:
    dm = feedback_dm(bot)
    view = open_modal(bot, dm)
    empty = submit(bot, view, learnt="  ", change="", share=False)
    assert empty.json() == {"response_action": "errors", "errors": {ids.FEEDBACK_LEARNT: EMPTY}}
    nothing = submit(bot, view, learnt="", change="Plan earlier", share=True)
    assert nothing.json() == {
        "response_action": "errors",
        "errors": {ids.FEEDBACK_SHARE: NOTHING_TO_SHARE},
    }
    assert stored(bot) is None
    assert bot.parts.settle()
    assert bot.slack.calls_to("chat.update") == []


def test_someone_not_registered_at_the_start_cannot_answer(bot: RunningBot) -> None:
    dm = feedback_dm(bot)
    late = datetime(2023, 3, 21, 9, 45, tzinfo=LONDON)
    bot.store.register(user_id="U9", session_id=AMHP, capacity=None, at=late)
    press(bot, dm, "feedback_5", user="U9", key="u9")
    press(bot, dm, ids.FEEDBACK_REFLECT, user="U9", key="u9r")
    responses = bot.slack.wait_for_response(count=2)
    for response in responses:
        assert response.payload["text"] == NOT_REGISTERED
        assert response.payload["replace_original"] is False
    assert bot.slack.calls_to("views.open") == []
    assert stored(bot, "U9") is None

    # Nor can someone who left after the DM was sent, even with the modal open.
    view = open_modal(bot, dm)
    bot.store.unregister(user_id="U1", session_id=AMHP, capacity=None)
    refused = submit(bot, view, learnt="x", change="", share=False)
    assert refused.json()["errors"] == {ids.FEEDBACK_LEARNT: NOT_REGISTERED}
    assert stored(bot) is None
