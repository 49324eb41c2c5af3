"""One pace for every process: Slack's rate limits are per app and workspace, not per process.

The `pace` table holds, per Web API method, the next moment a call may be made, the end of
any pause Slack asked for with `Retry-After`, and when the calls of the last second went
through. Each sender takes its turn from there (one short transaction per call), so several
processes together keep to one rate, a 429 seen by one holds every one back, and the rate
that met Slack's limit is measured over all of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.outbox.records import OutboxRecords, aware
from bot.store.engine import Engine, Tx

TABLE = "pace"


def _moment(value: object, default: datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else default


def take_turn(
    tx: Tx, method: str, now: datetime, interval: float, latest: datetime | None = None
) -> datetime:
    """The moment this caller may call `method` (now or later); the next caller's turn comes
    `interval` seconds after it, and never before a pause ends. With `latest`, a turn that
    would come after it is not taken: the moment it would come is returned, and the line is
    left as it was (for a caller who cannot wait that long)."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    turn = max(now, _moment(doc.get("next"), now), _moment(doc.get("pause_until"), now))
    if latest is not None and turn > latest:
        return turn
    after = aware(turn + timedelta(seconds=interval))
    tx.put(TABLE, method, doc | {"next": after})
    return turn


def try_turn(tx: Tx, method: str, now: datetime, interval: float) -> bool:
    """Take the turn to call `method` only if it is now (True); otherwise leave the line as
    it is (False)."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    if max(_moment(doc.get("next"), now), _moment(doc.get("pause_until"), now)) > now:
        return False
    tx.put(TABLE, method, doc | {"next": aware(now + timedelta(seconds=interval))})
    return True


def pause(tx: Tx, method: str, until: datetime) -> None:
    """Slack said to wait until `until`: no process calls `method` before then."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    later = max(until, _moment(doc.get("pause_until"), until))
    tx.put(TABLE, method, doc | {"pause_until": aware(later)})


def succeeded(tx: Tx, method: str, now: datetime) -> int:
    """A call to `method` went through at `now`; returns how many did in the last second,
    in every process."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    moment = now.timestamp()
    recent = [t for t in doc.get("ok", []) if t > moment - 1.0] + [moment]
    tx.put(TABLE, method, doc | {"ok": recent})
    return len(recent)


def recent(tx: Tx, method: str, now: datetime) -> int:
    """How many calls to `method` went through in the second before `now`, in every process."""
    doc = tx.get(TABLE, method) or {}
    return sum(1 for t in doc.get("ok", []) if t > now.timestamp() - 1.0)


class PaceRecords:
    """The shared pace's operations over `engine`, each its own transaction."""

    engine: Engine

    def take_turn(
        self, *, method: str, now: datetime, interval: float, latest: datetime | None = None
    ) -> datetime:
        """When this process may next call `method`, on the pace every process shares (not
        taken if after `latest`)."""
        return self.engine.transaction(lambda tx: take_turn(tx, method, now, interval, latest))

    def try_turn(self, *, method: str, now: datetime, interval: float) -> bool:
        """Whether this process may call `method` now (its turn, then taken)."""
        return self.engine.transaction(lambda tx: try_turn(tx, method, now, interval))

    def pause_calls(self, *, method: str, until: datetime) -> None:
        """Hold every process's calls to `method` back until `until` (a 429)."""
        self.engine.transaction(lambda tx: pause(tx, method, until))

    def call_succeeded(self, *, method: str, now: datetime) -> None:
        """Count a call that went through, for the rate every process measures."""
        self.engine.transaction(lambda tx: succeeded(tx, method, now))

    def recent_calls(self, *, method: str, now: datetime) -> int:
        """How many calls to `method` went through in the last second, in every process."""
        return self.engine.read(lambda tx: recent(tx, method, now))


class SendingRecords(OutboxRecords, PaceRecords):
    """What the outbox's sender uses: the outbox, and the pace every process shares."""
