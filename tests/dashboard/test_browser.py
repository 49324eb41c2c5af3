"""The organisers' dashboard in a real browser: headless Chromium, driven by Selenium, against
the bot served over HTTP on 127.0.0.1 (durable store) and the fake Slack.

The bot's `PUBLIC_URL` is the address it is served on, so the browser follows the real
redirects: the dashboard -> Slack's authorize page (the fake's) -> the bot's callback -> the
week. Before the browser opens, the week has real data, made through the bot's own services
and a signed slash command: registrations for sessions across the days (full ones with a
waitlist, a place given from one), feedback with reflections, and a broadcast. Every number
the pages show (each chart's bars, the table beside it, the totals, a session's registrants
and waitlist) is checked against the store; the stylesheet must apply with no complaint
about the Content-Security-Policy; the pages must fit a phone's width; signing out must ask
to sign in again.

The screenshots in the docs (`docs/dashboard-week.png`, `docs/dashboard-session.png`) are
taken here, every run, so they stay current: the data, the names and the clock are fixed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

from bot.broadcasts.records import BROADCAST_KIND
from bot.dashboard import paths
from bot.dates import day_name
from bot.feedback.service import FeedbackService
from bot.programme import Programme
from bot.records import open_store
from bot.server import EVENTS_PATH, wsgi_app
from bot.standin.fake_slack import FakeSlack
from tests.conftest import (
    LONDON,
    ORGANISER,
    ROOT,
    SIGNING_SECRET,
    TUESDAY_1PM,
    Clock,
    RunningBot,
    bot_settings,
    build_test_bot,
)
from tests.support.chrome import chrome_or_skip
from tests.support.slack_requests import SignedRequests
from tests.support.wsgi_server import WsgiServer

WEEK_PNG = ROOT / "docs" / "dashboard-week.png"
SESSION_PNG = ROOT / "docs" / "dashboard-session.png"
SCREENSHOT_WIDTH, SCREENSHOT_MOST = 1280, 3000
PHONE = (390, 844)

SMALLER = {"tue-amhp": 6, "wed-student-placements": 4, "fri-court-skills": 5}
"""Sessions of the shipped programme given fewer places, so that they fill up."""
SHOWN = "tue-amhp"  # over by the bot's Tuesday 13:00: full, a waitlist, feedback
ORGANISER_NAME = "Ama Mensah"
PEOPLE = {
    f"U1{n:02d}": name
    for n, name in enumerate([
        "Zoë Ødegård", "Siobhán O'Connor", "Priya Raghunathan", "Tomasz Wiśniewski",
        "Aisha Bello", "Gareth Llewellyn", "Mei Lin Chen", "Olumide Adeyemi", "Fatima Zahra",
        "Niamh Byrne", "Ravi Shankar", "Eilidh MacLeod", "Kwame Asante", "Hannah Schäfer",
        "José Álvarez", "Chloé Dubois", "Ibrahim Yusuf", "Beth Morgan", "Anya Petrova",
        "Declan Murphy", "Sunita Patel", "Lars Nyberg", "Grace Okafor", "Dylan Price",
    ], start=1)
}  # fmt: skip
IDS = list(PEOPLE)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2023, London time."""
    return datetime(2023, 3, day, hour, minute, tzinfo=LONDON)


# (when, session id, people): they register from then, in order, three minutes apart; past the
# capacity, they join the waitlist.
PLAN = [
    (at(16, 9, 10), "tue-amhp", IDS[0:5]),
    (at(16, 11, 40), "mon-supervision", IDS[5:12]),
    (at(16, 15, 5), "wed-student-placements", IDS[0:3]),
    (at(17, 10, 20), "tue-amhp", IDS[5:9]),  # one place left: three wait
    (at(17, 14, 0), "wed-student-placements", IDS[12:16]),  # one place left: three wait
    (at(17, 16, 30), "thu-cpd", IDS[3:15]),
    (at(20, 8, 45), "fri-court-skills", IDS[10:17]),  # five places: two wait
    (at(20, 12, 0), "tue-racism", IDS[0:16]),
    (at(20, 17, 15), "wed-kinship-care", IDS[16:22]),
    (at(21, 9, 0), "wed-digital-practice", IDS[2:10]),
    (at(21, 11, 30), "fri-coproduction", IDS[18:24]),
    (at(21, 12, 15), "thu-lgbtq", IDS[4:8]),
]
LEAVING = (at(21, 12, 40), "wed-student-placements", IDS[1])  # the first waiting gets it
RATINGS = {IDS[0]: 5, IDS[1]: 4, IDS[2]: 5, IDS[3]: 3, IDS[5]: 4}
ABSENT = IDS[4]
REFLECTIONS = {
    IDS[0]: "Hearing how another team runs its AMHP rota gave me ideas for ours.",
    IDS[2]: "The case study on a Sunday night assessment: plan the handover before you go.",
}
BROADCAST = "The Friday court skills session has moved to the Council House's Room 2."


