"""The privacy service on its own, against the in-memory store: what is kept, and forgetting
places in sessions the programme no longer has."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.current import CurrentProgramme
from bot.privacy import Held, Kept, Privacy
from bot.privacy.messages import erased_message, kept_lines
from bot.programme import Programme, Session, load_programme
from bot.records import Feedback, MemoryStore
from bot.signin.records import SignedIn
from tests.support.own_week import LUNCH, OTHER, SMALL, TUESDAY_1230, programme_path

__all__ = ["programme_path"]


def privacy_for(path: Path) -> tuple[Privacy, MemoryStore, CurrentProgramme, list[str]]:
    programme, _ = load_programme(path)
    store, current, touched = MemoryStore(), CurrentProgramme(programme), []
    privacy = Privacy(store=store, current=current, clock=lambda: TUESDAY_1230,
                      changed=lambda session: touched.append(session.id))  # fmt: skip
    return privacy, store, current, touched


def without(programme: Programme, session_id: str) -> Programme:
    sessions: tuple[Session, ...] = tuple(s for s in programme.sessions if s.id != session_id)
    return programme.model_copy(update={"sessions": sessions})


def test_what_is_kept_in_programme_order(programme_path: Path) -> None:
    privacy, store, _, _ = privacy_for(programme_path)
    assert privacy.kept(user_id="U1") == Kept()
    assert privacy.kept(user_id="U1").nothing
    store.register(user_id="U1", session_id=OTHER, capacity=1, at=TUESDAY_1230)
    store.register(user_id="U1", session_id=LUNCH, capacity=None, at=TUESDAY_1230)
    store.register(user_id="U2", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    store.register(user_id="U1", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    store.set_reminders(user_id="U1", offsets=())
    store.save_feedback(feedback=Feedback("U1", LUNCH, TUESDAY_1230, change="More questions"))
    kept = privacy.kept(user_id="U1")
    assert kept == Kept(
        registered=(Held(LUNCH, "Lunch and learn"), Held(OTHER, "Peer support")),
        waiting=(Held(SMALL, "Court skills"),),
        reminders=(),
        feedback=1,
        reflections=1,
    )
    assert not kept.nothing


def test_a_place_in_a_session_no_longer_in_the_programme_goes_to_nobody(
    programme_path: Path,
) -> None:
    privacy, store, current, touched = privacy_for(programme_path)
    store.register(user_id="U1", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    store.register(user_id="U2", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    current.use(without(current.programme, SMALL))  # cancelled by the organisers
    assert privacy.kept(user_id="U1").registered == (Held(SMALL, "Court skills"),)
    erased = privacy.forget(user_id="U1")
    assert erased.forgotten.registered == (SMALL,) and erased.forgotten.promoted == {}
    assert store.registrants(session_id=SMALL) == []  # nobody moved into a cancelled session
    assert store.waitlist(session_id=SMALL) == ["U2"]
    assert touched == [SMALL]  # its cards now show it cancelled
    assert store.backlog() == 0  # and nobody is told of a place


def test_forgetting_twice_changes_nothing_the_second_time(programme_path: Path) -> None:
    privacy, store, _, touched = privacy_for(programme_path)
    store.register(user_id="U1", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    store.register(user_id="U2", session_id=SMALL, capacity=1, at=TUESDAY_1230)
    first = privacy.forget(user_id="U1")
    assert first.forgotten.promoted == {SMALL: "U2"}
    assert store.backlog() == 1  # U2's news, in the same step
    second = privacy.forget(user_id="U1")
    assert second.kept.nothing and second.forgotten.promoted == {}
    assert touched == [SMALL]


def test_a_dashboard_sign_in_is_listed_and_forgotten(programme_path: Path) -> None:
    privacy, store, _, _ = privacy_for(programme_path)
    until = TUESDAY_1230 + timedelta(hours=12)
    store.open_session(secret="s3cret", signed_in=SignedIn("U1", "Zoë", until), now=TUESDAY_1230)
    store.open_session(secret="other", signed_in=SignedIn("U2", "Ann", until), now=TUESDAY_1230)
    kept = privacy.kept(user_id="U1")
    assert kept == Kept(signed_in=1) and not kept.nothing
    assert kept_lines(kept) == ["• Signed in to the organisers' dashboard (1 browser)"]
    assert "your dashboard sign-in" in erased_message(privacy.forget(user_id="U1")).text
    assert privacy.kept(user_id="U1").nothing
    assert store.session_of(secret="s3cret", now=TUESDAY_1230) is None
    assert store.session_of(secret="other", now=TUESDAY_1230) is not None
