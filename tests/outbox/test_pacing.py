"""The outbox's shared pace (`bot.outbox.pacing.Pacer`), on a fake clock.

The pacing module's `time.monotonic` and its sleep are replaced by a clock that only
moves when slept on (or moved by the test), so every turn is exact and nothing really waits.
"""

from __future__ import annotations

import threading

import pytest

from bot.outbox import pacing
from bot.outbox.pacing import BACKOFF, PLATEAU, Pacer


class FakeTime:
    """Stands in for the `time` module inside `bot.outbox.pacing`."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


class SteppedTime(FakeTime):
    """A fake clock on which sleeping threads stay asleep until the test moves time on; of
    those due then, the one that started waiting last is woken first (the OS may do that)."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()
        self._waiting: list[str] = []  # thread names, in the order they asked for a turn
        self._asleep: dict[str, float] = {}  # thread name: the time it sleeps until
        self.served: list[str] = []  # thread names, in the order they got their turn

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        name = threading.current_thread().name
        with self._changed:
            self._asleep[name] = self.now + seconds
            self._changed.notify_all()
            self._changed.wait_for(lambda: name not in self._asleep)

    def ask(self, pacer: Pacer, name: str) -> None:
        """Start a thread `name` that waits for its turn; return once it sleeps or has it."""

        def run() -> None:
            turn(pacer)
            with self._changed:
                self.served.append(name)
                self._changed.notify_all()

        self._waiting.append(name)
        threading.Thread(target=run, name=name, daemon=True).start()
        self._wait_still(name)

    def run_until_served(self) -> None:
        """Move time on to each next wake-up until every thread had its turn."""
        while len(self.served) < len(self._waiting):
            with self._changed:
                assert self._asleep, "a thread waits for its turn without sleeping"
                self.now = max(self.now, min(self._asleep.values()))
                due = [name for name, until in self._asleep.items() if until <= self.now]
            for name in sorted(due, key=self._waiting.index, reverse=True):
                with self._changed:
                    del self._asleep[name]
                    self._changed.notify_all()
                self._wait_still(name)

    def _wait_still(self, name: str) -> None:
        with self._changed:
            still = self._changed.wait_for(
                lambda: name in self._asleep or name in self.served, timeout=2.0
            )
        assert still, f"{name} neither sleeps nor has had its turn"


def turn(pacer: Pacer) -> float:
    """Wait for a turn, which an open pacer always gives."""
    moment = pacer.wait_turn()
    assert moment is not None
    return moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(pacing, "time", fake)
    return fake


def send_for(pacer: Pacer, clock: FakeTime, seconds: float) -> list[float]:
    """Take turns and succeed, as fast as the pacer allows, for `seconds`; the success times."""
    end = clock.now + seconds
    successes = []
    while clock.now < end:
        turn(pacer)
        pacer.succeeded()
        successes.append(clock.now)
    return successes


def measured(successes: list[float], now: float) -> int:
    """How many of `successes` fall in the second before `now` (as the pacer counts them)."""
    return sum(moment > now - pacing.WINDOW for moment in successes)


def test_turns_are_evenly_spaced_at_the_rate(clock: FakeTime) -> None:
    pacer = Pacer(10.0, 10.0)
    turns = [turn(pacer) for _ in range(5)]
    gaps = [later - earlier for earlier, later in zip(turns, turns[1:], strict=False)]
    assert turns[0] == 1000.0  # the first turn is at once
    assert gaps == pytest.approx([0.1] * 4)


def test_a_turn_nobody_was_ready_for_is_not_saved_up(clock: FakeTime) -> None:
    pacer = Pacer(10.0, 10.0)
    turn(pacer)
    clock.now += 5.0  # idle: fifty turns go by unused
    first, second = turn(pacer), turn(pacer)
    assert first == 1005.0
    assert second - first == pytest.approx(0.1)  # no burst to catch up


def test_before_any_429_the_rate_doubles_with_each_second_of_waited_successes(
    clock: FakeTime,
) -> None:
    pacer = Pacer(10.0, 1000.0)
    send_for(pacer, clock, 1.0)
    assert pacer.rate == pytest.approx(20.0, rel=0.1)
    send_for(pacer, clock, 1.0)
    assert pacer.rate == pytest.approx(40.0, rel=0.1)


