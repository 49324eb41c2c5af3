"""The dashboard's figures, from the real services on an in-memory store (the bot built as
`python -m bot` builds it, not started: nothing is sent, so the outbox holds what each test
puts there): each number equals what the features themselves say."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import Bot, build_bot
from bot.broadcasts.audiences import SESSION
from bot.dashboard.figures import (
    HOUR,
    KIND_NAMES,
    MINUTE,
    SESSION_KINDS,
    Places,
    Taken,
    broadcasts_figures,
    days_taken,
    health_figures,
    session_figures,
    taken_by_day,
    taken_precision,
    undelivered,
    week_figures,
)
from bot.feedback.records import FEEDBACK
from bot.feedback.service import FeedbackService
from bot.outbox.records import aware
from bot.programme import Event, Programme, Session, load_programme
from bot.records import BROADCAST_KIND, Entry, Feedback, MemoryStore
from bot.registrations import PROMOTION
from bot.registrations.news import CHANGE
from bot.reminders.jobs import REMINDER, STARTING_SOON
from bot.standin.fake_slack import FakeSlack
from tests.conftest import ORGANISER, Clock, bot_settings

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2023, 3, 21, 13, 0, tzinfo=LONDON)  # Tuesday: Monday's sessions are over

SCRIPT = "mon-script"  # Monday 10:00, 3 places, over
OPEN = "mon-open"  # Monday 14:00, no limit, over
SMALL = "wed-small"  # Wednesday 15:00, 1 place
LATER = "thu-later"  # Thursday 10:00, no limit, nobody registers
ODD = "fri odd/1?"  # an id that must be quoted in a link

NAMES = {"U1": "Zoë Ellis", "U2": "Łukasz Nowak", "U4": "Siobhán <b>Ó</b> Briain"}


def london(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, 3, day, hour, minute, tzinfo=LONDON)


def _session(sid: str, title: str, start: datetime, **extra: Any) -> dict[str, Any]:
    end = start + timedelta(hours=1)
    return {"id": sid, "title": title, "start": start.isoformat(), "end": end.isoformat(),
            "location": "Leeds"} | extra  # fmt: skip


WEEK = [
    _session(SCRIPT, "<script>alert(1)</script>", london(20, 10), capacity=3),
    _session(OPEN, "Zoë's open forum", london(20, 14)),
    _session(SMALL, "Court skills & <b>evidence</b>", london(22, 15), capacity=1),
    _session(LATER, "Peer support", london(23, 10)),
    _session(ODD, "Odd one", london(24, 10), capacity=5),
]


def write_week(path: Path, sessions: Sequence[dict[str, Any]] = tuple(WEEK)) -> Path:
    event = {"name": "Social Work Week <2023>", "timezone": "Europe/London"}
    path.write_text(json.dumps({"event": event, "sessions": list(sessions)}))
    return path


def names(user_ids: Sequence[str]) -> Mapping[str, str]:
    """Slack's display names, as the dashboard's `names` gives them: some ids unknown."""
    return {user: NAMES[user] for user in user_ids if user in NAMES}


def fill(store: MemoryStore, programme: Programme) -> None:
    """Registrations taken over two weeks, a waitlist, and feedback."""
    capacity = {session.id: session.capacity for session in programme.sessions}

    def register(user: str, sid: str, at: datetime) -> None:
        store.register(user_id=user, session_id=sid, capacity=capacity[sid], at=at)

    register("U1", SCRIPT, london(10, 9))
    register("U2", SCRIPT, london(12, 23, 30))
    register("U5", SCRIPT, london(20, 10, 30))  # after it started: not in anyone's CPD
    for user in ("U1", "U2", "U3"):
        register(user, OPEN, london(19, 8))
    register("U1", SMALL, london(12, 9))
    register("U2", SMALL, london(13, 9))  # waiting, first
    register("U4", SMALL, london(14, 9))  # waiting, second
    register("U3", ODD, london(21, 12))

    def answer(user: str, sid: str, **fields: Any) -> None:
        store.save_feedback(feedback=Feedback(user_id=user, session_id=sid, at=NOW, **fields))

    answer("U1", SCRIPT, rating=5, learnt="<script>alert(2)</script>", share=True)
    answer("U2", SCRIPT, attended=False)
    answer("U5", SCRIPT, rating=3, learnt="Kept to myself")
    answer("U2", OPEN, rating=5, learnt="Zebras, and when to ask", share=True)
    answer("U3", OPEN, rating=4, learnt="Apples", share=True)
    answer("U1", OPEN, rating=2, learnt="  ", share=True)  # nothing written: nothing shared


@dataclass
class Built:
    parts: Bot
    store: MemoryStore
    feedback: FeedbackService
    clock: Clock

    @property
    def programme(self) -> Programme:
        return self.parts.current.programme


@pytest.fixture
def built(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Built]:
    """The bot as the app builds it, on the in-memory store, with the week filled in."""
    path = write_week(tmp_path / "programme.json")
    settings = bot_settings(fake_slack, tmp_path, programme_path=path)
    programme, _ = load_programme(path)
    store, clock = MemoryStore(), Clock(now=NOW)
    parts = build_bot(settings, programme, store, clock=clock)
    fill(store, programme)
    try:
        yield Built(parts, store, FeedbackService(store=store, current=parts.current,
                                                  clock=clock), clock)  # fmt: skip
    finally:
        parts.close()


# --- the week -----------------------------------------------------------------------------------


def test_each_sessions_places_are_what_the_registrations_count(built: Built) -> None:
    week = week_figures(built.programme, registrations=built.parts.registrations,
                        times=built.store)  # fmt: skip
    assert [places.session.id for places in week.sessions] == [s["id"] for s in WEEK]
    for places in week.sessions:
        counted = built.parts.registrations.counts(session_id=places.session.id)
        assert (places.registered, places.waiting) == counted
    by_id = {places.session.id: places for places in week.sessions}
    assert (by_id[SCRIPT].registered, by_id[SCRIPT].left, by_id[SCRIPT].full) == (3, 0, True)
    assert (by_id[SMALL].registered, by_id[SMALL].waiting, by_id[SMALL].full) == (1, 2, True)
    assert (by_id[ODD].left, by_id[ODD].full) == (4, False)
    assert (week.registered, week.waiting) == (8, 2)
    assert [p.session.id for p in week.full] == [SCRIPT, SMALL]
    assert [p.session.id for p in week.waitlists] == [SMALL]


def test_a_session_without_a_limit_has_no_places_left_and_is_never_full(built: Built) -> None:
    week = week_figures(built.programme, registrations=built.parts.registrations,
                        times=built.store)  # fmt: skip
    unlimited = next(p for p in week.sessions if p.session.id == OPEN)
    assert unlimited.capacity is None and unlimited.registered == 3
    assert unlimited.left is None and not unlimited.full


def test_a_session_given_fewer_places_than_it_has_registrants_has_none_left(
    built: Built,
) -> None:
    fewer = _session_of(built, SCRIPT).model_copy(update={"capacity": 2})
    places = Places(fewer, registered=3, waiting=0)  # nobody loses their place
    assert (places.left, places.full) == (0, True)


def test_days_add_up_the_sessions_starting_on_them(built: Built) -> None:
    week = week_figures(built.programme, registrations=built.parts.registrations,
                        times=built.store)  # fmt: skip
    days = {day.day.isoformat(): day for day in week.days}
    assert list(days) == ["2023-03-20", "2023-03-22", "2023-03-23", "2023-03-24"]
    monday = days["2023-03-20"]
    assert (monday.sessions, monday.registered, monday.waiting, monday.full) == (2, 6, 0, 1)
    assert sum(day.registered for day in week.days) == week.registered


def test_registrations_over_time_are_the_places_held_by_the_day_each_was_taken(
    built: Built,
) -> None:
    week = week_figures(built.programme, registrations=built.parts.registrations,
                        times=built.store)  # fmt: skip
    taken = {item.day.isoformat(): item.count for item in week.taken}
    assert sum(taken.values()) == week.registered  # waiting people hold no place yet
    assert list(taken)[0] == "2023-03-10" and list(taken)[-1] == "2023-03-21"
    assert len(taken) == 12  # every day between, a day with none as 0
    assert (taken["2023-03-10"], taken["2023-03-11"], taken["2023-03-12"]) == (1, 0, 2)
    assert (taken["2023-03-19"], taken["2023-03-20"], taken["2023-03-21"]) == (3, 1, 1)


class Times:
    """Registration times given outright, for the days' edges."""

    def __init__(self, times: Mapping[str, dict[str, datetime]]) -> None:
        self.times = times

    def registered_at(self, *, session_id: str) -> dict[str, datetime]:
        return self.times.get(session_id, {})

    def taken_at(
        self, *, session_ids: Collection[str], length: int, held: int | None = None
    ) -> dict[str, int]:
        moments = (at for s in session_ids for at in self.times.get(s, {}).values())
        return dict(Counter(aware(moment)[:length] for moment in moments))


