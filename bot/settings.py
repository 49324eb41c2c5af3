"""The bot's settings: read once from the environment and `.env`, typed, checked up front.

Every other module receives a `Settings` instance; nothing else reads `os.environ`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_DURATION = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class SettingsError(Exception):
    """Settings that cannot be used; the message names every bad setting."""


def parse_duration(text: str) -> timedelta:
    """Parse one duration such as `1d`, `15m` or `30s`."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text.strip()!r} is not a duration like 1d, 2h, 15m or 30s")
    amount, unit = match.groups()
    return timedelta(**{_UNITS[unit]: int(amount)})


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    """All settings, documented in `.env.example`."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = Field(default=3000, ge=1, le=65535)
    health_port: int | None = Field(default=None, ge=1, le=65535)

    programme_path: Path = Path("programme.json")
    database_path: Path = Path("data/bot.json")
    database_url: SecretStr | None = None

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url_shape(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and not re.match(r"^postgres(ql)?://[^\s/]+/[^\s/?]+", value):
                raise ValueError(
                    "must be a PostgreSQL URL such as postgresql://user:password@host:5432/dbname"
                )
        return value

    announcements_channel: str | None = None
    organiser_ids: Annotated[tuple[str, ...], NoDecode] = ()
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(days=1),
        timedelta(minutes=15),
    )
    register_emoji: str = "white_check_mark"
    announce_starting_soon: bool = True
    broadcast_expiry: Annotated[timedelta, NoDecode] = timedelta(hours=24)
    public_url: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    feedback_delay: Annotated[timedelta | None, NoDecode] = timedelta(minutes=10)
    slack_timeout: Annotated[timedelta, NoDecode] = timedelta(seconds=10)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("health_port", mode="before")
    @classmethod
    def _blank_port_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_client_id",
        "slack_client_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("a bot token starts with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        return value

    @field_validator("slack_client_id")
    @classmethod
    def _client_id_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+\.\d+", value.strip()):
            raise ValueError("a client ID is two numbers with a dot, such as 1234567890.9876543210")
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _client_both_or_neither(self) -> Settings:
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            given, missing = (
                ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
                if self.slack_client_id
                else ("SLACK_CLIENT_SECRET", "SLACK_CLIENT_ID")
            )
            raise ValueError(f"{given} is set but {missing} is not: set both, or neither")
        return self

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        value = value.strip()
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("announcements_channel", mode="before")
    @classmethod
    def _channel_shape(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and not re.fullmatch(r"[CG][A-Z0-9]{2,}", value):
                raise ValueError("must be a channel ID such as C0123456789, not a channel name")
        return value

    @field_validator("organiser_ids", mode="before")
    @classmethod
    def _organiser_shape(cls, value: Any) -> Any:
        ids = _comma_list(value)
        for user_id in ids:
            if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
                raise ValueError(f"{user_id!r} is not a Slack user ID such as U0123456789")
        return ids

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: Any) -> Any:
        if isinstance(value, str):
            offsets = tuple(parse_duration(part) for part in _comma_list(value))
            if not offsets:
                raise ValueError("give at least one duration, such as 1d,15m")
            if any(offset <= timedelta(0) for offset in offsets):
                raise ValueError("durations must be more than zero")
            return tuple(sorted(set(offsets), reverse=True))
        return value

    @field_validator("broadcast_expiry", mode="before")
    @classmethod
    def _expiry(cls, value: Any) -> Any:
        if isinstance(value, str):
            expiry = parse_duration(value)
            if expiry <= timedelta(0):
                raise ValueError("must be more than zero, such as 24h")
            return expiry
        return value

    @field_validator("slack_timeout", mode="before")
    @classmethod
    def _slack_timeout(cls, value: Any) -> Any:
        if isinstance(value, str):
            timeout = parse_duration(value)
            if not timedelta(seconds=1) <= timeout <= timedelta(minutes=2):
                raise ValueError("must be between 1s and 2m, such as 10s")
            return timeout
        return value

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or None
            if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
                raise ValueError(
                    "must be the bot's public address, such as https://bot.example.org"
                )
        return value

    @field_validator("feedback_delay", mode="before")
    @classmethod
    def _feedback_delay(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.strip().lower() in ("off", "none", "no", "false", ""):
                return None
            delay = parse_duration(value)
            if delay < timedelta(0):
                raise ValueError("must be a duration such as 10m, or off")
            return delay
        return value

    @field_validator("register_emoji")
    @classmethod
    def _emoji(cls, value: str) -> str:
        name = value.strip().strip(":")
        if not re.fullmatch(r"[a-z0-9_+\-']+", name):
            raise ValueError("must be an emoji name such as white_check_mark")
        return name

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def missing_for_slack(self) -> list[str]:
        """Names of the settings still needed to connect to Slack (empty when ready)."""
        missing = [] if self.slack_bot_token else ["SLACK_BOT_TOKEN"]
        if not self.slack_app_token and not self.slack_signing_secret:
            missing.append("SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)")
        return missing

    @property
    def slack_timeout_seconds(self) -> int:
        """`SLACK_TIMEOUT` in whole seconds, as slack_sdk's clients take it."""
        return int(self.slack_timeout.total_seconds())

    @property
    def calendar_url(self) -> str | None:
        """Where people's calendar feeds are served (`PUBLIC_URL/calendar`), or None when the
        bot serves no HTTP (Socket Mode without `HEALTH_PORT`) or `PUBLIC_URL` is unset."""
        return f"{self.public_url}/calendar" if self.public_url and self.serves_http else None

    @property
    def serves_http(self) -> bool:
        """Whether the bot serves HTTP (always in HTTP mode; in Socket Mode with `HEALTH_PORT`)."""
        return not self.socket_mode or self.health_port is not None

    @property
    def dashboard_url(self) -> str | None:
        """Where the organisers' dashboard is (`PUBLIC_URL/organisers/`), or None when the bot
        serves no HTTP or `PUBLIC_URL` is unset."""
        return f"{self.public_url}/organisers/" if self.public_url and self.serves_http else None

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is used whenever an app-level token is configured."""
        return self.slack_app_token is not None


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; raise `SettingsError` naming every bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            message = str(problem["msg"]).removeprefix("Value error, ")
            if problem["loc"]:
                lines.append(f"  {str(problem['loc'][0]).upper()}: {message}")
            else:  # about several settings at once, which the message names
                lines.append(f"  {message}")
        raise SettingsError("Some settings are not valid:\n" + "\n".join(lines)) from None
