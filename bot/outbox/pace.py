"""One pace for every process: Slack's rate limits are per app and workspace, not per process.

The `pace` table holds, per Web API method, the next moment a call may be made and the end of
any pause Slack asked for with `Retry-After`. Each sender takes its turn from there (one
short transaction per call), so several processes together keep to one rate, and a 429 seen
by one holds every one back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.outbox.records import aware
from bot.store.engine import Tx

TABLE = "pace"


def _moment(value: object, default: datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else default


def take_turn(tx: Tx, method: str, now: datetime, interval: float) -> datetime:
    """The moment this caller may call `method` (now or later); the next caller's turn comes
    `interval` seconds after it, and never before a pause ends."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    turn = max(now, _moment(doc.get("next"), now), _moment(doc.get("pause_until"), now))
    after = aware(turn + timedelta(seconds=interval))
    tx.put(TABLE, method, {"next": after, "pause_until": doc.get("pause_until")})
    return turn


def pause(tx: Tx, method: str, until: datetime) -> None:
    """Slack said to wait until `until`: no process calls `method` before then."""
    tx.lock(f"{TABLE}:{method}")
    doc = tx.get(TABLE, method) or {}
    later = max(until, _moment(doc.get("pause_until"), until))
    tx.put(TABLE, method, {"next": doc.get("next"), "pause_until": aware(later)})