def test_a_place_counts_on_its_day_in_the_events_timezone_not_utc() -> None:
    warsaw = Programme(
        event=Event(name="Tydzień", timezone="Europe/Warsaw"),
        sessions=(Session.model_validate({"id": "a", "title": "A",
                                          "start": "2023-03-27T10:00+02:00",
                                          "end": "2023-03-27T11:00+02:00"}),),
    )  # fmt: skip
    times = Times({"a": {
        "U1": datetime(2023, 3, 19, 22, 59, tzinfo=UTC),  # 23:59 in Warsaw (CET): the 19th
        "U2": datetime(2023, 3, 19, 23, 0, tzinfo=UTC),  # 00:00 in Warsaw: the 20th
        "U3": datetime(2023, 3, 26, 21, 59, tzinfo=UTC),  # 23:59 in Warsaw (CEST): the 26th
        "U4": datetime(2023, 3, 26, 22, 0, tzinfo=UTC),  # 00:00 in Warsaw: the 27th
    }})  # fmt: skip
    taken = taken_by_day(warsaw, times)
    assert days_taken(times.taken_at(session_ids=["a"], length=HOUR), warsaw.tz) == taken
    counts = {item.day.isoformat(): item.count for item in taken}
    assert counts["2023-03-19"] == 1 and counts["2023-03-20"] == 1
    assert counts["2023-03-26"] == 1 and counts["2023-03-27"] == 1
    assert sum(counts.values()) == 4 and len(counts) == 9


