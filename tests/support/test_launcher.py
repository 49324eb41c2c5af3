"""A bot forked by `tests.support.launcher` behaves as `python -m bot` started afresh: the
same exit codes and output for the same command, settings and folder; served, it answers,
leaves through its way out on SIGTERM, and dies on SIGKILL."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from bot.standin.fake_slack import FakeSlack
from tests.support.launcher import Forked, Launcher, shared
from tests.support.ports import free_port
from tests.support.slack_requests import get_json
from tests.test_main import environment, http_settings, run_afresh, wait_for_port


@pytest.fixture
def launcher() -> Launcher:
    return shared()  # this test process's fork server


def forked(launcher: Launcher, tmp_path: Path, *args: str, **settings: str) -> Forked:
    with (tmp_path / "output.txt").open("ab") as output:
        return launcher.start(
            list(args), cwd=tmp_path, env=environment(tmp_path, **settings), stdout=output
        )


def output(tmp_path: Path) -> str:
    return (tmp_path / "output.txt").read_text()


@pytest.mark.parametrize(
    ("args", "settings"),
    [
        ((), {}),  # no tokens, no terminal: exit 2, naming the settings
        (("check",), {"PROGRAMME_PATH": "missing.json"}),  # relative to its own folder
        (("check",), {}),
    ],
    ids=["no-settings", "check-missing", "check"],
)
def test_the_same_command_ends_as_python_m_bot_does(
    launcher: Launcher, tmp_path: Path, args: tuple[str, ...], settings: dict[str, str]
) -> None:
    started = run_afresh(tmp_path, *args, **settings)
    child = forked(launcher, tmp_path, *args, **settings)
    assert child.wait(timeout=30) == started.returncode
    assert output(tmp_path) == started.stdout + started.stderr


def test_served_it_answers_and_ends_as_signals_end_it(
    launcher: Launcher, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    child = forked(launcher, tmp_path, **http_settings(fake_slack, port))
    wait_for_port(port, child)
    assert get_json(f"http://127.0.0.1:{port}", "/healthz")[0] == 200
    assert not (tmp_path / "bot.json").exists()  # the journal only, while it runs
    child.terminate()
    assert child.wait(timeout=15) == 0
    assert (tmp_path / "bot.json").exists()  # its way out ran: the final snapshot written
    again = forked(launcher, tmp_path, **http_settings(fake_slack, port))
    wait_for_port(port, again)
    again.kill()
    assert again.wait(timeout=10) == -signal.SIGKILL


def test_a_signal_to_a_bot_just_ended_is_no_error(launcher: Launcher, tmp_path: Path) -> None:
    """Its end may not have been heard yet when a test stops it: its number is still its own
    (the fork server reaps it only once the end is heard), so the signal goes nowhere, as
    with a child of the test's own."""
    for _ in range(10):
        child = forked(launcher, tmp_path, "check", PROGRAMME_PATH="missing.json")
        while child.poll() is None:
            child.terminate()  # before, during and just after its end
        assert child.wait(timeout=10) in (1, -signal.SIGTERM)
