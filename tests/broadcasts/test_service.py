"""The broadcasts service against the fake Slack: every change is conditional on where the
broadcast stands, so presses that race the preview, or each other, never undo one another."""

from __future__ import annotations

import json
import threading
import time

from bot.records import BROADCAST_KIND
from tests.conftest import ANNOUNCEMENTS, ORGANISER, RunningBot


def test_a_late_save_of_the_preview_never_undoes_a_send(bot: RunningBot) -> None:
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    assert broadcasts.send(broadcast_id=draft.id)  # pressed before the preview was saved
    broadcasts.post_preview(draft, user_id=ORGANISER)
    current = bot.store.broadcast(broadcast_id=draft.id)
    assert current is not None and current.status in ("sending", "sent")
    assert current.preview_ts is not None
    bot.slack.wait_for("chat.update")  # the preview shows where it stands, not the draft
    bot.slack.wait_for("chat.postMessage", count=2)  # the preview, and the outbox's post
    time.sleep(0.2)  # room for a second channel post, were there one
    channel = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] == ANNOUNCEMENTS
    ]
    assert [c.args["text"] for c in channel] == ["Hall B"]


def test_an_audience_chosen_before_the_preview_was_saved_is_shown(bot: RunningBot) -> None:
    bot.store.register(user_id="U1", session_id="tue-racism", capacity=None)
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    broadcasts.choose_audience(broadcast_id=draft.id, audience="session:tue-racism")
    broadcasts.post_preview(draft, user_id=ORGANISER)
    (update,) = bot.slack.wait_for("chat.update")
    assert "Goes by DM to 1 person" in json.dumps(update.args["blocks"])


def test_send_twice_queues_each_message_once(bot: RunningBot) -> None:
    for user in ("U1", "U2"):
        bot.store.register(user_id=user, session_id="tue-racism", capacity=None)
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    broadcasts.choose_audience(broadcast_id=draft.id, audience="session:tue-racism")
    assert broadcasts.send(broadcast_id=draft.id)
    assert not broadcasts.send(broadcast_id=draft.id)
    assert bot.store.counts(kind=BROADCAST_KIND, subject=draft.id).total == 2


def test_an_unknown_audience_is_refused_and_nothing_changes(bot: RunningBot) -> None:
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    assert broadcasts.choose_audience(broadcast_id=draft.id, audience="session:nope") is None
    assert bot.store.broadcast(broadcast_id=draft.id) == draft


def test_history_is_what_went_out_however_many_drafts_came_after(bot: RunningBot) -> None:
    broadcasts = bot.parts.broadcasts
    sent = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    assert broadcasts.send(broadcast_id=sent.id)
    for n in range(12):
        broadcasts.draft(organiser_id=ORGANISER, text=f"Draft {n}")
    assert [b.id for b in broadcasts.history(limit=10)] == [sent.id]


def test_a_progress_count_held_up_on_its_way_never_covers_the_final_one(bot: RunningBot) -> None:
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    broadcasts.post_preview(draft, user_id=ORGANISER)
    sending = bot.store.change_broadcast(
        broadcast_id=draft.id, when=("draft",), changes={"status": "sending", "recipients": 2}
    )
    assert sending is not None
    bot.slack.hang("chat.update", 1.0)  # the progress redraw is slow to reach Slack
    progress = threading.Thread(target=broadcasts.show_preview, args=(sending,),
                                kwargs={"progress": True})  # fmt: skip
    progress.start()
    time.sleep(0.2)
    sent = bot.store.change_broadcast(
        broadcast_id=draft.id, when=("sending",), changes={"status": "sent", "delivered": 2}
    )
    assert sent is not None
    broadcasts.show_preview(sent)  # the final redraw
    progress.join()
    updates = bot.slack.wait_for("chat.update", count=2)
    assert "(sent)" in updates[-1].args["text"]  # the last to arrive is the final count
