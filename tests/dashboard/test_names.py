"""Registrants' names for the dashboard, asked of the fake Slack over HTTP: each once, a
bounded number per page, and the ID when Slack will not say."""

from __future__ import annotations

from bot.app import web_client
from bot.dashboard.names import SlackNames
from bot.standin.fake_slack import FakeSlack


def names_for(fake: FakeSlack, per_page: int = 60) -> SlackNames:
    return SlackNames(web_client(fake.bot_token, fake.api_url), per_page=per_page)


def test_names_are_asked_once_and_accents_kept(fake_slack: FakeSlack) -> None:
    fake_slack.users["U1"] = {"real_name": "Zoë Ødegård"}
    fake_slack.users["U2"] = {"real_name": "", "profile": {"display_name": "łukasz"}}
    names = names_for(fake_slack)
    assert names(["U1", "U2", "U3"]) == {"U1": "Zoë Ødegård", "U2": "łukasz", "U3": "User U3"}
    assert names(["U3", "U1"]) == {"U3": "User U3", "U1": "Zoë Ødegård"}
    assert len(fake_slack.calls_to("users.info")) == 3


def test_a_page_asks_for_a_bounded_number_and_the_rest_fill_in_later(
    fake_slack: FakeSlack,
) -> None:
    names = names_for(fake_slack, per_page=2)
    people = ["U1", "U2", "U3", "U4", "U5"]
    assert names(people) == {"U1": "User U1", "U2": "User U2", "U3": "U3", "U4": "U4", "U5": "U5"}
    assert names(people)["U4"] == "User U4"
    assert len(fake_slack.calls_to("users.info")) == 4


def test_a_user_slack_does_not_know_and_a_rate_limit_show_the_id(fake_slack: FakeSlack) -> None:
    fake_slack.answer_with("users.info", lambda args: {"ok": False, "error": "user_not_found"})
    assert names_for(fake_slack)(["U9"]) == {"U9": "U9"}
    fake_slack.fail_next("users.info", status=429, headers={"Retry-After": "1"}, times=5)
    names = names_for(fake_slack)
    assert names(["U1", "U2"]) == {"U1": "U1", "U2": "U2"}
    assert len(fake_slack.calls_to("users.info")) == 2  # stopped at the rate limit