def test_the_week_counts_when_places_were_taken_exactly_as_reading_them_would(
    built: Built,
) -> None:
    def look(programme: Programme) -> tuple[Taken, ...]:
        week = week_figures(programme, registrations=built.parts.registrations,
                            times=built.store)  # fmt: skip
        return week.taken

    assert look(built.programme) == taken_by_day(built.programme, built.store)
    before = look(built.programme)
    # U3 leaves the unlimited session and U8 takes a place: the counts are as they were.
    built.store.unregister(user_id="U3", session_id=OPEN, capacity=None, at=NOW)
    built.store.register(user_id="U8", session_id=OPEN, capacity=None, at=NOW + timedelta(days=2))
    after = look(built.programme)
    assert after != before and after == taken_by_day(built.programme, built.store)
    assert after[-1] == Taken((NOW + timedelta(days=2)).date(), 1)
    # A session the programme no longer has: its places are not counted.
    fewer = built.programme.model_copy(update={"sessions": built.programme.sessions[1:]})
    assert look(fewer) == taken_by_day(fewer, built.store)
    assert sum(t.count for t in look(built.programme)) - sum(t.count for t in look(fewer)) == 3


def test_days_taken_counts_each_moment_on_its_day_in_any_timezone() -> None:
    def taken(tz: ZoneInfo, *moments: datetime) -> tuple[Taken, ...]:
        """As the week counts them: by the hour or minute `taken_precision` chooses."""
        length = taken_precision(tz, 2023)
        return days_taken(Counter(aware(moment)[:length] for moment in moments), tz)

    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: a minute decides the day
    assert taken_precision(kolkata, 2023) == MINUTE
    days = taken(kolkata, datetime(2023, 3, 19, 18, 29, 59, 999999, tzinfo=UTC),
                 datetime(2023, 3, 19, 18, 30, tzinfo=UTC),
                 datetime(2023, 3, 19, 18, 30, 1, tzinfo=UTC))  # fmt: skip
    assert days == (Taken(date(2023, 3, 19), 1), Taken(date(2023, 3, 20), 2))
    warsaw = ZoneInfo("Europe/Warsaw")  # across the change to summer time
    assert taken_precision(warsaw, 2023) == HOUR
    days = taken(warsaw, datetime(2023, 3, 26, 21, 59, tzinfo=UTC),
                 datetime(2023, 3, 26, 22, 0, tzinfo=UTC))  # fmt: skip
    assert days == (Taken(date(2023, 3, 26), 1), Taken(date(2023, 3, 27), 1))
    assert taken_precision(ZoneInfo("Australia/Lord_Howe"), 2023) == MINUTE  # +10:30 / +11
    assert taken(warsaw) == ()


