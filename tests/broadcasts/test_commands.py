"""Organiser broadcasts end to end: preview, audiences, send once, cancel, schedule (across a
restart), progress and counts, history, export, and refusal for everyone else."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks import ids
from bot.broadcasts.buttons import NOBODY
from bot.listeners.organisers import NOT_ORGANISER
from bot.records import Broadcast
from tests.conftest import ANNOUNCEMENTS, ORGANISER, Clock, RunningBot
from tests.listeners.helpers import ack_body
from tests.support.waiting import wait_until

TEXT = "Room change: the racism session is now in <!channel> Hall B & online"


def preview_of(bot: RunningBot, text: str = TEXT) -> tuple[Broadcast, dict[str, Any]]:
    """Ask for a preview; returns the draft and the preview message's arguments."""
    reply = ack_body(bot.send.command("/announce", text, user_id=ORGANISER))
    assert "preview" in reply["text"]
    (posted,) = bot.slack.wait_for("chat.postMessage")
    assert posted.args["channel"] == ORGANISER
    wait_until(lambda: [b for b in bot.store.broadcasts() if b.preview_ts], 5,
               "the draft never recorded its preview")  # fmt: skip
    (draft,) = bot.store.broadcasts()
    return draft, posted.args


def controls(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    block = next(b for b in message["blocks"] if b["type"] == "actions")
    return {e["action_id"]: e | {"block_id": block["block_id"]} for e in block["elements"]}


def press(bot: RunningBot, element: dict[str, Any], user: str = ORGANISER, **extra: Any) -> None:
    assert bot.send.action([element | extra], user_id=user).status == 200


def audience_options(
    bot: RunningBot, message: dict[str, Any], typed: str = "", user: str = ORGANISER
) -> list[dict[str, Any]]:
    """The options Slack shows in the preview's audience menu once `typed` is typed in it."""
    select = controls(message)[ids.ANNOUNCE_AUDIENCE]
    reply = bot.send.suggestion(
        ids.ANNOUNCE_AUDIENCE, typed, block_id=select["block_id"], user_id=user
    )
    assert reply.status == 200, reply.body
    options: list[dict[str, Any]] = reply.json()["options"]
    return options


def choose(bot: RunningBot, message: dict[str, Any], audience: str, typed: str = "") -> None:
    """Pick `audience` in the preview's menu, from the options offered for `typed`."""
    option = next(o for o in audience_options(bot, message, typed) if o["value"] == audience)
    select = controls(message)[ids.ANNOUNCE_AUDIENCE]
    press(bot, select | {"type": "external_select"}, selected_option=option)


def wait_status(bot: RunningBot, broadcast_id: str, status: str) -> Broadcast:
    def current() -> Broadcast | None:
        return bot.store.broadcast(broadcast_id=broadcast_id)

    wait_until(lambda: (now := current()) is not None and now.status == status, 8,
               f"{broadcast_id} never became {status}")  # fmt: skip
    found = current()
    assert found is not None
    return found


def wait_for_update(bot: RunningBot, text: str) -> bool:
    """Whether the preview is updated to show `text` (the store is saved just before)."""
    wait_until(
        lambda: any(
            text in json.dumps(c.args["blocks"]) for c in bot.slack.calls_to("chat.update")
        ),
        5,
        f"the preview never showed {text!r}",
    )
    return True


def channel_posts(bot: RunningBot) -> list[str]:
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args["text"] for c in calls if c.args["channel"] == ANNOUNCEMENTS]