# --- the bot, served where its PUBLIC_URL says --------------------------------------------


class Later:
    """A WSGI app given later: the server binds its port first, so that the bot's settings
    (its `PUBLIC_URL`) can name the address it is served on."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"not yet"]
        return self.app(environ, start_response)


@pytest.fixture
def programme_path(tmp_path: Path) -> Path:
    """The shipped programme, with fewer places in a few sessions."""
    shipped = json.loads((ROOT / "programme.json").read_text())
    for session in shipped["sessions"]:
        session["capacity"] = SMALLER.get(session["id"], session.get("capacity"))
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(shipped))
    return path


@pytest.fixture
def site(fake_slack: FakeSlack, tmp_path: Path, programme_path: Path) -> Iterator[RunningBot]:
    """The bot as `served_bot` runs it (durable store), served at its own `PUBLIC_URL`."""
    clock = Clock(now=PLAN[0][0])
    later = Later()
    with WsgiServer(later) as server:
        settings = bot_settings(
            fake_slack, tmp_path, programme_path=programme_path,
            slack_client_id=fake_slack.client_id, slack_client_secret=fake_slack.client_secret,
            public_url=server.base_url,
        )  # fmt: skip
        parts = build_test_bot(fake_slack, settings, open_store(settings.database_path), clock)
        try:
            later.app = wsgi_app(
                parts.app, signing_secret=SIGNING_SECRET, health=parts.health,
                calendar=parts.calendar.feed, dashboard=parts.dashboard.respond,
            )  # fmt: skip
            send = SignedRequests(server.base_url + EVENTS_PATH, SIGNING_SECRET,
                                  response_url=fake_slack.response_url)  # fmt: skip
            yield RunningBot(fake_slack, send, parts, clock, parts.app, settings)
        finally:
            parts.close()


def make_the_week(site: RunningBot) -> str:
    """Registrations over several days, a place given from a waitlist, a signed slash
    command, feedback and a broadcast, each at its fixed moment; the broadcast's id."""
    for user, name in PEOPLE.items():
        site.slack.users[user] = {"real_name": name}
    site.slack.users[ORGANISER] = {"real_name": ORGANISER_NAME}
    parts, clock = site.parts, site.clock
    by_id = parts.current.programme.by_id
    for when, session_id, people in PLAN:
        for n, user in enumerate(people):
            clock.now = when + timedelta(minutes=3 * n)
            parts.registrations.register(user_id=user, session=by_id[session_id])
    clock.now, session_id, user = LEAVING
    parts.registrations.unregister(user_id=user, session=by_id[session_id])

    clock.now = at(21, 12, 50)
    answer = site.send.command("/register", "wed-stereotypes", user_id=IDS[23])
    assert answer.status == 200 and "registered" in answer.body, answer.body

    clock.now = TUESDAY_1PM
    parts.feedback.run(SHOWN)  # the feedback requests, after the session
    feedback = FeedbackService(store=parts.store, current=parts.current, clock=clock)
    for user, rating in RATINGS.items():
        feedback.rate(user_id=user, session_id=SHOWN, rating=rating)
    feedback.absent(user_id=ABSENT, session_id=SHOWN)
    for user, text in REFLECTIONS.items():
        feedback.reflect(user_id=user, session_id=SHOWN, learnt=text, change="", share=True)

    draft = parts.broadcasts.draft(organiser_id=ORGANISER, text=BROADCAST)
    assert parts.broadcasts.choose_audience(
        broadcast_id=draft.id, audience="session:fri-court-skills"
    )
    assert parts.broadcasts.send(broadcast_id=draft.id)
    assert parts.settle(), "the messages did not all go"
    return draft.id


# --- reading the pages ---------------------------------------------------------------------