def test_an_empty_programme_and_no_registrations_give_empty_figures(built: Built) -> None:
    empty = Programme(event=Event(name="Nothing", timezone="Europe/London"), sessions=())
    week = week_figures(empty, registrations=built.parts.registrations, times=built.store)
    assert (week.sessions, week.days, week.taken, week.registered) == ((), (), (), 0)
    assert taken_by_day(built.programme, Times({})) == ()
    assert week.busiest(10) == ()


def test_the_busiest_sessions_leave_out_those_nobody_registered_for(built: Built) -> None:
    week = week_figures(built.programme, registrations=built.parts.registrations,
                        times=built.store)  # fmt: skip
    busiest = week.busiest(3)
    assert [(p.session.id, p.registered) for p in busiest] == [(SCRIPT, 3), (OPEN, 3), (SMALL, 1)]
    assert LATER not in [p.session.id for p in week.busiest(10)]


# --- one session --------------------------------------------------------------------------------


def _session_of(built: Built, sid: str) -> Session:
    return built.programme.by_id[sid]


def test_registrants_and_waitlist_in_order_with_names_or_ids(built: Built) -> None:
    figures = session_figures(built.programme, _session_of(built, SMALL), records=built.store,
                              names=names, now=NOW)  # fmt: skip
    assert [(p.user_id, p.name) for p in figures.registrants] == [("U1", "Zoë Ellis")]
    assert figures.registrants[0].since == london(12, 9)
    assert [(p.user_id, p.name) for p in figures.waitlist] == [
        ("U2", "Łukasz Nowak"), ("U4", "Siobhán <b>Ó</b> Briain"),
    ]  # fmt: skip
    seat = built.parts.registrations.seat(user_id="U4", session_id=SMALL)
    assert seat.position == 2  # what /mysessions tells U4
    assert figures.places.registered == 1 and figures.places.waiting == 2
    opened = session_figures(built.programme, _session_of(built, OPEN), records=built.store,
                             names=names, now=NOW)  # fmt: skip
    assert [p.name for p in opened.registrants] == ["Zoë Ellis", "Łukasz Nowak", "U3"]
    assert opened.registrants == tuple(
        p for p in opened.registrants
        if p.user_id in built.parts.registrations.registrants(session_id=OPEN)
    )  # fmt: skip


def test_feedback_is_summarised_as_announce_feedback_summarises_it(built: Built) -> None:
    summaries = {s.session.id: s for s in built.feedback.summaries()}
    for sid in (SCRIPT, OPEN):
        figures = session_figures(built.programme, _session_of(built, sid), records=built.store,
                                  names=names, now=NOW)  # fmt: skip
        assert figures.feedback == summaries[sid]
    script = summaries[SCRIPT]
    assert (script.answers, script.ratings, script.absent) == (3, (0, 0, 1, 0, 1), 1)
    later = session_figures(built.programme, _session_of(built, LATER), records=built.store,
                            names=names, now=NOW)  # fmt: skip
    assert later.feedback is None and LATER not in summaries


def test_the_reflections_shown_are_those_in_the_organisers_csv(built: Built) -> None:
    csv_rows = list(csv.reader(io.StringIO(built.feedback.shared_csv())))[1:]
    for sid in (SCRIPT, OPEN, SMALL):
        figures = session_figures(built.programme, _session_of(built, sid), records=built.store,
                                  names=names, now=NOW)  # fmt: skip
        assert list(figures.reflections) == [row[3] for row in csv_rows if row[0] == sid]
    script = session_figures(built.programme, _session_of(built, SCRIPT), records=built.store,
                             names=names, now=NOW)  # fmt: skip
    assert script.reflections == ("<script>alert(2)</script>",)  # not "Kept to myself"
    opened = session_figures(built.programme, _session_of(built, OPEN), records=built.store,
                             names=names, now=NOW)  # fmt: skip
    assert opened.reflections == ("Apples", "Zebras, and when to ask")  # not in order given


def test_attendance_is_who_has_the_session_in_their_cpd_record(built: Built) -> None:
    for sid, expected in ((SCRIPT, 1), (OPEN, 3)):
        figures = session_figures(built.programme, _session_of(built, sid), records=built.store,
                                  names=names, now=NOW)  # fmt: skip
        in_record = [
            user for user in ("U1", "U2", "U3", "U4", "U5")
            if sid in {row.session_id for row in built.feedback.record(user_id=user)}
        ]  # fmt: skip
        assert figures.attended == len(in_record) == expected
    # U2 said they didn't attend, U5 registered after the start: U1 alone.
    upcoming = session_figures(built.programme, _session_of(built, SMALL), records=built.store,
                               names=names, now=NOW)  # fmt: skip
    assert upcoming.attended is None


