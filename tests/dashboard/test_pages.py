"""The dashboard's pages against the real bot (in-memory store, the fake Slack): the numbers
they show are those `/announce history`, `/announce feedback` and `/mysessions` give for the
same store; the CSVs are the files `/announce export` and `/announce feedback` send; every
title, name and reflection is shown as text; each chart's numbers are its table's; no script,
no style, nothing in a link that names an attendee."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.broadcasts.audiences import SESSION
from bot.dashboard import paths
from bot.dashboard.pages import Pages, ago_words, moment_words, notice_page
from bot.feedback.service import FeedbackService
from bot.programme import Event, Programme
from tests.conftest import ORGANISER, Clock, RunningBot
from tests.dashboard.test_charts import bars_of
from tests.dashboard.test_figures import (
    LATER,
    NAMES,
    NOW,
    ODD,
    OPEN,
    SCRIPT,
    SMALL,
    fill,
    names,
    write_week,
)
from tests.listeners.helpers import ack_body
from tests.support.waiting import wait_until

VIEWER = "Łukasz <i>Organiser</i>"


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    return write_week(tmp_path / "programme.json")


@pytest.fixture
def clock() -> Clock:
    return Clock(now=NOW)


def pages_of(bot: RunningBot) -> Pages:
    """The pages as the app would build them, over the bot's own services and store."""
    feedback = FeedbackService(store=bot.store, current=bot.parts.current, clock=bot.clock)
    return Pages(current=bot.parts.current, registrations=bot.parts.registrations,
                 broadcasts=bot.parts.broadcasts, feedback=feedback, health=bot.parts.health,
                 records=bot.store, names=names, clock=bot.clock)  # fmt: skip


@pytest.fixture
def pages(bot: RunningBot) -> Pages:
    """The pages, with the week's registrations, waitlist and feedback in the store."""
    fill(bot.store, bot.parts.current.programme)  # type: ignore[arg-type]
    return pages_of(bot)


# --- reading a page -------------------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    rows: list[list[str]]  # the body's rows, each cell's text as a reader sees it
    at: int  # where it starts in the page


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._in: list[str] = []
        self._cell: list[str] | None = None
        self._body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(Table("", [], self.getpos()[0]))
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th", "caption"):
            self._cell = []
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body = False
        elif tag in ("td", "th") and self._cell is not None and self._body:
            self.tables[-1].rows[-1].append(" ".join("".join(self._cell).split()))
        elif tag == "caption" and self._cell is not None:
            self.tables[-1].caption = " ".join("".join(self._cell).split())
        if tag in ("td", "th", "caption"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str) -> list[Table]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def table(page: str, caption: str) -> Table:
    return next(t for t in tables(page) if caption in t.caption)


def charts(page: str) -> list[tuple[str, int]]:
    """Each chart's text, and the line it starts on."""
    return [(m.group(0), page.count("\n", 0, m.start()) + 1)
            for m in re.finditer(r"<svg\b.*?</svg>", page, re.DOTALL)]  # fmt: skip


def number(text: str) -> int:
    return int(text.replace(",", ""))


def links(page: str) -> list[str]:
    """Every place the page links or posts to (its icon, drawn from `data:`, is none)."""
    found = [unescape(m) for m in re.findall(r'(?:href|action)="([^"]*)"', page)]
    return [link for link in found if link != "data:,"]


# --- the numbers are the features' numbers --------------------------------------------------------


def test_the_week_shows_each_sessions_places_as_the_registrations_count_them(
    bot: RunningBot, pages: Pages
) -> None:
    page = pages.week(viewer=VIEWER)
    rows = table(page, "in programme order").rows
    programme = bot.parts.current.programme
    assert [row[0] for row in rows] == [s.title for s in programme.sessions]  # as text
    counts = bot.parts.registrations.counts_of([s.id for s in programme.sessions])
    for row, session in zip(rows, programme.sessions, strict=True):
        registered, waiting = counts[session.id]
        assert (number(row[2]), number(row[5])) == (registered, waiting)
        assert row[3] == (str(session.capacity) if session.capacity else "no limit")
    script, unlimited, small = rows[0], rows[1], rows[2]
    assert script[4] == "0 full" and small[4] == "0 full"
    assert unlimited[3:5] == ["no limit", "no limit"]  # never full, nothing "left"
    assert rows[4][4] == "4"
    sessions, registrations, waiting, full = re.findall(r"<dd>([\d,]+)</dd>", page)
    assert (sessions, registrations, waiting, full) == ("5", "8", "2", "2")
    full_rows = table(page, "full session").rows
    assert [row[0] for row in full_rows] == [programme.by_id[SCRIPT].title,
                                             programme.by_id[SMALL].title]  # fmt: skip