READ_CHARTS = """
const text = (node) => node ? node.textContent.replace(/\\s+/g, ' ').trim() : '';
const tableOf = (table) => table && {
  caption: text(table.querySelector('caption')),
  head: Array.from(table.querySelectorAll('thead th')).map(text),
  rows: Array.from(table.querySelectorAll('tbody tr')).map(
    (row) => Array.from(row.children).map(text)),
};
return Array.from(document.querySelectorAll('main svg')).map((svg) => {
  const following = document.evaluate('following::table[1]', svg, null,
    XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
  const bars = Array.from(svg.querySelectorAll('g')).filter(
    (g) => g.querySelector(':scope > title') && g.querySelector('rect'));
  return {
    name: svg.getAttribute('aria-label') || text(svg.querySelector(':scope > title')),
    table: tableOf(following),
    bars: bars.map((g) => {
      const box = g.querySelector('rect').getBBox();
      const value = g.querySelector('text.value');
      return {title: text(g.querySelector(':scope > title')), shown: value ? text(value) : null,
              width: box.width, height: box.height};
    }),
  };
});
"""

READ_TABLE_AFTER = """
const text = (node) => node ? node.textContent.replace(/\\s+/g, ' ').trim() : '';
const table = arguments[0];
return {
  caption: text(table.querySelector('caption')),
  head: Array.from(table.querySelectorAll('thead th')).map(text),
  rows: Array.from(table.querySelectorAll('tbody tr')).map(
    (row) => Array.from(row.children).map(text)),
};
"""


def number(text: str) -> int:
    """`1,234` -> 1234."""
    found = re.fullmatch(r"\s*(\d[\d,]*)\b.*", text)
    assert found, f"not a number: {text!r}"
    return int(found.group(1).replace(",", ""))


def bars_of(chart: dict[str, Any]) -> dict[str, int]:
    """A chart's bars as drawn: {label: value} from each bar's title ("label: value"),
    checked against the value written beside the bar, and the bars' lengths against the
    values (in proportion, one longest bar)."""
    found: dict[str, int] = {}
    for bar in chart["bars"]:
        label, _, value = bar["title"].rpartition(": ")
        found[label] = number(value)
        if bar["shown"] is not None:
            assert number(bar["shown"]) == found[label], bar
    values = [found[bar["title"].rpartition(": ")[0]] for bar in chart["bars"]]
    most = max(values, default=0)
    if most:
        proportional = [
            all(abs(bar[side] - value / most * max(b[side] for b in chart["bars"])) < 1.0
                for bar, value in zip(chart["bars"], values, strict=True))
            for side in ("width", "height")
        ]  # fmt: skip
        assert any(proportional), f"{chart['name']}: bars not in proportion to {values}"
    return found


def column(table: dict[str, Any], heading: str) -> dict[str, int]:
    """{row's header: number} from the column whose heading starts with `heading`."""
    (index,) = [i for i, head in enumerate(table["head"]) if head.startswith(heading)]
    return {row[0]: number(row[index]) for row in table["rows"]}


def chart_named(charts: list[dict[str, Any]], *words: str) -> dict[str, Any]:
    (chart,) = [c for c in charts if all(w in c["name"].lower() for w in words)]
    return chart


def table_after(driver: Chrome, heading: str) -> dict[str, Any]:
    """The table following the `h2` that starts with `heading`."""
    path = f"//h2[starts-with(normalize-space(), '{heading}')]/following::table[1]"
    table: WebElement = driver.find_element(By.XPATH, path)
    result: dict[str, Any] = driver.execute_script(READ_TABLE_AFTER, table)
    return result


def totals(driver: Chrome) -> dict[str, str]:
    """The page's figures in its description list: {term: description}."""
    terms = driver.find_elements(By.CSS_SELECTOR, "dl dt")
    return {term.text.strip(): term.find_element(By.XPATH, "following-sibling::dd[1]").text
            for term in terms}  # fmt: skip


def problems_in_console(driver: Chrome) -> list[str]:
    """What the console said about the Content-Security-Policy, a resource that failed to
    load (but the 401 of a page before sign-in) or a script error. (The pages name their
    icon, so the browser does not ask the site's root for one.)"""
    found = []
    for entry in driver.get_log("browser"):
        message = str(entry.get("message", ""))
        policy = "Content Security Policy" in message or "Content-Security-Policy" in message
        expected = "status of 401" in message
        if policy or (entry.get("level") == "SEVERE" and not expected):
            found.append(message)
    return found


def follow(driver: Chrome, by: str, what: str) -> None:
    """Click the link or button found `by` `what`, and wait for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, what).click()
    # Asked about the old page while it is being replaced, ChromeDriver may answer "Node with
    # given id does not belong to the document" rather than that it is stale: ask again.
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(staleness_of(page))
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def stylesheet_applied(driver: Chrome) -> None:
    """The stylesheet loaded (rules readable from it) and its rules are in force: the body
    has no margin (a browser's own is 8 px), the header a background of its own."""
    rules = driver.execute_script(
        "return Array.from(document.styleSheets).map(s => [s.href, s.cssRules.length])"
    )
    assert [h for h, count in rules if (h or "").endswith(paths.STYLE) and count > 5], rules
    assert driver.execute_script("return getComputedStyle(document.body).marginLeft") == "0px"
    header = driver.find_element(By.CSS_SELECTOR, "header")
    assert header.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "")


