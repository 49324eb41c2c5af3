"""`python -m bot` as a person runs it: processes of its own, with real settings in the
environment. Most are forked from a process that has the bot imported already
(`tests.support.launcher`, 0.4 s of CPU less each); a few start afresh (`run_afresh`,
`bot_process_afresh`, and those on a terminal), and `tests/support/test_launcher.py` checks
that both ways end alike."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.__main__ import _slack_problem
from bot.outbox.updates import INTERVAL as UPDATE_INTERVAL
from bot.records import TinyDBStore
from bot.settings import load_settings
from bot.standin.fake_slack import FakeSlack
from bot.standin.slack_payloads import command_payload
from tests.conftest import ROOT, SIGNING_SECRET
from tests.listeners.helpers import titles
from tests.support.fake_socket_mode import SocketModeSlack
from tests.support.launcher import Process, run, shared
from tests.support.live_programme import wait_until
from tests.support.ports import free_port
from tests.support.slack_requests import SignedRequests, get_json, get_text

SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "PORT",
    "PROGRAMME_PATH",
)
RACISM = "Racism in the workplace, in communities and in practice"


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env["PROGRAMME_PATH"] = str(ROOT / "programme.json")
    env["DATABASE_PATH"] = str(tmp_path / "bot.json")
    env["PYTHONPATH"] = str(ROOT)  # run from tmp_path, where there is no .env
    return env | settings


def run_bot(
    tmp_path: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot *args` run to its end in `tmp_path`, given `stdin`: forked from the
    test process's fork server (`tests.support.launcher`), without Python's start-up."""
    return run(list(args), cwd=tmp_path, env=environment(tmp_path, **settings), stdin=stdin)


def run_afresh(
    tmp_path: Path, *args: str, stdin: str = "", **settings: str
) -> subprocess.CompletedProcess[str]:
    """`run_bot`, started afresh as a person starts it: Python's start-up and imports too."""
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin,
                          capture_output=True, text=True, cwd=tmp_path,
                          env=environment(tmp_path, **settings), timeout=60)  # fmt: skip


@contextmanager
def bot_process(tmp_path: Path, **settings: str) -> Iterator[Process]:
    """`python -m bot` running in `tmp_path` with `settings`, its output and errors on its
    `stdout`, forked (see `run_bot`); stopped with SIGTERM at the end."""
    reading, writing = os.pipe()
    try:
        process = shared().start([], cwd=tmp_path, env=environment(tmp_path, **settings),
                                 stdout=writing)  # fmt: skip
    finally:
        os.close(writing)
    # Left open at the end, as Popen's is: a thread may still be reading it (`output_of`).
    process.stdout = open(reading)  # noqa: SIM115
    with _stopped_at_the_end(process):
        yield process


@contextmanager
def bot_process_afresh(tmp_path: Path, **settings: str) -> Iterator[Process]:
    """`bot_process`, started afresh as a person starts it."""
    process = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               cwd=tmp_path, env=environment(tmp_path, **settings))  # fmt: skip
    with _stopped_at_the_end(process):
        yield process


@contextmanager
def _stopped_at_the_end(process: Process) -> Iterator[None]:
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def http_settings(fake: FakeSlack, port: int) -> dict[str, str]:
    """Settings for HTTP mode on `port`, with the fake Slack as the Web API."""
    return {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": str(port),
    }


def wait_for_port(port: int, process: Process, timeout: float = 20) -> None:
    def listening() -> bool:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return False
        return True

    wait_until(listening, timeout, f"nothing listening on port {port}")


def output_of(process: Process) -> Callable[[], str]:
    """What `process` has printed so far (read on a thread as it comes)."""
    lines: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        lines.extend(iter(process.stdout.readline, ""))

    threading.Thread(target=pump, daemon=True).start()
    return lambda: "".join(lines)


def outbox_settled(port: int) -> bool:
    """Whether the bot serving `port` has sent or settled everything in its outbox, so that
    nothing more is coming unless a job falls due (its health check says so)."""
    return get_json(f"http://127.0.0.1:{port}", "/healthz")[1]["outbox_backlog"] == 0