def test_a_session_lists_who_mysessions_says_holds_a_place_or_waits(
    bot: RunningBot, pages: Pages
) -> None:
    page = pages.session(SMALL, viewer=VIEWER)
    assert page is not None
    registered = table(page, "in the order they registered").rows
    waiting = table(page, "first in line first").rows
    assert [row[:2] for row in registered] == [["1", NAMES["U1"]]]
    assert registered[0][2] == moment_words(NOW.replace(day=12, hour=9), NOW.tzinfo)  # type: ignore[arg-type]
    assert [row[:2] for row in waiting] == [["1", NAMES["U2"]], ["2", NAMES["U4"]]]
    # What each of them is told by /mysessions.
    told = json.dumps(ack_body(bot.send.command("/mysessions", "", user_id="U4")))
    assert "On the waitlist, number 2" in told
    told = json.dumps(ack_body(bot.send.command("/mysessions", "", user_id="U2")))
    assert "On the waitlist, number 1" in told
    # Every session U1's /mysessions lists, and no other, lists Zoë.
    reply = ack_body(bot.send.command("/mysessions", "", user_id="U1"))
    held = [sid for sid in bot.parts.current.programme.by_id
            if NAMES["U1"] in (pages.session(sid, viewer=VIEWER) or "")]  # fmt: skip
    assert reply["text"] == f"You have {len(held)} sessions."
    assert held == [SCRIPT, OPEN, SMALL]


def test_the_session_shows_the_feedback_announce_feedback_shows(
    bot: RunningBot, pages: Pages
) -> None:
    reply = ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    lines = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert len(lines) == 2  # SCRIPT and OPEN have answers
    for sid, line in zip((SCRIPT, OPEN), lines, strict=True):
        answers, mean, rated = re.search(
            r"(\d+) answers? · mean ([\d.]+) of 5 from (\d+)", line
        ).groups()  # type: ignore[union-attr]
        stars = [int(n) for n in re.findall(r"\d★ (\d+)", line)]  # 5★ first
        absent = re.search(r"didn't attend (\d+)", line).group(1)  # type: ignore[union-attr]
        page = pages.session(sid, viewer=VIEWER)
        assert page is not None
        assert f"{answers} answer" in page
        assert f"mean rating {mean} of 5 from {rated};" in page
        assert f"didn't attend {absent}." in page
        assert [number(row[1]) for row in table(page, "Ratings").rows] == stars
    bot.slack.wait_for("files.completeUploadExternal")  # the CSV it sends afterwards


def test_the_broadcasts_are_those_announce_history_shows_with_the_same_numbers(
    bot: RunningBot, pages: Pages
) -> None:
    bot.slack.unreachable_users.add("U3")
    broadcasts = bot.parts.broadcasts
    for minutes, text, audience in ((0, "Room <b>change</b>", SESSION + OPEN),
                                    (5, "Pens", SESSION + SCRIPT)):  # fmt: skip
        bot.clock.now = NOW + timedelta(minutes=minutes)
        draft = broadcasts.draft(organiser_id=ORGANISER, text=text)
        broadcasts.choose_audience(broadcast_id=draft.id, audience=audience)
        assert broadcasts.send(broadcast_id=draft.id)
        wait_until(lambda d=draft.id: broadcasts.get(d).status == "sent", 8,  # type: ignore[misc, union-attr]
                   "the broadcast never finished")  # fmt: skip
    reply = ack_body(bot.send.command("/announce", "history", user_id=ORGANISER))
    said = re.findall(r"to (.+?): (\w+), ([\d,]+) delivered, ([\d,]+) failed",
                      json.dumps(reply["blocks"], ensure_ascii=False))  # fmt: skip
    assert len(said) == 2
    page = pages.broadcasts(viewer=VIEWER)
    shown = [t.rows[0] for t in tables(page) if t.caption == "Messages of this announcement"]
    assert len(shown) == len(said)
    for (audience, status, delivered, failed), row in zip(said, shown, strict=True):
        recipients, got, failed_here, expired, pending = (number(cell) for cell in row)
        assert got == number(delivered) and failed_here + expired == number(failed)
        assert pending == 0 and recipients == got + failed_here + expired
        assert f"to {unescape(audience)}: <strong>{status}</strong>" in unescape(page)
    assert [number(cell) for cell in shown[1]] == [3, 2, 1, 0, 0]  # U3 could not be reached
    assert "Registrants of &lt;script&gt;alert(1)&lt;/script&gt; (DM)" in page
    assert "Room &lt;b&gt;change&lt;/b&gt;" in page
    undelivered = table(page, "did not take").rows
    assert undelivered == [["Announcement messages", "failed: channel_not_found", "1"]]


