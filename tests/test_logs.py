"""LOG_FORMAT=json: one JSON object per line, with the request being handled."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from bot.blocks.values import Origin, button_value
from bot.listeners.executor import FairExecutor
from bot.logs import (
    JsonFormatter,
    configure_logging,
    current_request,
    log_requests,
    request_fields,
)
from bot.settings import Settings
from bot.standin.fake_slack import FakeSlack
from bot.standin.slack_payloads import action_payload, command_payload, event_envelope
from tests.conftest import SIGNING_SECRET
from tests.support.launcher import shared
from tests.support.ports import free_port
from tests.support.slack_requests import SignedRequests
from tests.test_main import environment, http_settings, wait_for_port

OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


class Lines(logging.Handler):
    """Collects each record formatted as JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)


def test_a_json_line_has_time_level_logger_message_and_exception(lines: Lines) -> None:
    logger = logging.getLogger("test.logs")
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        logger.exception("Could not %s", "register")
    (line,) = lines.lines
    assert OFFSET.match(line["timestamp"]), line["timestamp"]
    assert line["level"] == "ERROR" and line["logger"] == "test.logs"
    assert line["message"] == "Could not register"
    assert line["exception"].startswith("Traceback") and "ValueError: bad" in line["exception"]
    assert "command" not in line and "user" not in line  # no request here
    formatted = JsonFormatter().format(logging.makeLogRecord({"msg": "two\nlines"}))
    assert "\n" not in formatted and json.loads(formatted)["message"] == "two\nlines"


def test_what_a_request_says_about_itself() -> None:
    assert request_fields(command_payload("/register", "racism", user_id="U1")) == {
        "command": "/register",
        "user": "U1",
    }
    press = {"action_id": "register", "value": button_value(Origin("agenda"), "tue-racism")}
    assert request_fields(action_payload([press], user_id="U2")) == {
        "action": "register",
        "user": "U2",
        "session": "tue-racism",
    }
    reaction = event_envelope({"type": "reaction_added", "user": "U3", "reaction": "x"})
    assert request_fields(reaction) == {"event": "reaction_added", "user": "U3"}
    assert request_fields({"actions": [{"action_id": "x", "value": "not json"}]}) == {"action": "x"}


def tiny_app() -> tuple[App, threading.Event]:
    """A Bolt app with one command whose acknowledgement and lazy listener both log."""

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id,
                               bot_token="xoxb-1", bot_user_id="UBOT", bot_id="B1")  # fmt: skip

    app = App(signing_secret=SIGNING_SECRET, authorize=authorize,
              request_verification_enabled=False, process_before_response=True,
              listener_executor=FairExecutor(2))  # fmt: skip
    logger = logging.getLogger("test.logs")
    done = threading.Event()

    def acknowledge(ack: Ack) -> None:
        logger.info("acknowledging")
        ack()

    def later() -> None:
        logger.info("working")
        done.set()

    app.command("/register")(ack=acknowledge, lazy=[later])
    return app, done


def test_lines_written_for_a_request_carry_it_and_no_others(lines: Lines) -> None:
    app, done = tiny_app()
    log_requests(app)
    body = command_payload("/register", "racism", user_id="U1")
    response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200
    assert done.wait(5)
    logging.getLogger("test.logs").info("after")
    fields = {line["message"]: (line.get("command"), line.get("user")) for line in lines.lines}
    assert fields == {
        "acknowledging": ("/register", "U1"),
        "working": ("/register", "U1"),  # the lazy listener, on another thread
        "after": (None, None),
    }
    assert current_request() == {}


def test_configure_logging_writes_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    # Without pytest's own handlers (which `force` would close), all put back afterwards.
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    stream = io.StringIO()
    settings = Settings(_env_file=None, log_format="json", log_level="INFO")  # type: ignore[call-arg]
    configure_logging(settings, stream=stream)
    logging.getLogger("bot.test").info("hello %s", "world")
    logging.getLogger("bot.test").debug("not at INFO")
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["message"] == "hello world" and line["level"] == "INFO"

    stream = io.StringIO()
    configure_logging(Settings(_env_file=None), stream=stream)  # type: ignore[call-arg]
    logging.getLogger("bot.test").warning("plain")
    assert stream.getvalue().rstrip().endswith(" WARNING bot.test: plain")
    for handler in root.handlers:
        handler.close()


def test_the_bot_logs_json_lines_with_the_request(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = free_port()
    settings = http_settings(fake_slack, port) | {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}
    with (tmp_path / "out.txt").open("wb") as out, (tmp_path / "errors.txt").open("wb") as err:
        process = shared().start([], cwd=tmp_path, env=environment(tmp_path, **settings),
                                 stdout=out, stderr=err)  # fmt: skip
    try:
        wait_for_port(port, process)
        send = SignedRequests(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        assert send.command("/sessions", "racism", user_id="U1").status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
    errors = (tmp_path / "errors.txt").read_text()
    records = [json.loads(line) for line in errors.splitlines()]  # every line is JSON
    assert any(r["message"].startswith("Listening for Slack") for r in records)
    mine = [r for r in records if r.get("command") == "/sessions"]
    assert mine and all(r["user"] == "U1" for r in mine)
    assert all(OFFSET.match(r["timestamp"]) for r in records)