def test_preview_shows_exactly_what_will_be_posted_and_send_posts_once(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    assert message["blocks"][1]["text"]["text"] == TEXT  # as written, @channel included
    assert f"Goes to <#{ANNOUNCEMENTS}>." in json.dumps(message["blocks"])
    send = controls(message)[ids.ANNOUNCE_SEND]
    press(bot, send)
    press(bot, send)  # a second press
    bot.send.action([send], user_id=ORGANISER)  # and a redelivered click
    sent = wait_status(bot, draft.id, "sent")
    assert bot.parts.settle()
    assert channel_posts(bot) == [TEXT]
    assert (sent.delivered, sent.failed) == (1, 0) and sent.sent_at is not None
    assert wait_for_update(bot, "Posted in the announcements channel")


def test_cancel_posts_nothing(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    press(bot, controls(message)[ids.ANNOUNCE_CANCEL])
    wait_status(bot, draft.id, "cancelled")
    press(bot, controls(message)[ids.ANNOUNCE_SEND])  # too late: it was cancelled
    assert bot.parts.settle()
    assert channel_posts(bot) == []


@pytest.mark.parametrize(
    ("audience", "expected"), [("registered", ["U1", "U2", "U3"]), ("session:tue-racism", ["U1"])]
)
@pytest.mark.slow(seconds=2)
def test_dm_audiences_with_counts_progress_and_failures(
    bot: RunningBot, audience: str, expected: list[str]
) -> None:
    for user, session in (
        ("U1", "racism"),
        ("U2", "stereotypes"),
        ("U3", "racism"),
        ("U3", "kinship"),
    ):
        ack_body(bot.send.command("/register", session, user_id=user))
    if audience.startswith("session:"):
        ack_body(bot.send.command("/unregister", "racism", user_id="U3"))
    bot.slack.unreachable_users.add(expected[-1])
    draft, message = preview_of(bot)
    choose(bot, message, audience)
    update = bot.slack.wait_for("chat.update")[0]
    count = len(expected)
    assert f"Goes by DM to {count} {'person' if count == 1 else 'people'}" in json.dumps(
        update.args["blocks"]
    )
    press(bot, controls(message)[ids.ANNOUNCE_SEND])
    sent = wait_status(bot, draft.id, "sent")
    assert (sent.recipients, sent.delivered, sent.failed) == (count, count - 1, 1)
    dms = [c.args["channel"] for c in bot.slack.calls_to("chat.postMessage") if not c.failed]
    assert sorted(u for u in dms if u in expected) == expected[:-1]
    assert channel_posts(bot) == []
    outcome = f"Sent to {count - 1} of {count}; 1 could not be reached"
    assert wait_for_update(bot, outcome)


def test_history_keeps_who_when_audience_text_and_counts(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    press(bot, controls(message)[ids.ANNOUNCE_SEND])
    wait_status(bot, draft.id, "sent")
    reply = ack_body(bot.send.command("/announce", "history", user_id=ORGANISER))
    text = json.dumps(reply["blocks"])
    assert f"by <@{ORGANISER}> to The announcements channel: sent, 1 delivered, 0 failed" in text
    assert "Room change" in text and "&lt;!channel&gt;" in text  # history never pings anyone


def test_export_sends_a_csv_of_registrations(bot: RunningBot) -> None:
    ack_body(bot.send.command("/register", "racism", user_id="U1"))
    ack_body(bot.send.command("/register", "racism", user_id="U2"))
    reply = ack_body(bot.send.command("/announce", "export", user_id=ORGANISER))
    assert "CSV" in reply["text"]
    (complete,) = bot.slack.wait_for("files.completeUploadExternal")
    (content,) = bot.slack.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["session_id", "title", "start", "registered", "waitlisted", "registrants"]
    racism = next(row for row in rows if row[0] == "tue-racism")
    assert racism[3:] == ["2", "0", "U1 U2"]
    assert len(rows) == 1 + len(bot.parts.current.programme.sessions)
    assert complete.args["channel_id"].startswith("D")


@pytest.mark.parametrize(
    "text", ["Hello everyone", "history", "scheduled", "export", "sessions tuesday", ""]
)
def test_every_form_is_refused_to_non_organisers(bot: RunningBot, text: str) -> None:
    reply = ack_body(bot.send.command("/announce", text, user_id="U1"))
    assert reply["text"] == "Sorry, only the week's organisers can use `/announce`."
    assert bot.parts.settle()
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.store.broadcasts() == []


@pytest.mark.parametrize("action_id", [ids.ANNOUNCE_SEND, ids.ANNOUNCE_CANCEL, ids.ANNOUNCE_LATER])
def test_buttons_pressed_by_a_non_organiser_are_refused_and_change_nothing(
    bot: RunningBot, action_id: str
) -> None:
    draft, message = preview_of(bot)
    press(bot, controls(message)[action_id], user="U1", trigger_id="1.2.abc")
    (refusal,) = bot.slack.wait_for_response()
    assert refusal.payload["text"] == "Sorry, only the week's organisers can send announcements."
    assert refusal.payload["response_type"] == "ephemeral"
    assert bot.parts.settle()
    assert bot.store.broadcast(broadcast_id=draft.id) == draft
    assert channel_posts(bot) == []
    assert bot.slack.calls_to("views.open") == []


@pytest.mark.slow(seconds=4)
def test_a_scheduled_broadcast_survives_a_restart(served_bot: RunningBot) -> None:
    bot = served_bot
    draft, message = preview_of(bot)
    press(bot, controls(message)[ids.ANNOUNCE_LATER], trigger_id="1.2.abc")
    (opened,) = bot.slack.wait_for("views.open")
    view = opened.args["view"]
    past = {"selected_date_time": int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())}
    refused = submit(bot, view, past)
    assert refused.json()["response_action"] == "errors"
    when = datetime.now(UTC) + timedelta(seconds=2)
    assert submit(bot, view, {"selected_date_time": int(when.timestamp()) + 1}).status == 200
    wait_status(bot, draft.id, "scheduled")
    listed = ack_body(bot.send.command("/announce", "scheduled", user_id=ORGANISER))
    assert "Room change" in json.dumps(listed["blocks"])

    # The bot stops before the moment, and at start-up reschedules what the store holds.
    restarted = bot.restart(clock=Clock(now=None))
    try:
        wait_until(lambda: restarted.store.broadcast(broadcast_id=draft.id).status == "sent",  # type: ignore[union-attr]
                   8, "the scheduled broadcast was never sent")  # fmt: skip
        assert channel_posts(bot) == [TEXT]
    finally:
        restarted.close()


def submit(
    bot: RunningBot, view: dict[str, Any], picked: dict[str, Any], user: str = ORGANISER
) -> Any:
    state = {
        "values": {
            ids.ANNOUNCE_WHEN_BLOCK: {ids.ANNOUNCE_WHEN: {"type": "datetimepicker"} | picked}
        }
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": user},
        "api_app_id": "A0TEST",
        "trigger_id": "1.2.def",
        "view": view | {"id": "V1", "state": state},
    }
    return bot.send.interactive(payload)


def test_a_channel_post_that_fails_is_reported_not_left_sending(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    bot.slack.fail_next(
        "chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"}
    )
    press(bot, controls(message)[ids.ANNOUNCE_SEND])
    sent = wait_status(bot, draft.id, "sent")
    assert (sent.delivered, sent.failed) == (0, 1)
    assert wait_for_update(bot, "Could not be posted in the announcements channel")


def send_slowly_to(
    bot: RunningBot, count: int, audience: str
) -> tuple[Broadcast, dict[str, Any], list[str]]:
    """Register `count` people for the racism session, let Slack take 10 messages a second,
    and send a broadcast to `audience`; the draft, its preview and the people."""
    people = [f"U{n:03d}" for n in range(count)]
    for user in people:
        bot.store.register(user_id=user, session_id="tue-racism", capacity=None)
    bot.slack.limit_rate("chat.postMessage", per_second=10)
    draft, message = preview_of(bot)
    choose(bot, message, audience)
    bot.slack.wait_for("chat.update")
    press(bot, controls(message)[ids.ANNOUNCE_SEND])
    return draft, message, people


@pytest.mark.slow(seconds=4)
def test_a_large_audience_sees_progress_on_the_preview(bot: RunningBot) -> None:
    draft, _, _ = send_slowly_to(bot, 30, "registered")  # about three seconds of sending
    sent = wait_status(bot, draft.id, "sent")
    assert (sent.delivered, sent.failed) == (30, 0)
    texts = [json.dumps(c.args["blocks"]) for c in bot.slack.calls_to("chat.update")]
    during = [t for t in texts if "Sending" in t and "sent 0 of" not in t]
    assert during, "no progress was shown while sending"
    assert wait_for_update(bot, "Sent to 30 of 30.")


@pytest.mark.slow(seconds=2)
def test_cancel_while_sending_stops_what_has_not_gone(bot: RunningBot) -> None:
    draft, message, people = send_slowly_to(bot, 40, "session:tue-racism")  # about 4 s
    wait_status(bot, draft.id, "sending")

    def delivered() -> int:
        return sum(1 for c in bot.slack.calls_to("chat.postMessage")
                   if c.args["channel"] in people and not c.failed)  # fmt: skip

    wait_until(lambda: delivered() >= 5, 8, "the sending under way")
    press(bot, controls(message)[ids.ANNOUNCE_CANCEL])
    wait_status(bot, draft.id, "cancelled")
    assert bot.parts.settle()
    sent = [c for c in bot.slack.calls_to("chat.postMessage")
            if c.args["channel"] in people and not c.failed]  # fmt: skip
    assert 0 < len(sent) < len(people)
    assert len({c.args["channel"] for c in sent}) == len(sent)
    assert wait_for_update(bot, f"Cancelled after it was sent to {len(sent)} of 40")
    history = ack_body(bot.send.command("/announce", "history", user_id=ORGANISER))
    assert f"cancelled, {len(sent)} delivered" in json.dumps(history["blocks"])


def test_help_explains_every_form_and_drafts_nothing(bot: RunningBot) -> None:
    reply = ack_body(bot.send.command("/announce", " Help ", user_id=ORGANISER))
    assert reply["response_type"] == "ephemeral"
    lines = reply["text"].splitlines()
    for form in ("<text>", "sessions <day>", "scheduled", "history", "export", "help"):
        (line,) = [x for x in lines if x.startswith(f"`/announce {form}`")]
        assert len(line) > len(form) + 14  # each with what it does
    assert "ANNOUNCEMENTS_CHANNEL" not in reply["text"]  # it is set
    assert bot.parts.settle()
    assert bot.store.broadcasts() == []
    assert bot.slack.calls_to("chat.postMessage") == []


def test_history_leaves_out_what_was_never_sent(bot: RunningBot) -> None:
    sent, message = preview_of(bot, "Sent one")
    press(bot, controls(message)[ids.ANNOUNCE_SEND])
    wait_status(bot, sent.id, "sent")
    broadcasts = bot.parts.broadcasts
    broadcasts.draft(organiser_id=ORGANISER, text="Left as a draft")
    cancelled = broadcasts.draft(organiser_id=ORGANISER, text="Cancelled draft")
    broadcasts.cancel(broadcast_id=cancelled.id)
    unscheduled = broadcasts.draft(organiser_id=ORGANISER, text="Cancelled when scheduled")
    broadcasts.schedule(broadcast_id=unscheduled.id, when=datetime.now(UTC) + timedelta(hours=1))
    broadcasts.cancel(broadcast_id=unscheduled.id)
    assert len(bot.store.broadcasts()) == 4
    history = json.dumps(ack_body(bot.send.command("/announce", "history", user_id=ORGANISER)))
    assert "Sent one" in history
    for never_sent in ("Left as a draft", "Cancelled draft", "Cancelled when scheduled"):
        assert never_sent not in history


def test_the_audience_search_is_answered_over_http(served_bot: RunningBot) -> None:
    _, message = preview_of(served_bot)
    found = audience_options(served_bot, message, "racism")
    assert [o["value"] for o in found] == ["session:tue-racism"]


def test_send_to_an_audience_nobody_is_in_says_so_and_sends_nothing(bot: RunningBot) -> None:
    draft, message = preview_of(bot)
    choose(bot, message, "session:tue-racism", typed="racism")
    bot.slack.wait_for("chat.update")
    press(bot, controls(message)[ids.ANNOUNCE_SEND], response_url=bot.slack.response_url("s"))
    (told,) = bot.slack.wait_for_response()
    assert told.payload["text"] == NOBODY
    assert bot.parts.settle()
    current = bot.store.broadcast(broadcast_id=draft.id)
    assert current is not None and current.status == "draft"
    assert [c for c in bot.slack.calls_to("chat.postMessage") if c.args["text"] == TEXT] == []
    history = ack_body(bot.send.command("/announce", "history", user_id=ORGANISER))
    assert "Sent to 0" not in json.dumps(history)
    # Scheduled for then, and still nobody there: it goes back to being a draft.
    assert bot.parts.broadcasts.send(broadcast_id=draft.id) is False


def test_the_send_later_form_submitted_by_someone_else_schedules_nothing(
    bot: RunningBot,
) -> None:
    """The form is the organiser's; a submission of it by anyone else (a forged one) is
    answered with the refusal under its field, and the draft stays a draft."""
    draft, message = preview_of(bot)
    press(bot, controls(message)[ids.ANNOUNCE_LATER], trigger_id="1.2.abc")
    (opened,) = bot.slack.wait_for("views.open")
    when = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    reply = submit(bot, opened.args["view"], {"selected_date_time": when}, user="U0SOMEONE")
    assert reply.json() == {
        "response_action": "errors",
        "errors": {ids.ANNOUNCE_WHEN_BLOCK: NOT_ORGANISER},
    }
    current = bot.store.broadcast(broadcast_id=draft.id)
    assert current is not None and (current.status, current.send_at) == ("draft", None)