def test_the_csvs_are_the_files_the_commands_send(bot: RunningBot, pages: Pages) -> None:
    ack_body(bot.send.command("/announce", "export", user_id=ORGANISER))
    bot.slack.wait_for("files.completeUploadExternal")
    (export,) = bot.slack.uploads.values()
    assert pages.registrants_csv() == export.decode()
    rows = list(csv.reader(io.StringIO(pages.registrants_csv())))
    assert rows[1][:2] == [SCRIPT, "'<script>alert(1)</script>"[1:]]  # nothing to defuse
    ack_body(bot.send.command("/announce", "feedback", user_id=ORGANISER))
    bot.slack.wait_for("files.completeUploadExternal", count=2)
    shared = [content for content in bot.slack.uploads.values() if content != export]
    assert [pages.feedback_csv().encode()] == shared
    assert "<script>alert(2)</script>" in pages.feedback_csv()  # a CSV is not HTML


def test_the_health_page_is_what_the_health_check_reports(bot: RunningBot, pages: Pages) -> None:
    bot.slack.unreachable_users.add("U2")
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id=ORGANISER, text="Hello")
    broadcasts.choose_audience(broadcast_id=draft.id, audience=SESSION + OPEN)
    assert broadcasts.send(broadcast_id=draft.id)
    assert bot.parts.settle()
    page = pages.health(viewer=VIEWER)
    healthy, report = bot.parts.health.report()
    rows = {row[0]: row[1] for row in table(page, "GET /healthz").rows}
    assert number(rows["Messages waiting to go (the outbox)"]) == report["outbox_backlog"] == 0
    last = bot.parts.outbox.last_sent
    assert last is not None
    assert rows["Slack last took a message"].startswith(moment_words(last, NOW.tzinfo))  # type: ignore[arg-type]
    assert rows["Messages Slack did not take in the last hour"] == "1"
    assert rows["Sessions in the programme"] == str(report["programme"]["sessions"])
    assert ("The bot is working." in page) == healthy
    assert table(page, "did not take").rows == [
        ["Announcement messages", "failed: channel_not_found", "1"]
    ]


# --- drawn safely -------------------------------------------------------------------------------


def every_page(pages: Pages) -> dict[str, str]:
    drawn = {"week": pages.week(viewer=VIEWER), "broadcasts": pages.broadcasts(viewer=VIEWER),
             "health": pages.health(viewer=VIEWER)}  # fmt: skip
    for sid in (SCRIPT, OPEN, SMALL, LATER, ODD):
        drawn[sid] = pages.session(sid, viewer=VIEWER) or ""
    return drawn


def test_a_script_in_a_title_a_reflection_or_a_name_is_shown_as_text(pages: Pages) -> None:
    drawn = every_page(pages)
    for name, page in drawn.items():
        assert "<script" not in page.lower(), name
        assert "Social Work Week &lt;2023&gt;" in page
        assert "Signed in as <strong>Łukasz &lt;i&gt;Organiser&lt;/i&gt;</strong>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn["week"]
    script = drawn[SCRIPT]
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in script
    assert "<blockquote>&lt;script&gt;alert(2)&lt;/script&gt;</blockquote>" in script
    assert "Kept to myself" not in script  # not shared
    assert "Siobhán &lt;b&gt;Ó&lt;/b&gt; Briain" in drawn[SMALL]
    assert "Court skills &amp; &lt;b&gt;evidence&lt;/b&gt;" in drawn["week"]