def test_successes_that_did_not_wait_for_their_turn_do_not_raise_the_rate(
    clock: FakeTime,
) -> None:
    pacer = Pacer(10.0, 1000.0)
    for _ in range(30):
        turn(pacer)
        clock.now += 0.5  # slow replies set the pace, not the pacer
        pacer.succeeded()
    assert pacer.rate == 10.0


def test_the_rate_never_exceeds_max_rate(clock: FakeTime) -> None:
    pacer = Pacer(10.0, 15.0)
    send_for(pacer, clock, 3.0)
    assert pacer.rate == 15.0


def test_a_429_pauses_every_turn_for_its_retry_after(clock: FakeTime) -> None:
    pacer = Pacer(10.0, 10.0)
    sent_at = turn(pacer)
    pacer.limited(2.0, sent_at)
    assert turn(pacer) == pytest.approx(sent_at + 2.0)


def test_a_429_right_after_starting_pauses_but_does_not_slow_down(clock: FakeTime) -> None:
    pacer = Pacer(20.0, 500.0)
    sent_at = turn(pacer)
    pacer.succeeded()
    pacer.limited(1.0, sent_at)  # someone else used up the quota: says nothing of our pace
    assert pacer.rate == 20.0
    assert turn(pacer) >= sent_at + 1.0


def test_a_429_after_a_second_of_steady_sending_sets_the_rate_just_below_what_went_through(
    clock: FakeTime,
) -> None:
    pacer = Pacer(20.0, 20.0)
    successes = send_for(pacer, clock, 1.5)
    sent_at = turn(pacer)
    pacer.limited(1.0, sent_at)
    ceiling = measured(successes, clock.now)
    assert ceiling in (19, 20, 21)
    assert pacer.rate == pytest.approx(BACKOFF * ceiling)


def test_429s_to_calls_made_before_the_last_429_came_back_slow_down_only_once(
    clock: FakeTime,
) -> None:
    pacer = Pacer(20.0, 20.0)
    send_for(pacer, clock, 1.5)
    in_flight = [turn(pacer) for _ in range(3)]
    pacer.limited(1.0, in_flight[0])
    slowed = pacer.rate
    for sent_at in in_flight[1:]:
        pacer.limited(1.0, sent_at)
    assert pacer.rate == slowed < 20.0


def test_after_a_429_the_rate_climbs_back_to_the_ceiling_and_then_beyond(
    clock: FakeTime,
) -> None:
    pacer = Pacer(20.0, 500.0)
    successes = send_for(pacer, clock, 1.5)
    pacer.limited(1.0, turn(pacer))
    ceiling = measured(successes, clock.now)
    assert pacer.rate == pytest.approx(BACKOFF * ceiling)

    rates = []
    for _ in range(int(ceiling * PLATEAU * 1.5)):
        turn(pacer)
        pacer.succeeded()
        rates.append(pacer.rate)
    assert rates == sorted(rates)  # never falls back without a 429
    halfway, plateau = rates[int(ceiling * PLATEAU / 2) - 1], rates[int(ceiling * PLATEAU) - 1]
    assert BACKOFF * ceiling < halfway < ceiling  # most of the way back by half-time
    assert halfway > ceiling * (1 - (1 - BACKOFF) / 4)
    assert plateau == pytest.approx(ceiling)  # back at the ceiling after PLATEAU s' worth
    assert rates[-1] > ceiling  # then probing beyond it, in case the limit went up


def test_turns_go_to_callers_in_the_order_they_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SteppedTime()
    monkeypatch.setattr(pacing, "time", clock)
    pacer = Pacer(5.0, 5.0)
    turn(pacer)  # at 1000.0: the next turn is at 1000.2
    for name in ("first", "second", "third"):
        clock.ask(pacer, name)
    clock.run_until_served()
    assert clock.served == ["first", "second", "third"]
    assert clock.now == pytest.approx(1000.6)  # and still one turn every 0.2 s


def test_a_closed_pacer_lets_its_waiters_go_and_gives_no_more_turns(clock: FakeTime) -> None:
    pacer = Pacer(1.0, 1.0)
    turn(pacer)
    pacer.limited(60.0, clock.now)  # a minute's pause
    pacer.close()
    assert pacer.wait_turn() is None
    assert clock.now < 1000.0 + 1.0  # it did not wait out the pause