def test_without_tokens_and_no_terminal_it_exits_2_naming_the_settings(tmp_path: Path) -> None:
    result = run_afresh(tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def on_a_terminal(tmp_path: Path, typed: bytes, **settings: str) -> tuple[int, str]:
    """Run `python -m bot` with a pseudo-terminal for its input, type `typed`, then quit."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        stdin=child,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        env=environment(tmp_path, **settings),
    )
    os.close(child)
    os.write(main, typed + b"quit\n")  # typed ahead, as a quick typist does
    output, _ = process.communicate(timeout=60)
    os.close(main)
    return process.returncode, output.decode()


def test_without_tokens_on_a_terminal_it_starts_the_console(tmp_path: Path) -> None:
    status, text = on_a_terminal(tmp_path, b"/sessions racism\n")
    assert status == 0
    assert "No Slack connection is configured" in text
    assert "starting the offline console instead" in text
    assert RACISM in text


def test_a_bot_token_alone_on_a_terminal_says_what_is_missing(tmp_path: Path) -> None:
    status, text = on_a_terminal(tmp_path, b"/sessions racism\n", SLACK_BOT_TOKEN="xoxb-1")
    assert status == 0
    assert text.startswith(
        "SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode) nor "
        "SLACK_SIGNING_SECRET (HTTP) is: starting the offline console instead.\n"
    )
    assert RACISM in text


def test_half_configured_without_a_terminal_exits_2_saying_what_is_missing(
    tmp_path: Path,
) -> None:
    result = run_bot(tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Cannot connect to Slack: SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN "
        "(Socket Mode) nor SLACK_SIGNING_SECRET (HTTP) is."
    )
    result = run_bot(tmp_path, SLACK_APP_TOKEN="xapp-1")
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is set, but SLACK_BOT_TOKEN is not" in result.stderr


def test_invalid_settings_exit_2_with_every_problem(tmp_path: Path) -> None:
    result = run_bot(tmp_path, PORT="eighty", SLACK_BOT_TOKEN="not-a-token")
    assert result.returncode == 2
    assert "PORT: Input should be a valid integer" in result.stderr
    assert "SLACK_BOT_TOKEN: a bot token starts with xoxb-" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_answers_commands_and_questions(tmp_path: Path) -> None:
    questions = "/sessions tuesday\nwho is running the stereotypes session?\n/nope\n"
    result = run_bot(tmp_path, "console", stdin=questions)
    assert result.returncode == 0, result.stderr
    assert "Tuesday 21 March · World Social Work Day\n" in result.stdout
    assert RACISM in result.stdout
    assert "Smashing stereotypes in the profession is led by Rebekah Pierre" in result.stdout
    assert "Unknown command /nope. Try /sessions help." in result.stdout
    assert "<!date" not in result.stdout  # dates are shown by their readable fallback


def test_check_summarises_the_shipped_programme(tmp_path: Path) -> None:
    result = run_afresh(tmp_path, "check")
    assert result.returncode == 0, result.stdout
    assert "Social Work Week 2023 (Europe/London)" in result.stdout
    assert "Tuesday 21 March: 4 sessions, 1 headline" in result.stdout
    assert result.stdout.rstrip().endswith("OK")


def test_check_lists_every_problem_of_a_broken_programme(tmp_path: Path) -> None:
    data = json.loads((ROOT / "programme.json").read_text())
    data["event"]["timezone"] = "Mars/Olympus"
    data["sessions"][0]["end"] = data["sessions"][0]["start"]
    del data["sessions"][1]["id"]
    data["sessions"][2]["id"] = data["sessions"][3]["id"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    result = run_bot(tmp_path, "check", PROGRAMME_PATH=str(broken))
    assert result.returncode == 1
    assert f"{broken} has 4 problems:" in result.stdout
    assert "event: timezone: unknown timezone 'Mars/Olympus'" in result.stdout
    assert "session #2 (no id): id is required" in result.stdout
    assert f"duplicate id {data['sessions'][3]['id']!r}" in result.stdout
    assert "end must be after start" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

    broken.write_text('{"event": {"name": "x",}')
    result = run_bot(tmp_path, "check", PROGRAMME_PATH=str(broken))
    assert result.returncode == 1
    assert "not valid JSON at line 1, column 24" in result.stdout


def test_a_broken_programme_stops_the_bot_with_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    result = run_bot(tmp_path, "console", PROGRAMME_PATH=str(broken))
    assert result.returncode == 1
    assert "cannot be used" in result.stderr and "Traceback" not in result.stderr


def test_http_mode_answers_sessions(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = free_port()
    settings = http_settings(fake_slack, port)
    with bot_process_afresh(tmp_path, **settings) as process:
        wait_for_port(port, process)
        send = SignedRequests(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        result = send.command("/sessions", "racism")
        assert result.status == 200
        assert titles(json.loads(result.body)) == [RACISM]
        assert send.post_raw(b"command=%2Fsessions", {"Content-Type": "x"}).status == 401
    assert fake_slack.calls_to("auth.test")


def test_socket_mode_answers_sessions_and_its_health(
    tmp_path: Path, fake_slack: SocketModeSlack
) -> None:
    health_port = free_port()
    settings = {
        "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_APP_TOKEN": fake_slack.app_token,
        "SLACK_API_URL": fake_slack.api_url,
        "HEALTH_PORT": str(health_port),
        "PUBLIC_URL": "https://bot.example.org",
    }
    with bot_process(tmp_path, **settings) as process:
        fake_slack.wait_socket_connected(timeout=20)
        ack = fake_slack.socket_send("slash_commands", command_payload("/sessions", "racism"))
        assert ack is not None
        assert ack["response_type"] == "ephemeral"
        assert titles(ack) == [RACISM]
        wait_for_port(health_port, process)
        status, health = get_json(f"http://127.0.0.1:{health_port}", "/healthz")
        assert status == 200 and health["ok"] is True
        assert health["programme"]["sessions"] > 0 and health["scheduler"] == "running"
        # People's calendar feeds are served on the same port.
        payload = command_payload("/mysessions", "calendar")
        ack = fake_slack.socket_send("slash_commands", payload)
        assert ack is not None
        (link,) = [w.strip("`") for w in ack["text"].split() if "https://bot.example" in w]
        path = link.removeprefix("https://bot.example.org")
        status, feed = get_text(f"http://127.0.0.1:{health_port}", path)
        assert status == 200 and feed.startswith("BEGIN:VCALENDAR")
        assert (
            get_text(f"http://127.0.0.1:{health_port}", "/calendar/" + "x" * 43 + ".ics")[0] == 404
        )
    assert fake_slack.calls_to("apps.connections.open")


def test_http_mode_serves_its_health_on_its_port(tmp_path: Path, fake_slack: FakeSlack) -> None:
    port = free_port()
    with bot_process(tmp_path, **http_settings(fake_slack, port)) as process:
        wait_for_port(port, process)
        status, health = get_json(f"http://127.0.0.1:{port}", "/healthz")
        assert status == 200
        assert health["store"] == "taking changes" and health["outbox_backlog"] == 0


def test_an_unreadable_database_stops_the_bot_and_is_left_as_it_was(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    database = tmp_path / "bot.json"
    garbage = b'{"registrations": {"1": {"user": "U1"'  # cut off mid-write
    database.write_bytes(garbage)
    settings = http_settings(fake_slack, free_port()) | {"DATABASE_PATH": str(database)}
    result = run_bot(tmp_path, **settings)
    assert result.returncode == 1
    assert str(database) in result.stderr
    assert "left exactly as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == garbage
    assert {p.name for p in tmp_path.iterdir()} <= {"bot.json", "bot.json.lock"}  # no new data


def test_registrations_survive_a_restart(tmp_path: Path, fake_slack: FakeSlack) -> None:
    start = datetime.now(UTC) + timedelta(days=2)  # a session still to come, on real time
    programme = {
        "event": {"name": "SWW", "timezone": "Europe/London"},
        "sessions": [{"id": "later", "title": RACISM, "start": start.isoformat(),
                      "end": (start + timedelta(hours=1)).isoformat()}],
    }  # fmt: skip
    (tmp_path / "programme.json").write_text(json.dumps(programme))
    port = free_port()
    settings = http_settings(fake_slack, port) | {
        "PROGRAMME_PATH": str(tmp_path / "programme.json")
    }
    send = SignedRequests(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        assert "You're registered" in send.command("/register", "racism", user_id="U1").body
    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        agenda = json.loads(send.command("/mysessions", user_id="U1").body)
        assert titles(agenda) == [RACISM]


@pytest.mark.slow(seconds=9)
def test_reminders_go_out_once_across_a_kill_and_restart(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    # A restart on a busy machine can take seconds: whenever it ends before the start, the
    # second reminder still goes (caught up), so the start is well after both moments.
    start = datetime.now(UTC) + timedelta(seconds=20)
    programme = {
        "event": {"name": "SWW", "timezone": "Europe/London"},
        "sessions": [{"id": "soon", "title": "Soon", "start": start.isoformat(),
                      "end": (start + timedelta(hours=1)).isoformat()}],
    }  # fmt: skip
    (tmp_path / "programme.json").write_text(json.dumps(programme))
    port = free_port()
    settings = http_settings(fake_slack, port) | {
        "PROGRAMME_PATH": str(tmp_path / "programme.json"),
        # Moments 3 s and 9 s from now: the kill, just after the first, comes before the
        # second even when the start is slow (the first is then sent late, at the start).
        "REMINDER_OFFSETS": "17s,11s",
        # A reminder the kill caught in flight is taken over 3 s after it was claimed.
        "SLACK_TIMEOUT": "3s",
    }
    # Registered before the bot starts: on a loaded machine, a start that takes longer
    # than 3 s then sends the first reminder late, rather than not at all.
    store = TinyDBStore(tmp_path / "bot.json")
    store.register(user_id="U1", session_id="soon", capacity=None)
    store.close()

    def reminders() -> list[str]:
        calls = fake_slack.calls_to("chat.postMessage")
        return [c.args["text"] for c in calls if c.args["channel"] == "U1" and not c.failed]

    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        fake_slack.wait_for("chat.postMessage", timeout=8)  # the first reminder
        process.kill()  # no goodbye: SIGKILL
        process.wait(timeout=5)
    assert datetime.now(UTC) < start - timedelta(seconds=11), "killed after the second moment"
    assert len(reminders()) == 1
    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        wait_until(lambda: len(reminders()) >= 2, 12, reminders)
        wait_until(lambda: outbox_settled(port), 5, "the outbox settled")
    assert reminders() == ["Soon starts now."] * 2  # the second, once; the first not again


def test_an_unreachable_slack_is_one_clear_line_at_once(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    started = time.monotonic()
    result = run_bot(tmp_path, **(http_settings(fake_slack, free_port()) | {"SLACK_API_URL": url}))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Could not reach Slack at {url}: [Errno 111] Connection refused; "
        "check your network or SLACK_API_URL."
    ]  # not seven lines of retries first
    assert time.monotonic() - started < 10  # no retrying with backoff either
    assert not (tmp_path / "bot.json").exists()  # nothing was opened


def test_a_refused_bot_token_names_slack_bot_token(tmp_path: Path, fake_slack: FakeSlack) -> None:
    refused = http_settings(fake_slack, free_port()) | {"SLACK_BOT_TOKEN": "xoxb-not-this-one"}
    result = run_bot(tmp_path, **refused)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Slack refused SLACK_BOT_TOKEN (invalid_auth): set it to the Bot User OAuth Token "
        "(xoxb-...) from OAuth & Permissions."
    ]
    fake_slack.violations.clear()  # the refused token is the point of this test


def test_a_refused_app_token_names_slack_app_token(tmp_path: Path, fake_slack: FakeSlack) -> None:
    settings = {
        "SLACK_BOT_TOKEN": fake_slack.bot_token,
        "SLACK_APP_TOKEN": "xapp-not-this-one",
        "SLACK_API_URL": fake_slack.api_url,
    }
    result = run_bot(tmp_path, **settings)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert errors == [
        "Slack refused SLACK_APP_TOKEN (invalid_auth): set it to an app-level token (xapp-...) "
        "with the connections:write scope, from Basic Information → App-Level Tokens."
    ]  # no "Failed to retrieve WSS URL" and Slack's answer before it
    assert fake_slack.calls_to("apps.connections.open")
    fake_slack.violations.clear()


def test_each_refusal_names_the_setting_to_change() -> None:
    settings = load_settings(slack_api_url="http://127.0.0.1:9/api/")
    wrong_type = SlackApiError("", SlackResponse(
        client=None, http_verb="POST", api_url="http://127.0.0.1:9/api/apps.connections.open",
        req_args={}, data={"ok": False, "error": "not_allowed_token_type"}, headers={},
        status_code=200,
    ))  # fmt: skip
    problem = _slack_problem(wrong_type, settings, "SLACK_APP_TOKEN")
    assert problem.startswith("Slack refused SLACK_APP_TOKEN (not_allowed_token_type)")
    problem = _slack_problem(wrong_type, settings, "SLACK_BOT_TOKEN")
    assert problem.startswith("Slack refused SLACK_BOT_TOKEN (not_allowed_token_type)")
    unreachable = URLError(TimeoutError("timed out"))
    assert _slack_problem(unreachable, settings, "SLACK_APP_TOKEN") == (
        "Could not reach Slack at http://127.0.0.1:9/api/: timed out; "
        "check your network or SLACK_API_URL."
    )


def test_a_port_in_use_is_a_clear_message(tmp_path: Path, fake_slack: FakeSlack) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_bot(tmp_path, **http_settings(fake_slack, port))
    assert result.returncode == 1
    assert "The bot stopped:" in result.stderr and "Address already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow(seconds=7)
def test_a_broadcast_killed_part_way_is_finished_after_a_restart(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    people = [f"U{n:04d}" for n in range(150)]
    store = TinyDBStore(tmp_path / "bot.json")
    for user in people:
        store.register(user_id=user, session_id="tue-racism", capacity=None)
    store.close()
    fake_slack.limit_rate("chat.postMessage", per_second=40)  # about four seconds of sending
    port = free_port()
    settings = http_settings(fake_slack, port) | {
        "ORGANISER_IDS": "U0ORGANISER",
        "ANNOUNCEMENTS_CHANNEL": "C0ANNOUNCE",
    }
    send = SignedRequests(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET,
                          response_url=fake_slack.response_url)  # fmt: skip

    def delivered() -> list[str]:
        calls = fake_slack.calls_to("chat.postMessage")
        return [c.args["channel"] for c in calls if c.args.get("text") == "Hello" and not c.failed]

    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        assert send.command("/announce", "Hello", user_id="U0ORGANISER").status == 200
        (preview,) = fake_slack.wait_for("chat.postMessage", timeout=8)
        controls = next(b for b in preview.args["blocks"] if b["type"] == "actions")
        select, send_now = controls["elements"][0], controls["elements"][1]
        offered = send.suggestion(select["action_id"], "racism", block_id=controls["block_id"],
                                  user_id="U0ORGANISER").json()["options"]  # fmt: skip
        option = next(o for o in offered if o["value"] == "session:tue-racism")
        choose = select | {"block_id": controls["block_id"], "selected_option": option}
        assert send.action([choose], user_id="U0ORGANISER").status == 200
        fake_slack.wait_for("chat.update", timeout=8)  # the audience is chosen
        assert send.action([send_now], user_id="U0ORGANISER").status == 200
        wait_until(lambda: len(delivered()) >= 40, 10, "the broadcast did not start")
        process.kill()  # no goodbye: SIGKILL, part-way through
        process.wait(timeout=5)
    before = len(delivered())
    assert before < len(people), "it finished before the kill; the test proves nothing"
    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        wait_until(lambda: set(delivered()) == set(people), 20,
                   lambda: f"{len(set(delivered()))} of {len(people)}")  # fmt: skip

        def preview_says_finished() -> bool:
            updates = fake_slack.calls_to("chat.update")
            return bool(updates) and "Sent to 150 of 150" in json.dumps(updates[-1].args["blocks"])

        # The preview's progress is redrawn at a pace, so its last redraw may come later.
        wait_until(preview_says_finished, timeout=10)
    repeats = len(delivered()) - len(people)
    assert repeats <= 4, f"{repeats} people got it twice: more than the messages in flight"
    # The preview's redraws keep to the bot's own pace for chat.update (50 a minute), across
    # the kill too: the pace is kept in the store.
    times = [call.at for call in fake_slack.calls_to("chat.update")]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    print(f"chat.update gaps: {', '.join(f'{gap:.2f}' for gap in gaps)} s")
    assert len(gaps) >= 2 and min(gaps) >= UPDATE_INTERVAL - 0.2, gaps


@pytest.mark.slow(seconds=14)
def test_an_attendees_choices_and_calendar_survive_a_kill(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """The real process, killed with SIGKILL just after a reminder choice and a calendar link
    were confirmed: after the restart the link still works, U1 gets only the reminder they
    kept, U2 both, and each gets one feedback DM after the session; a second kill and restart
    sends none of it again."""
    # Whenever the restart ends before the start, a reminder missed meanwhile is caught up:
    # the start is far enough for a loaded machine.
    start = datetime.now(UTC) + timedelta(seconds=11)
    programme = {
        "event": {"name": "SWW", "timezone": "Europe/London"},
        "sessions": [{"id": "soon", "title": "Soon", "start": start.isoformat(),
                      "end": (start + timedelta(seconds=1)).isoformat()}],
    }  # fmt: skip
    (tmp_path / "programme.json").write_text(json.dumps(programme))
    port = free_port()
    settings = http_settings(fake_slack, port) | {
        "PROGRAMME_PATH": str(tmp_path / "programme.json"),
        # Moments 6 s and 9 s from now: the first kill comes before either (a kill as a
        # message goes may repeat it, which is not what this tests), and the registrations
        # before the first, even on a loaded machine (a person registered after a moment
        # is not reminded for it).
        "REMINDER_OFFSETS": "5s,2s",
        "FEEDBACK_DELAY": "1s",  # 13 s from now
        "PUBLIC_URL": "https://bot.example.org",
    }
    send = SignedRequests(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)

    def received(user: str, words: str) -> int:
        calls = fake_slack.calls_to("chat.postMessage")
        return sum(1 for c in calls if c.args["channel"] == user and not c.failed
                   and words in c.args["text"])  # fmt: skip

    with bot_process(tmp_path, **settings) as process:
        wait_for_port(port, process)
        for user in ("U1", "U2"):
            assert "You're registered" in send.command("/register", "soon", user_id=user).body
        assert (
            "2 seconds before each of your sessions, no others"
            in send.command("/reminders", "2s", user_id="U1").body
        )
        reply = json.loads(send.command("/mysessions", "calendar", user_id="U1").body)
        (link,) = [w.strip("`") for w in reply["text"].split() if "https://bot.example" in w]
        process.kill()  # no goodbye: SIGKILL, straight after the confirmations
        process.wait(timeout=5)
    first = start - timedelta(seconds=5)
    assert datetime.now(UTC) < first, "killed after the first reminder: the test proves less"
    path = link.removeprefix("https://bot.example.org")
    with bot_process(tmp_path, **settings) as process:
        earlier = output_of(process)
        wait_for_port(port, process)
        status, body = get_text(f"http://127.0.0.1:{port}", path)
        assert status == 200 and "SUMMARY:Soon" in body
        wait_until(lambda: received("U2", "How useful") + received("U1", "How useful") >= 2, 24,
                   lambda: fake_slack.calls_to("chat.postMessage"))  # fmt: skip
        # Recorded as sent just after Slack accepts it: a kill in between repeats that one
        # message (the promise is "at most the messages in flight"), not what this tests.
        wait_until(lambda: outbox_settled(port), 5, "the outbox settled")
        process.kill()
        process.wait(timeout=5)
    assert received("U1", "Soon starts") == 1  # only the 2-second one, as chosen
    assert received("U2", "Soon starts") == 2
    with bot_process(tmp_path, **settings) as process:
        log = output_of(process)
        wait_for_port(port, process)
        # The late batch runs again at start-up, and finds both requests already there.
        wait_until(lambda: "Feedback for soon (late): 0 queued, 2 already" in log(), 10, log)
        wait_until(lambda: outbox_settled(port), 5, lambda: (earlier(), log()))
    assert received("U1", "How useful") == received("U2", "How useful") == 1
    assert received("U1", "Soon starts") == 1 and received("U2", "Soon starts") == 2