def test_accented_names_are_shown_as_written(pages: Pages) -> None:
    page = pages.session(OPEN, viewer="Zoë")
    assert page is not None and '<meta charset="utf-8">' in page
    assert [row[1] for row in table(page, "in the order they registered").rows] == [
        "Zoë Ellis", "Łukasz Nowak", "U3",
    ]  # fmt: skip
    assert "Zoë&#39;s open forum" in page and "Signed in as <strong>Zoë</strong>" in page


def test_no_page_has_a_script_or_a_style_and_every_data_page_reloads_itself(
    pages: Pages,
) -> None:
    for name, page in every_page(pages).items():
        lowered = page.lower()
        assert "<script" not in lowered and "<style" not in lowered, name
        assert not re.search(r"\sstyle\s*=", lowered), name
        assert not re.search(r"\son[a-z]+\s*=", lowered), name  # no event handlers
        assert '<meta http-equiv="refresh" content="30">' in page
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert f'<link rel="stylesheet" href="{paths.STYLE}">' in page
        assert f'<form class="signout" method="post" action="{paths.SIGN_OUT}">' in page
        for path in (paths.WEEK, paths.BROADCASTS, paths.HEALTH, paths.REGISTRANTS_CSV,
                     paths.FEEDBACK_CSV):  # fmt: skip
            assert f'href="{path}"' in page
        assert '<span class="name">Organisers\' dashboard</span>' in page


def test_every_link_is_the_dashboards_and_none_names_an_attendee(pages: Pages) -> None:
    allowed = {paths.WEEK, paths.BROADCASTS, paths.HEALTH, paths.REGISTRANTS_CSV,
               paths.FEEDBACK_CSV, paths.STYLE, paths.SIGN_OUT}  # fmt: skip
    sessions = {paths.session_path(sid) for sid in (SCRIPT, OPEN, SMALL, LATER, ODD)}
    for name, page in every_page(pages).items():
        found = links(page)
        assert set(found) <= allowed | sessions, name
        assert not [link for link in found if re.search(r"U\d", link)]
    week = pages.week(viewer=VIEWER)
    assert f'href="{paths.session_path(ODD)}"' in week
    assert paths.session_path(ODD) == paths.SESSIONS + "fri%20odd%2F1%3F"


def test_each_charts_numbers_are_those_of_the_table_beside_it(pages: Pages) -> None:
    for name, page in every_page(pages).items():
        found = tables(page)
        for svg, line in charts(page):
            beside = next(t for t in found if t.at > line)  # the table after the chart
            assert bars_of(svg) == [(row[0], number(row[1])) for row in beside.rows], name
    week = pages.week(viewer=VIEWER)
    assert len(charts(week)) == 3  # by day, over time, the busiest
    script = pages.session(SCRIPT, viewer=VIEWER) or ""
    assert len(charts(script)) == 1  # the ratings


def test_a_session_without_a_limit_has_no_places_left_and_never_shows_full(
    pages: Pages,
) -> None:
    page = pages.session(OPEN, viewer=VIEWER)
    assert page is not None
    totals = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page))
    assert totals["Places"] == "no limit" and totals["Places left"] == "no limit"
    assert totals["Registrations"] == "3" and totals["Attended"] == "3"
    assert 'class="tag">full' not in page
    full = pages.session(SMALL, viewer=VIEWER) or ""
    assert dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", full))["Places left"] == (
        '0 <span class="tag">full</span>'
    )


def test_an_unknown_session_has_no_page(pages: Pages) -> None:
    assert pages.session("no-such-session", viewer=VIEWER) is None


# --- nothing yet ---------------------------------------------------------------------------------


def test_with_no_registrations_every_page_says_so(bot: RunningBot) -> None:
    pages = pages_of(bot)
    week = pages.week(viewer=VIEWER)
    assert "Nobody has registered yet." in week and "No session is full" in week
    assert re.findall(r"<dd>([\d,]+)</dd>", week) == ["5", "0", "0", "0"]
    assert len(charts(week)) == 1  # by day (all 0); nothing over time, no busiest
    session = pages.session(SMALL, viewer=VIEWER) or ""
    for said in ("Nobody is registered.", "Nobody is waiting.", "Nobody has answered yet.",
                 "Nobody has shared a reflection yet."):  # fmt: skip
        assert said in session
    assert "No announcements yet." in pages.broadcasts(viewer=VIEWER)
    assert "Everything went." in pages.health(viewer=VIEWER)
    assert pages.feedback_csv() == "session_id,title,date,what_i_learnt\r\n"