def fits_a_phone(driver: Chrome) -> None:
    """At a phone's width the page does not scroll sideways (wide tables scroll within)."""
    size = driver.get_window_size()
    driver.set_window_size(*PHONE)
    try:
        inner = driver.execute_script("return window.innerWidth")
        assert inner == PHONE[0], inner
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= inner, f"{driver.title}: {wide} px wide on a {inner} px screen"
    finally:
        driver.set_window_size(size["width"], size["height"])


def screenshot(driver: Chrome, path: Path) -> None:
    """The whole page (up to `SCREENSHOT_MOST` pixels high), 1280 pixels wide, as PNG."""
    size = driver.get_window_size()
    driver.set_window_size(SCREENSHOT_WIDTH, size["height"])
    frame = size["height"] - driver.execute_script("return window.innerHeight")
    high = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(SCREENSHOT_WIDTH, min(high, SCREENSHOT_MOST) + frame)
    try:
        assert driver.save_screenshot(str(path)), path
    finally:
        driver.set_window_size(size["width"], size["height"])
    assert path.read_bytes().startswith(b"\x89PNG")


# --- the test ------------------------------------------------------------------------------


@pytest.fixture
def driver() -> Iterator[Chrome]:
    """Headless Chromium (skipped, or failed in CI, where it is not installed)."""
    with chrome_or_skip() as chromium:
        yield chromium


