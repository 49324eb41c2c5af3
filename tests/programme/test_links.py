"""The "Add to calendar" links, pure: Google Calendar's template and Outlook on the web's
compose deeplink, with the times in UTC, every value encoded, and each link of bounded length."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.programme import Session
from bot.programme.links import google_link, outlook_link

LONDON = ZoneInfo("Europe/London")


def make_session(start: datetime, **fields: object) -> Session:
    base: dict[str, object] = {
        "id": "tue-racism",
        "title": "Racism in practice",
        "start": start,
        "end": start + timedelta(hours=1),
        "location": "Leeds",
        "join_url": "https://example.org/join/racism",
        "description": "A discussion.",
    }
    return Session.model_validate(base | fields)


def query(url: str) -> dict[str, str]:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(given) == 1 for given in values.values())
    return {name: given[0] for name, given in values.items()}


TUESDAY = datetime(2023, 3, 21, 9, 30, tzinfo=LONDON)  # GMT: 09:30Z
NEXT_MONDAY = datetime(2023, 3, 27, 9, 30, tzinfo=LONDON)  # BST since the 26th: 08:30Z


def test_google_link_prefills_the_session_in_utc() -> None:
    url = google_link(make_session(TUESDAY))
    assert url.startswith("https://calendar.google.com/calendar/render?")
    assert query(url) == {
        "action": "TEMPLATE",
        "text": "Racism in practice",
        "dates": "20230321T093000Z/20230321T103000Z",
        "details": "Join online: https://example.org/join/racism\n\nA discussion.",
        "location": "Leeds",
    }
    summer = query(google_link(make_session(NEXT_MONDAY)))
    assert summer["dates"] == "20230327T083000Z/20230327T093000Z"


def test_outlook_link_prefills_the_session_in_utc() -> None:
    url = outlook_link(make_session(NEXT_MONDAY))
    assert url.startswith("https://outlook.office.com/calendar/0/deeplink/compose?")
    assert query(url) == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": "Racism in practice",
        "startdt": "2023-03-27T08:30:00Z",
        "enddt": "2023-03-27T09:30:00Z",
        "body": "Join online: https://example.org/join/racism\n\nA discussion.",
        "location": "Leeds",
    }


def test_an_online_session_is_located_at_its_link_and_a_bare_one_has_neither() -> None:
    online = make_session(TUESDAY, location=None)
    assert query(google_link(online))["location"] == "https://example.org/join/racism"
    assert query(outlook_link(online))["location"] == "https://example.org/join/racism"
    bare = make_session(TUESDAY, location=None, join_url=None, description=None)
    assert set(query(google_link(bare))) == {"action", "text", "dates"}
    assert set(query(outlook_link(bare))) == {"path", "rru", "subject", "startdt", "enddt"}


@pytest.mark.parametrize("link", [google_link, outlook_link])
def test_every_value_is_encoded_so_nothing_reaches_mrkdwn(link: object) -> None:
    title = "Racism <b>|</b> & <!channel> + 100% #1 ?x=y"
    session = make_session(TUESDAY, title=title, location="Room | <1> & 2")
    url = link(session)  # type: ignore[operator]
    assert not set("<>|# ") & set(url)
    assert url.count("?") == 1
    values = query(url)
    assert title in (values.get("text"), values.get("subject"))
    assert values["location"] == "Room | <1> & 2"


@pytest.mark.parametrize("link", [google_link, outlook_link])
def test_links_stay_short_however_long_the_session_is(link: object) -> None:
    long = "Ünïcode réflexion & <words> " * 500  # encoded, each character up to 9 long
    session = make_session(
        TUESDAY, title=long, location=long, description=long,
        join_url="https://example.org/" + "j" * 3000,
    )  # fmt: skip
    url = link(session)  # type: ignore[operator]
    assert len(url) < 700
    values = query(url)
    for name in ("text", "subject", "details", "body", "location"):
        if name in values:
            assert values[name].endswith("…"), name
    assert (values.get("text") or values["subject"]).startswith("Ünïcode réflexion & <words>")


def test_a_value_is_kept_whole_when_it_fits_and_cut_to_fit_when_not() -> None:
    """Against the plain definition, on text with accents, symbols and emoji."""
    from urllib.parse import quote

    from bot.programme.links import SAFE, _fit

    rng = random.Random(7)
    alphabet = "abc XYZ-_.~/:&<>|é漢😀\n"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))).strip()
        budget = rng.choice([10, 40, 150])
        fitted = _fit(text, budget)
        if len(quote(text, safe=SAFE)) <= budget:
            assert fitted == text
        else:
            assert fitted.endswith("…") or fitted == ""
            assert len(quote(fitted, safe=SAFE)) <= budget