def test_an_empty_programme_shows_no_sessions_and_the_health_says_why(bot: RunningBot) -> None:
    pages = pages_of(bot)
    bot.parts.current.use(Programme(event=Event(name="Empty", timezone="Europe/London"),
                                    sessions=()))  # fmt: skip
    week = pages.week(viewer=VIEWER)
    assert "The programme has no sessions." in week and "<svg" not in week
    assert pages.registrants_csv().splitlines() == [
        "session_id,title,start,registered,waitlisted,registrants"
    ]
    health = pages.health(viewer=VIEWER)
    assert "the programme has no sessions" in health and "The bot is working." not in health
    assert pages.session(SMALL, viewer=VIEWER) is None


# --- the notice page ------------------------------------------------------------------------------


def test_a_notice_shows_its_words_and_a_link_and_no_data() -> None:
    action = ("get", "/organisers/signin?next=a&b", "Sign in with Slack")
    page = notice_page("Sign in", ["For organisers <only>.", "Zoë & Łukasz"], action=action)
    assert "<h1>Sign in</h1>" in page
    assert "<p>For organisers &lt;only&gt;.</p>" in page and "<p>Zoë &amp; Łukasz</p>" in page
    assert 'href="/organisers/signin?next=a&amp;b">Sign in with Slack</a>' in page
    assert links(page) == [paths.STYLE, "/organisers/signin?next=a&b"]  # no nav: not signed in
    for absent in ("refresh", "Signed in", "<nav", "<script", "<form", "style="):
        assert absent not in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_a_notice_with_a_post_action_is_a_one_button_form() -> None:
    page = notice_page("Signed out", [], action=("post", paths.SIGN_IN, "Sign in again"))
    form = re.search(r"<form[^>]*>.*?</form>", page, re.DOTALL)
    assert form is not None
    assert f'method="post" action="{paths.SIGN_IN}"' in form.group(0)
    assert form.group(0).count("<button") == 1 and "Sign in again" in form.group(0)
    plain = notice_page("Not for you", ["Only organisers can see this."])
    assert "<form" not in plain and "<a " not in plain and "Only organisers" in plain
    with pytest.raises(ValueError, match="get or post"):
        notice_page("x", [], action=("delete", "/", "x"))


def test_a_broadcast_still_sending_shows_its_progress(bot: RunningBot, pages: Pages) -> None:
    bot.slack.fail_for("chat.postMessage", 30)  # nothing goes for now
    broadcasts = bot.parts.broadcasts
    draft = broadcasts.draft(organiser_id="U1", text="Soon")
    broadcasts.choose_audience(broadcast_id=draft.id, audience=SESSION + OPEN)
    assert broadcasts.send(broadcast_id=draft.id)
    page = pages.broadcasts(viewer=VIEWER)
    assert '<progress max="3" value="0">' in page and "0 of 3 settled" in page
    assert "By Zoë Ellis to Registrants of Zoë&#39;s open forum (DM)" in page
    (row,) = [t.rows[0] for t in tables(page) if t.caption == "Messages of this announcement"]
    assert [number(cell) for cell in row] == [3, 0, 0, 0, 3]
    bot.slack.clear_faults()


def test_times_are_in_the_events_timezone_in_the_bots_words() -> None:
    london = ZoneInfo("Europe/London")
    assert moment_words(datetime(2023, 3, 27, 12, 30, tzinfo=UTC), london) == (
        "Mon 27 Mar, 13:30 BST"
    )
    assert moment_words(datetime(2023, 3, 21, 12, 30, tzinfo=UTC), london) == (
        "Tue 21 Mar, 12:30 GMT"
    )
    now = datetime(2023, 3, 21, 12, 0, tzinfo=UTC)
    said = [ago_words(now - timedelta(seconds=s), now) for s in (5, 60, 3599, 7200, 90000)]
    assert said == ["just now", "1 minute ago", "59 minutes ago", "2 hours ago", "1 day ago"]
