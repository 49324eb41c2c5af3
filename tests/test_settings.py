from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000
    assert settings.programme_path == Path("programme.json")
    assert settings.database_path == Path("data/bot.json")
    assert settings.reminder_offsets == (timedelta(days=1), timedelta(minutes=15))
    assert settings.register_emoji == "white_check_mark"
    assert settings.organiser_ids == ()
    assert settings.missing_for_slack() == [
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)",
    ]


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\nSLACK_APP_TOKEN=xapp-1\n"
    )
    monkeypatch.setenv("PORT", "5000")  # the environment wins over .env
    monkeypatch.setenv("ORGANISER_IDS", "U111, U222")
    monkeypatch.setenv("REMINDER_OFFSETS", "15m, 1d,30s")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("REGISTER_EMOJI", ":raised_hand:")
    settings = load_settings()
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert settings.port == 5000
    assert settings.organiser_ids == ("U111", "U222")
    assert settings.reminder_offsets == (
        timedelta(days=1),
        timedelta(minutes=15),
        timedelta(seconds=30),
    )
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.register_emoji == "raised_hand"
    assert settings.socket_mode
    assert settings.missing_for_slack() == []


def test_every_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("REMINDER_OFFSETS", "1d,soon")
    monkeypatch.setenv("ANNOUNCEMENTS_CHANNEL", "#announcements")
    monkeypatch.setenv("ORGANISER_IDS", "alice")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "PORT: Input should be a valid integer" in message
    assert "SLACK_BOT_TOKEN: a bot token starts with xoxb-" in message
    assert "REMINDER_OFFSETS: 'soon' is not a duration like 1d, 2h, 15m or 30s" in message
    assert "ANNOUNCEMENTS_CHANNEL: must be a channel ID" in message
    assert "ORGANISER_IDS: 'alice' is not a Slack user ID" in message
    assert "xoxp-user-token" not in message  # secrets are never echoed


def test_blank_tokens_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    monkeypatch.setenv("SLACK_APP_TOKEN", "  ")
    settings = load_settings()
    assert settings.slack_bot_token is None
    assert settings.slack_app_token is None


def test_env_example_documents_every_setting_and_loads() -> None:
    example = Path(__file__).resolve().parents[1] / ".env.example"
    names = [
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert sorted(names) == sorted(name.upper() for name in Settings.model_fields)
    settings = Settings(_env_file=example)  # type: ignore[call-arg]
    assert settings.missing_for_slack()  # the example holds no tokens


def test_log_format_is_text_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", " JSON ")
    assert load_settings().log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "LOG_FORMAT: Input should be 'text' or 'json'" in str(caught.value)


def test_public_url_and_where_calendars_are_served(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_URL", " https://bot.example.org/ ")
    http = load_settings(_env_file=None, slack_signing_secret="s")
    assert http.public_url == "https://bot.example.org"
    assert http.calendar_url == "https://bot.example.org/calendar"
    socket = load_settings(_env_file=None, slack_app_token="xapp-1")
    assert socket.calendar_url is None  # Socket Mode serves no HTTP without HEALTH_PORT
    served = load_settings(_env_file=None, slack_app_token="xapp-1", health_port=8080)
    assert served.calendar_url == "https://bot.example.org/calendar"
    monkeypatch.setenv("PUBLIC_URL", "bot.example.org")
    with pytest.raises(SettingsError, match="PUBLIC_URL: must be the bot's public address"):
        load_settings(_env_file=None)


@pytest.mark.parametrize(
    ("value", "delay"), [("10m", timedelta(minutes=10)), ("1h", timedelta(hours=1)), ("off", None)]
)
def test_feedback_delay(monkeypatch: pytest.MonkeyPatch, value: str, delay: object) -> None:
    monkeypatch.setenv("FEEDBACK_DELAY", value)
    assert load_settings(_env_file=None).feedback_delay == delay


@pytest.mark.parametrize(
    ("value", "timeout"),
    [(None, timedelta(seconds=10)), ("3s", timedelta(seconds=3)), ("2m", timedelta(minutes=2))],
)
def test_slack_timeout(
    monkeypatch: pytest.MonkeyPatch, value: str | None, timeout: timedelta
) -> None:
    if value is not None:
        monkeypatch.setenv("SLACK_TIMEOUT", value)
    settings = load_settings(_env_file=None)
    assert settings.slack_timeout == timeout
    assert settings.slack_timeout_seconds == timeout.total_seconds()


@pytest.mark.parametrize("value", ["0s", "500ms", "3m", "soon"])
def test_a_slack_timeout_out_of_bounds_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SLACK_TIMEOUT", value)
    with pytest.raises(SettingsError, match="SLACK_TIMEOUT: "):
        load_settings(_env_file=None)


def test_a_bad_feedback_delay_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDBACK_DELAY", "soon")
    with pytest.raises(SettingsError, match="FEEDBACK_DELAY: 'soon' is not a duration"):
        load_settings(_env_file=None)


def test_database_url_selects_postgresql_and_a_bad_one_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert load_settings(_env_file=None).database_url is None  # blank: the TinyDB file
    url = "postgresql://bot:s3cret@db.example.org:5432/sww?sslmode=require"
    monkeypatch.setenv("DATABASE_URL", url)
    given = load_settings(_env_file=None).database_url
    assert given is not None and given.get_secret_value() == url
    assert "s3cret" not in repr(load_settings(_env_file=None))
    monkeypatch.setenv("DATABASE_URL", "mysql://bot:s3cret@db.example.org/sww")
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None)
    assert "DATABASE_URL: must be a PostgreSQL URL" in str(raised.value)
    assert "s3cret" not in str(raised.value)


def test_the_dashboards_client_id_and_secret_go_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", " 1234567890.987654 ")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.example.org/")
    settings = load_settings()
    assert settings.slack_client_id == "1234567890.987654"
    assert settings.dashboard_url == "https://bot.example.org/organisers/"
    assert "s3cret" not in repr(settings)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", " ")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "SLACK_CLIENT_ID is set but SLACK_CLIENT_SECRET is not" in str(raised.value)
    monkeypatch.setenv("SLACK_CLIENT_ID", "my-app")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "s3cret")
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID: a client ID is two numbers"):
        load_settings()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")  # Socket Mode, serving no HTTP
    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
    assert load_settings().dashboard_url is None