def _entry(kind: str, subject: str, recipient: str, version: str = "1") -> Entry:
    return Entry(kind, subject, recipient, version, NOW + timedelta(days=3), NOW)


def test_each_kind_of_message_about_a_session_is_counted_from_the_outbox(built: Built) -> None:
    store = built.store
    entries = [
        _entry(REMINDER, SMALL, "U1"),
        _entry(REMINDER, SMALL, "U9"),
        _entry(REMINDER, SMALL, "U1", "2"),
        _entry(STARTING_SOON, SMALL, "C0ANNOUNCE"),
        _entry(CHANGE, SMALL, "U2"),
        _entry(PROMOTION, SMALL, "U2"),
        _entry(FEEDBACK, SMALL, "U1"),
        _entry(REMINDER, OPEN, "U1"),  # another session's
    ]
    store.enqueue(entries=entries)
    for entry, status, detail in (
        (entries[0], "sent", ""),
        (entries[1], "failed", "user_not_found"),
        (entries[3], "sent", ""),
        (entries[4], "expired", "not sent by then"),
        (entries[6], "sent", ""),
        (entries[7], "sent", ""),
    ):
        store.settle(key=entry.key, status=status, at=NOW, detail=detail)  # type: ignore[arg-type]
    figures = session_figures(built.programme, _session_of(built, SMALL), records=store,
                              names=names, now=NOW)  # fmt: skip
    shown = {m.kind: m.counts for m in figures.messages}
    assert list(shown) == list(SESSION_KINDS)
    for kind in SESSION_KINDS:
        assert shown[kind] == store.counts(kind=kind, subject=SMALL)
    reminders = shown[REMINDER]
    assert (reminders.sent, reminders.failed, reminders.expired, reminders.pending) == (1, 1, 0, 1)
    assert (shown[CHANGE].expired, shown[PROMOTION].pending, shown[FEEDBACK].sent) == (1, 1, 1)
    assert [m.label for m in figures.messages] == [KIND_NAMES[k] for k in SESSION_KINDS]


# --- broadcasts and health ----------------------------------------------------------------------


def _broadcast(built: Built, text: str, audience: str) -> str:
    broadcasts = built.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text=text)
    broadcasts.choose_audience(broadcast_id=draft.id, audience=audience)
    assert broadcasts.send(broadcast_id=draft.id)
    return draft.id


def test_broadcasts_are_counted_as_announce_history_counts_them(built: Built) -> None:
    store, broadcasts = built.store, built.parts.broadcasts
    first = _broadcast(built, "Room change", SESSION + OPEN)
    built.clock.now = NOW + timedelta(minutes=5)
    second = _broadcast(built, "<b>Bring</b> a pen", SESSION + SCRIPT)
    keys = {e: f"{BROADCAST_KIND}|{first}|{e}|1" for e in ("U1", "U2", "U3")}
    store.settle(key=keys["U1"], status="sent", at=built.clock())
    store.settle(key=keys["U2"], status="failed", at=built.clock(), detail="user_not_found")
    store.settle(key=keys["U3"], status="expired", at=built.clock(), detail="not sent")
    broadcasts.resume()  # every message settled: the first is finished
    figures = broadcasts_figures(broadcasts, outbox=store, names=names, now=built.clock())
    history = broadcasts.history(limit=10)
    assert [item.broadcast.id for item in figures.broadcasts] == [b.id for b in history]
    assert [item.broadcast.id for item in figures.broadcasts] == [second, first]
    for item, counted in zip(figures.broadcasts, history, strict=True):
        assert (item.recipients, item.delivered) == (counted.recipients, counted.delivered)
        assert item.failed + item.expired == counted.failed
        assert item.audience == broadcasts.audience_labels()[counted.audience]
        assert item.organiser == ORGANISER  # no name known: the id
    newest, oldest = figures.broadcasts
    assert (oldest.broadcast.status, oldest.delivered, oldest.failed, oldest.expired) == (
        "sent", 1, 1, 1)  # fmt: skip
    assert (oldest.done, oldest.pending) == (3, 0)
    assert (newest.broadcast.status, newest.recipients, newest.pending, newest.done) == (
        "sending", 3, 3, 0)  # fmt: skip
    assert newest.audience == "Registrants of <script>alert(1)</script> (DM)"
    problems = {(u.kind, u.status, u.reason): u.count for u in figures.undelivered}
    assert problems == {(BROADCAST_KIND, "failed", "user_not_found"): 1,
                        (BROADCAST_KIND, "expired", ""): 1}  # fmt: skip


