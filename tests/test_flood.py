"""One noisy person must not hurt anyone else (issue #21, cause 3), tried on `python -m bot`
itself (its own listener threads, as it serves) in HTTP mode against the fake Slack.

While `chat.postMessage` answers 429 with `Retry-After: 5`, one person sends 40 DMs at
once; another presses Register meanwhile and is confirmed within 5 s. The noisy person is
answered within their allowance and told once to slow down, every answer sent by the
outbox once Slack takes messages again, none twice, and no traceback is logged."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.blocks import ids
from bot.blocks.values import Origin, button_value
from bot.listeners.allowance import SLOW_DOWN
from bot.standin.fake_slack import FakeSlack
from tests.conftest import SIGNING_SECRET
from tests.support.launcher import Process, shared
from tests.support.live_programme import session, write_programme
from tests.support.ports import free_port
from tests.support.slack_requests import SignedRequests, get_json, get_text
from tests.support.waiting import wait_until
from tests.test_main import environment, http_settings

NOISY, OTHER = "UNOISY", "UOTHER"


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[SignedRequests]:
    programme = tmp_path / "programme.json"
    write_programme(programme, [session("kin", 86_400.0, title="Kinship care")])
    port = free_port()
    settings = http_settings(fake_slack, port) | {"PROGRAMME_PATH": str(programme)}
    log = (tmp_path / "bot.log").open("wb")
    process = shared().start([], cwd=tmp_path, env=environment(tmp_path, **settings), stdout=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: healthy(base, process, tmp_path / "bot.log"), 30, "the bot healthy")
        yield SignedRequests(base + "/slack/events", SIGNING_SECRET,
                             response_url=fake_slack.response_url)  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
        text = (tmp_path / "bot.log").read_text()
        assert "Traceback" not in text, text


def dm(user: str, text: str, n: int) -> dict[str, object]:
    ts = f"{time.time():.6f}{n}"
    return {"type": "message", "channel_type": "im", "channel": "D" + user[1:], "user": user,
            "text": text, "ts": ts, "event_ts": ts}  # fmt: skip


def healthy(base: str, process: Process, log: Path) -> bool:
    assert process.poll() is None, log.read_text()
    try:
        return get_text(base, "/healthz", timeout=2)[0] == 200
    except OSError:
        return False


@pytest.mark.slow(seconds=6)
def test_forty_dms_under_a_429_do_not_hold_up_another_persons_button(
    served: SignedRequests, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, headers={"Retry-After": "5"}, times=1000)
    with ThreadPoolExecutor(8) as pool:
        sent = list(pool.map(lambda n: served.event(dm(NOISY, f"racism {n}", n)), range(40)))
    assert all(result.status == 200 for result in sent)
    wait_until(lambda: any(c.failed for c in fake_slack.calls_to("chat.postMessage")), 5,
               "the flood's first replies refused")  # fmt: skip
    button = {"action_id": ids.SESSION_REGISTER,
              "value": button_value(Origin("agenda"), "kin")}  # fmt: skip
    pressed = time.monotonic()
    assert served.action([button], user_id=OTHER).status == 200
    (confirmed,) = fake_slack.wait_for_response(1, timeout=5.0)
    took = time.monotonic() - pressed
    assert took < 5.0, took
    assert "registered" in str(confirmed.payload).lower(), confirmed.payload
    # Slack takes messages again: the outbox sends what was refused, each once.
    fake_slack.clear_faults()
    noisy_dm = ("D" + NOISY[1:], NOISY)  # answered in the DM; from the outbox, to the person

    def replies() -> Counter[str]:
        posts = [c for c in fake_slack.calls_to("chat.postMessage")
                 if not c.failed and c.args["channel"] in noisy_dm]  # fmt: skip
        return Counter("slow" if c.args["text"] == SLOW_DOWN else "answer" for c in posts)

    wait_until(lambda: replies() == Counter(answer=5, slow=1), 20, replies)
    base = served.base_url.removesuffix("/slack/events")
    wait_until(lambda: get_json(base, "/healthz")[1]["outbox_backlog"] == 0, 10, "all sent")
    assert replies() == Counter(answer=5, slow=1)  # each once, nothing more to come
