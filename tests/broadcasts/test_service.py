"""The broadcasts service against the fake Slack: every change is conditional on where the
broadcast stands, so presses that race the preview, or each other, never undo one another."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.broadcasts import service
from bot.outbox.updates import PacedUpdates
from bot.records import BROADCAST_KIND, Entry
from bot.store import StoreError
from tests.conftest import ANNOUNCEMENTS, ORGANISER, RunningBot
from tests.support.live_programme import wait_until


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
    assert bot.parts.settle()  # a second channel post, were there one, has gone too
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
    bot.slack.wait_holding("chat.update")  # the progress redraw is on its way
    sent = bot.store.change_broadcast(
        broadcast_id=draft.id, when=("sending",), changes={"status": "sent", "delivered": 2}
    )
    assert sent is not None
    broadcasts.show_preview(sent)  # the final redraw
    progress.join()
    updates = bot.slack.wait_for("chat.update", count=2)
    assert "(sent)" in updates[-1].args["text"]  # the last to arrive is the final count


def dm_draft(bot: RunningBot, people: int) -> str:
    for n in range(people):
        bot.store.register(user_id=f"U{n:03}", session_id="tue-racism", capacity=None)
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hall B")
    broadcasts.choose_audience(broadcast_id=draft.id, audience="session:tue-racism")
    return draft.id


def dms(bot: RunningBot) -> list[str]:
    posts = bot.slack.calls_to("chat.postMessage")
    return [c.args["channel"] for c in posts if c.args.get("text") == "Hall B"]


def test_a_large_fan_out_is_queued_in_chunks_and_finished_after_the_last(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "FANOUT_CHUNK", 3)
    writes: list[int] = []
    enqueue = bot.store.enqueue

    def counted(*, entries: Sequence[Entry]) -> list[Entry]:
        writes.append(len(entries))
        return enqueue(entries=entries)

    monkeypatch.setattr(bot.store, "enqueue", counted)
    broadcast_id = dm_draft(bot, 10)
    assert bot.parts.broadcasts.send(broadcast_id=broadcast_id)
    assert writes == [3, 3, 1]  # after the first 3, queued with the change to "sending"
    wait_until(lambda: len(dms(bot)) == 10, 10)
    wait_until(
        lambda: getattr(bot.store.broadcast(broadcast_id=broadcast_id), "status", "") == "sent", 5
    )
    assert sorted(dms(bot)) == [f"U{n:03}" for n in range(10)]
    final = bot.store.broadcast(broadcast_id=broadcast_id)
    assert final is not None and (final.recipients, final.delivered) == (10, 10)


def test_a_fan_out_cut_short_is_queued_after_a_restart_each_once(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "FANOUT_CHUNK", 4)
    enqueue = bot.store.enqueue

    def full_disk(*, entries: Sequence[Entry]) -> list[Entry]:
        raise StoreError("bot.json.journal: could not write (No space left on device)")

    monkeypatch.setattr(bot.store, "enqueue", full_disk)
    broadcast_id = dm_draft(bot, 10)
    assert bot.parts.broadcasts.send(broadcast_id=broadcast_id)
    wait_until(lambda: len(dms(bot)) == 4, 10)
    assert bot.parts.settle()
    current = bot.store.broadcast(broadcast_id=broadcast_id)
    assert current is not None and current.status == "sending"  # not finished: 6 not queued
    monkeypatch.setattr(bot.store, "enqueue", enqueue)  # room again; as at a restart:
    fresh = service.Broadcasts(
        store=bot.store, current=bot.parts.current, scheduler=bot.parts.scheduler,
        client=bot.app.client, channel=ANNOUNCEMENTS, expiry=timedelta(hours=1),
        clock=bot.clock, updates=PacedUpdates(store=bot.store, client=bot.app.client),
    )  # fmt: skip
    fresh.resume()
    wait_until(lambda: len(dms(bot)) == 10, 10)
    assert bot.parts.settle()
    assert sorted(dms(bot)) == [f"U{n:03}" for n in range(10)]  # each once