@pytest.mark.slow(seconds=5)
def test_an_organiser_reads_the_week_in_a_browser(driver: Chrome, site: RunningBot) -> None:
    broadcast_id = make_the_week(site)
    programme: Programme = site.parts.current.programme
    store = site.store
    ids = [session.id for session in programme.sessions]
    counts = site.parts.registrations.counts_of(ids)
    titles = {session.id: session.title for session in programme.sessions}
    # The week is as planned (else the pages below are checked against the wrong data).
    assert counts[SHOWN] == (6, 3) and counts["wed-student-placements"] == (4, 2)
    assert counts["fri-court-skills"] == (5, 2) and counts["wed-stereotypes"] == (1, 0)

    public_url = str(site.settings.public_url)
    # Before signing in: the sign-in page, and nothing of the week.
    driver.get(public_url + paths.WEEK)
    assert driver.find_elements(By.LINK_TEXT, "Sign in with Slack"), driver.page_source
    assert titles[SHOWN] not in driver.page_source
    stylesheet_applied(driver)

    # Through Slack (the fake's authorize page) and back to the week, signed in.
    follow(driver, By.LINK_TEXT, "Sign in with Slack")
    assert driver.current_url == public_url + paths.WEEK
    assert driver.find_element(By.TAG_NAME, "h1").text == "The week"
    assert ORGANISER_NAME in driver.find_element(By.TAG_NAME, "header").text
    assert any(c["name"] == "organiser_session" for c in driver.get_cookies())
    stylesheet_applied(driver)

    # The week's totals, each chart and the table beside it, and every session's row.
    week_totals = totals(driver)
    assert number(week_totals["Sessions"]) == len(ids)
    assert number(week_totals["Registrations"]) == sum(r for r, _ in counts.values())
    waiting = [v for k, v in week_totals.items() if k.startswith("Waiting")]
    assert [number(v) for v in waiting] == [sum(w for _, w in counts.values())]
    full = [k for k in week_totals if k.startswith("Full")]
    capacities = {i: programme.by_id[i].capacity for i in ids}
    full_sessions = [i for i, n in capacities.items() if n is not None and counts[i][0] >= n]
    assert [number(week_totals[k]) for k in full] == [len(full_sessions)] == [3]

    charts: list[dict[str, Any]] = driver.execute_script(READ_CHARTS)
    by_day: dict[date, list[str]] = {}
    for session in programme.sessions:
        by_day.setdefault(programme.local(session.start).date(), []).append(session.id)
    days = chart_named(charts, "by day")
    expected = {day_name(d): sum(counts[i][0] for i in group) for d, group in by_day.items()}
    assert bars_of(days) == expected
    assert column(days["table"], "Registrations") == expected
    assert column(days["table"], "Waiting") == {
        day_name(d): sum(counts[i][1] for i in group) for d, group in by_day.items()
    }

    taken = chart_named(charts, "taken")
    per_day = Counter(
        moment.astimezone(programme.tz).date()
        for i in ids for moment in store.registered_at(session_id=i).values()
    )  # fmt: skip
    expected = {day_name(d): per_day[d] for d in sorted(per_day)}
    expected |= {day_name(date(2023, 3, d)): 0 for d in (18, 19)}  # the weekend: none
    assert bars_of(taken) == expected
    assert column(taken["table"], "Places") == expected

    busiest = chart_named(charts, "most")
    drawn = bars_of(busiest)
    assert column(busiest["table"], "Registrations") == drawn
    by_title = {titles[i]: counts[i][0] for i in ids}
    assert {title: by_title[title] for title in drawn} == drawn
    assert list(drawn.values()) == sorted(drawn.values(), reverse=True)
    left_out = [n for title, n in by_title.items() if title not in drawn]
    assert min(drawn.values()) >= max(left_out, default=0), "a busier one is left out"

    every = table_after(driver, "Every session")
    assert column(every, "Registrations") == by_title
    assert column(every, "Waiting") == {titles[i]: counts[i][1] for i in ids}
    assert problems_in_console(driver) == []
    fits_a_phone(driver)
    screenshot(driver, WEEK_PNG)

    # One session's page, by its link: its places, who holds them and who waits.
    follow(driver, By.LINK_TEXT, titles[SHOWN])
    assert driver.current_url == public_url + paths.session_path(SHOWN)
    assert driver.find_element(By.TAG_NAME, "h1").text == titles[SHOWN]
    figures = totals(driver)
    assert number(figures["Registrations"]) == counts[SHOWN][0]
    assert number(figures["Waiting"]) == counts[SHOWN][1]
    registrants = table_after(driver, "Registered")
    names = [row[1] for row in registrants["rows"]]
    assert names == [PEOPLE[u] for u in store.registrants(session_id=SHOWN)]
    waitlist = table_after(driver, "Waitlist")
    assert [row[1] for row in waitlist["rows"]] == [
        PEOPLE[u] for u in store.waitlist(session_id=SHOWN)
    ]
    given = store.feedback_for(session_id=SHOWN)
    ratings = Counter(item.rating for item in given if item.rating is not None)
    (rated,) = driver.execute_script(READ_CHARTS)
    expected = {f"{n} of 5": ratings[n] for n in range(5, 0, -1)}
    assert bars_of(rated) == expected == column(rated["table"], "People")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert all(text in main for text in REFLECTIONS.values())
    assert problems_in_console(driver) == []
    stylesheet_applied(driver)
    fits_a_phone(driver)
    screenshot(driver, SESSION_PNG)

    # The broadcasts: the one sent, counted as the store has it.
    follow(driver, By.LINK_TEXT, "Broadcasts")
    assert driver.current_url == public_url + paths.BROADCASTS
    sent = store.broadcast(broadcast_id=broadcast_id)
    outbox = store.counts(kind=BROADCAST_KIND, subject=broadcast_id)
    assert sent is not None and sent.recipients == outbox.sent == counts["fri-court-skills"][0]
    article = driver.find_element(By.XPATH, f'//article[contains(., "{BROADCAST[:40]}")]')
    numbers = driver.execute_script(READ_TABLE_AFTER, article.find_element(By.TAG_NAME, "table"))
    (row,) = numbers["rows"]
    shown = dict(zip(numbers["head"], row, strict=True))
    assert number(shown["Recipients"]) == sent.recipients
    assert number(shown["Delivered"]) == outbox.sent
    fits_a_phone(driver)

    # Health: what the health check knows.
    follow(driver, By.LINK_TEXT, "Health")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Health"
    health = {
        row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
        for row in driver.find_elements(By.XPATH, "(//main//table)[1]//tr[th and td]")
    }
    assert number(health["Sessions in the programme"]) == len(ids)
    assert number(health["Messages waiting to go (the outbox)"]) == store.backlog() == 0
    assert problems_in_console(driver) == []
    fits_a_phone(driver)

    # Signing out: the week asks to sign in again, and shows nothing.
    follow(driver, By.XPATH, "//button[normalize-space()='Sign out']")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Signed out"
    assert not any(c["name"] == "organiser_session" for c in driver.get_cookies())
    driver.get(public_url + paths.WEEK)
    assert driver.find_elements(By.LINK_TEXT, "Sign in with Slack"), driver.page_source
    assert titles[SHOWN] not in driver.page_source
    assert problems_in_console(driver) == []