def test_a_channel_broadcast_with_nowhere_to_go_counts_as_the_history_does(built: Built) -> None:
    broadcasts = built.parts.broadcasts
    draft = broadcasts.draft(organiser_id="U1", text="To the channel")
    built.store.change_broadcast(broadcast_id=draft.id, when=("draft",), changes={
        "status": "sent", "recipients": 1, "failed": 1, "sent_at": NOW})  # fmt: skip
    figures = broadcasts_figures(broadcasts, outbox=built.store, names=names, now=NOW)
    (item,) = figures.broadcasts
    (counted,) = broadcasts.history(limit=10)
    assert (item.recipients, item.delivered, item.failed, item.expired) == (1, 0, 1, 0)
    assert item.failed + item.expired == counted.failed
    assert item.organiser == "Zoë Ellis"


def test_health_is_what_the_health_check_reports(built: Built) -> None:
    store = built.store
    entries = [_entry(REMINDER, SMALL, f"U{n}") for n in range(4)]
    store.enqueue(entries=entries)
    store.settle(key=entries[0].key, status="failed", at=NOW - timedelta(minutes=30),
                 detail="account_inactive")  # fmt: skip
    store.settle(key=entries[1].key, status="failed", at=NOW - timedelta(minutes=90),
                 detail="account_inactive")  # fmt: skip
    built.parts.outbox.last_sent = NOW - timedelta(minutes=2)
    figures = health_figures(built.parts.health, broadcasts=built.parts.broadcasts, now=NOW)
    healthy, report = built.parts.health.report()
    assert figures.ok == healthy and list(figures.problems) == report["problems"]
    assert figures.backlog == report["outbox_backlog"] == 2
    assert figures.last_accepted == NOW - timedelta(minutes=2)
    assert report["last_slack_message"] == figures.last_accepted.isoformat()
    assert (figures.sessions, figures.store, figures.scheduler) == (5, "taking changes", "stopped")
    # The last hour only: the failure 90 minutes ago is left out.
    assert [(u.kind, u.reason, u.count) for u in figures.undelivered] == [
        (REMINDER, "account_inactive", 1)
    ]


def test_problems_are_grouped_by_kind_status_and_reason_most_first() -> None:
    def settled(kind: str, status: str, detail: str, n: int) -> Entry:
        return Entry(kind, "s", f"U{n}", "1", NOW, NOW, status=status,  # type: ignore[arg-type]
                     settled_at=NOW, detail=detail)  # fmt: skip

    problems = [
        settled(REMINDER, "expired", "not sent by then", 1),
        settled(REMINDER, "expired", "not sent by then either", 2),
        settled(BROADCAST_KIND, "failed", "user_not_found", 3),
        settled("mystery", "failed", "", 4),
    ]
    grouped = undelivered(problems)
    assert [(u.kind, u.status, u.reason, u.count) for u in grouped] == [
        (REMINDER, "expired", "", 2),
        (BROADCAST_KIND, "failed", "user_not_found", 1),
        ("mystery", "failed", "", 1),
    ]
    assert grouped[2].label == "mystery" and grouped[0].label == "Reminders"


def test_taken_days_run_from_the_first_to_the_last_without_gaps() -> None:
    programme = Programme(
        event=Event(name="W", timezone="Europe/London"),
        sessions=tuple(Session.model_validate({"id": sid, "title": sid,
                                               "start": "2023-03-20T10:00Z",
                                               "end": "2023-03-20T11:00Z"}) for sid in "ab"),
    )  # fmt: skip
    times = Times({"a": {"U1": datetime(2023, 3, 1, 12, tzinfo=UTC)},
                   "b": {"U1": datetime(2023, 3, 4, 12, tzinfo=UTC),
                         "U2": datetime(2023, 3, 4, 13, tzinfo=UTC)}})  # fmt: skip
    taken = taken_by_day(programme, times)
    assert [(t.day.day, t.count) for t in taken] == [(1, 1), (2, 0), (3, 0), (4, 2)]
    assert all(isinstance(t, Taken) for t in taken)
