"""FakeSlack's response_url endpoint, driven by slack_sdk's WebhookClient (what Bolt uses)."""

from slack_sdk.webhook import WebhookClient

from bot.standin.fake_slack import FakeSlack


def test_posts_are_recorded(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("abc")
    assert url.endswith("/response/abc")
    answer = WebhookClient(url).send(text="Done", response_type="ephemeral")
    assert answer.status_code == 200
    [response] = fake_slack.wait_for_response()
    assert response.key == "abc"
    assert response.payload == {"text": "Done", "response_type": "ephemeral"}


def test_generated_keys_are_unique(fake_slack: FakeSlack) -> None:
    assert fake_slack.response_url() != fake_slack.response_url()


def test_messages_are_checked(fake_slack: FakeSlack) -> None:
    client = WebhookClient(fake_slack.response_url("k"))
    answer = client.send(blocks=[{"type": "divider"}])
    assert answer.status_code == 400
    assert fake_slack.wait_for_response()[0].error == "no_text"
    assert fake_slack.violations == [
        "response_url k: blocks without a non-empty `text` fallback (used in notifications)"
    ]
    fake_slack.violations.clear()


def test_delete_original_needs_no_text(fake_slack: FakeSlack) -> None:
    WebhookClient(fake_slack.response_url()).send_dict({"delete_original": True})
    assert not fake_slack.wait_for_response()[0].failed


def test_five_uses_per_url(fake_slack: FakeSlack) -> None:
    client = WebhookClient(fake_slack.response_url("k"))
    statuses = [client.send(text=f"update {n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [404]
    assert fake_slack.responses[-1].error == "used_url"
    assert fake_slack.violations == ["response_url k: used 6 times; Slack allows 5"]
    fake_slack.violations.clear()
