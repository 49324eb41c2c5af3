"""The outbox's records: every message the bot sends unasked is an `Entry`, kept in the
`outbox` table under its one-time key, so the same entry added twice (by two processes, or a
job run twice) is kept once: the key is the table's key, and the engine refuses a second.

An entry is written in the same transaction as the decision that caused it (a promotion, a
broadcast's Send), and settled once sent or given up. A pending entry carries `due` (when it
may be sent: now, a reminder's moment, or a retry's) and `rank` (its deadline: the soonest
to expire go first), which the engine's `claim` uses to hand each to one sender at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

from bot.store.engine import Doc, Engine, Tx

TABLE = "outbox"

EntryStatus = Literal["pending", "sent", "failed", "expired", "cancelled"]
SETTLED: tuple[EntryStatus, ...] = ("sent", "failed", "expired", "cancelled")


@dataclass(frozen=True)
class Entry:
    """One message in the outbox, to `recipient` (a user id: their DM; or a channel id).

    `kind` says which feature renders and sends it ("reminder", "broadcast", "promotion"…),
    `subject` what it is about (a session or broadcast id), `version` which occurrence (a due
    time, a promotion time…): together with `recipient` they make the one-time `key`. It is
    worth sending from `not_before` (None: at once) until `deadline` (aware); after that it
    expires. `deadline` and `created_at` are read on the bot's clock (the event's time);
    `not_before` on the real one, as it paces Slack calls (leases, back-off, Retry-After).
    The feature draws the message at sending time, from `about` if it needs more than the
    entry says (the facts of a change: the session before and after, as the programme
    gave them; never a Slack payload). `message` holds chat.postMessage arguments only for
    a reply Slack refused, sent later as it was drawn (and for news queued by earlier
    versions).
    `attempted_at` is set while a sender posts it and Slack has not said how that went: a
    sender that finds it set (the last one died, or the call timed out) asks Slack whether
    the message is there before posting it again. Once sent, `posted_in` and `posted_ts`
    say where the message is, for the feature to update it later."""

    kind: str
    subject: str
    recipient: str
    version: str
    deadline: datetime
    created_at: datetime
    message: dict[str, Any] | None = None
    status: EntryStatus = "pending"
    settled_at: datetime | None = None
    detail: str = ""
    not_before: datetime | None = None
    attempted_at: datetime | None = None
    posted_in: str | None = None
    posted_ts: str | None = None
    about: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return entry_key(self.kind, self.subject, self.recipient, self.version)


def entry_key(kind: str, subject: str, recipient: str, version: str) -> str:
    """The one-time key of an outbox entry."""
    return f"{kind}|{subject}|{recipient}|{version}"


@dataclass(frozen=True)
class Notice:
    """What to add to the outbox for each person a change moves off a waitlist: an entry of
    `kind` about `subject`, worth sending until `deadline`. The recipient and the version
    (the moment of the move) are filled in for each person."""

    kind: str
    subject: str
    deadline: datetime


@dataclass(frozen=True)
class Counts:
    """How the outbox entries of one subject stand."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.failed + self.expired + self.cancelled

    @property
    def settled(self) -> int:
        return self.total - self.pending


_TIMES = ("deadline", "created_at", "settled_at", "not_before", "attempted_at")
_FIELDS = tuple(f.name for f in fields(Entry))


def aware(moment: datetime) -> str:
    """A moment as the records keep it: ISO 8601 in UTC. ValueError if it is naive."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("times must be aware datetimes")
    return moment.astimezone(UTC).isoformat()


AT_ONCE = aware(datetime(2000, 1, 1, tzinfo=UTC))
"""The `due` of an entry with no `not_before`: claimable at once, whatever the clock says."""


def to_doc(entry: Entry) -> Doc:
    """An entry as its document; a pending one is claimable from `not_before`."""
    for name in ("kind", "subject", "recipient", "version"):
        if not isinstance(getattr(entry, name), str) or not getattr(entry, name):
            raise ValueError(f"entry: {name} must be a non-empty string")
    if entry.status not in ("pending", *SETTLED):
        raise ValueError(f"entry: unknown status {entry.status!r}")
    if (entry.status == "pending") != (entry.settled_at is None):
        raise ValueError("entry: settled_at is set exactly when the entry is settled")
    doc: Doc = {name: getattr(entry, name) for name in _FIELDS}
    for name in _TIMES:
        if doc[name] is not None:
            doc[name] = aware(doc[name])
    if entry.status == "pending":
        doc["due"] = doc["not_before"] or AT_ONCE
        doc["rank"] = doc["deadline"]
    return doc


def of_doc(doc: Doc) -> Entry:
    values: dict[str, Any] = {name: doc.get(name) for name in _FIELDS}
    for name in _TIMES:
        if values[name] is not None:
            values[name] = datetime.fromisoformat(values[name])
    values["detail"] = values["detail"] or ""
    return Entry(**values)


# --- changes (inside a transaction) ---------------------------------------------------------


def enqueue(tx: Tx, entries: Iterable[Entry]) -> list[Entry]:
    """Add entries; those whose key is already there are left out. Returns those added."""
    return [entry for entry in entries if tx.add(TABLE, entry.key, to_doc(entry))]


def notify(tx: Tx, notice: Notice | None, people: Sequence[str], at: datetime) -> None:
    """Add `notice` for each person moved off a waitlist at `at`."""
    if notice is None:
        return
    version = aware(at)
    enqueue(
        tx,
        (Entry(notice.kind, notice.subject, person, version, notice.deadline, at)
         for person in people),
    )  # fmt: skip


def settle(
    tx: Tx,
    key: str,
    status: EntryStatus,
    at: datetime,
    detail: str = "",
    posted: tuple[str, str] | None = None,
) -> bool:
    """Mark a pending entry sent, failed, expired or cancelled; False if it was not pending.
    A cancelled entry can still be marked sent: it was on its way when it was cancelled.
    `posted`: the channel and ts of the message Slack accepted."""
    if status not in SETTLED:
        raise ValueError(f"settle: status must be one of {list(SETTLED)}")
    doc = tx.get(TABLE, key)
    if doc is None:
        return False
    went_anyway = doc["status"] == "cancelled" and status == "sent"
    if doc["status"] != "pending" and not went_anyway:
        return False
    entry = replace(of_doc(doc), status=status, settled_at=at, detail=detail)
    if posted is not None:
        entry = replace(entry, posted_in=posted[0], posted_ts=posted[1])
    tx.put(TABLE, key, to_doc(entry))
    return True


def postpone(tx: Tx, key: str, until: datetime, *, unsent: bool = False) -> bool:
    """Try a pending entry again at `until` (a retry, a rate limit); False if not pending.
    `unsent`: Slack said it did not take the last attempt (a 429), so the next one need not
    ask Slack first."""
    doc = tx.get(TABLE, key)
    if doc is None or doc["status"] != "pending":
        return False
    entry = of_doc(doc)
    attempted_at = None if unsent else entry.attempted_at
    tx.put(TABLE, key, to_doc(replace(entry, not_before=until, attempted_at=attempted_at)))
    return True


def attempt(tx: Tx, key: str, at: datetime, until: datetime) -> bool:
    """Note that a sender is posting a pending entry now (`at`); nobody else claims it before
    `until`, by which time the sender has settled it, or died. False if it is not pending."""
    doc = tx.get(TABLE, key)
    if doc is None or doc["status"] != "pending":
        return False
    tx.put(TABLE, key, to_doc(replace(of_doc(doc), attempted_at=at, not_before=until)))
    return True


def cancel(tx: Tx, kind: str, subject: str, at: datetime, detail: str = "cancelled") -> int:
    """Cancel every pending entry of `kind` about `subject`; returns how many."""
    pending = tx.find(TABLE, kind=kind, subject=subject, status="pending")
    for key, _ in pending:
        settle(tx, key, "cancelled", at, detail)
    return len(pending)


def unaddress(tx: Tx, recipient: str, at: datetime) -> int:
    """Cancel the entries pending to `recipient`, then make every entry to them anonymous:
    each keeps its kind, subject and status (so counts stay), under a recipient that names
    nobody, without its message or where it was posted. Returns how many were cancelled."""
    cancelled = 0
    for key, doc in tx.find(TABLE, recipient=recipient):
        entry = of_doc(doc)
        if entry.status == "pending":
            entry = replace(entry, status="cancelled", settled_at=at, detail="forgotten")
            cancelled += 1
        anonymous = replace(entry, recipient=f"forgotten-{uuid.uuid4().hex}", message=None,
                            posted_in=None, posted_ts=None)  # fmt: skip
        tx.delete(TABLE, key)
        tx.add(TABLE, anonymous.key, to_doc(anonymous))
    return cancelled


# --- lookups --------------------------------------------------------------------------------


def entry(tx: Tx, key: str) -> Entry | None:
    doc = tx.get(TABLE, key)
    return None if doc is None else of_doc(doc)


def counts(tx: Tx, kind: str, subject: str) -> Counts:
    return Counts(**{
        status: tx.count(TABLE, kind=kind, subject=subject, status=status)
        for status in ("pending", *SETTLED)
    })  # fmt: skip


def problems(tx: Tx, since: datetime) -> list[Entry]:
    """Entries that failed or expired since `since`, oldest first."""
    found = [
        of_doc(doc) for status in ("failed", "expired") for _, doc in tx.find(TABLE, status=status)
    ]
    recent = [e for e in found if e.settled_at is not None and e.settled_at >= since]
    return sorted(recent, key=lambda e: e.settled_at or since)


def posted_message(tx: Tx, kind: str, subject: str, recipient: str) -> tuple[str, str] | None:
    """Where the last message of `kind` about `subject` sent to `recipient` is (its channel
    and ts), if Slack said so."""
    sent = [
        of_doc(doc)
        for _, doc in tx.find(TABLE, kind=kind, subject=subject, recipient=recipient, status="sent")
    ]
    placed = [e for e in sent if e.posted_in and e.posted_ts]
    if not placed:
        return None
    last = max(placed, key=lambda e: e.settled_at or e.created_at)
    return str(last.posted_in), str(last.posted_ts)


def backlog(tx: Tx) -> int:
    return tx.count(TABLE, status="pending")


def pending_to(tx: Tx, recipient: str) -> int:
    return tx.count(TABLE, recipient=recipient, status="pending")


def claim(engine: Engine, *, owner: str, now: datetime, lease: float, limit: int) -> list[Entry]:
    """Pending entries due at `now`, soonest deadline first, each claimed by `owner` for
    `lease` seconds (no other sender gets them meanwhile)."""
    claimed = engine.claim(TABLE, owner=owner, now=now, lease=lease, limit=limit)
    return [of_doc(doc) for _, doc in claimed if doc.get("status") == "pending"]


# --- each operation as its own transaction ----------------------------------------------------

ENQUEUE_CHUNK = 500
"""Outbox entries added per transaction by `OutboxRecords.enqueue`: each one short (a few
milliseconds), so requests are not held up behind thousands of inserts."""


class OutboxRecords:
    """The outbox's operations over `engine`, each its own transaction (the functions above
    of the same names, for the parts that do not compose transactions themselves)."""

    engine: Engine

    def enqueue(self, *, entries: Sequence[Entry]) -> list[Entry]:
        """Add entries (those already there are left out), `ENQUEUE_CHUNK` per transaction:
        a batch of thousands (a session's reminders) neither holds everyone else up nor
        waits whole before the first can be sent. Returns those added."""
        added: list[Entry] = []
        for start in range(0, len(entries), ENQUEUE_CHUNK):
            part = entries[start : start + ENQUEUE_CHUNK]
            added += self.engine.transaction(lambda tx, part=part: enqueue(tx, part))  # type: ignore[misc]
        return added

    def settle(
        self,
        *,
        key: str,
        status: EntryStatus,
        at: datetime,
        detail: str = "",
        posted: tuple[str, str] | None = None,
    ) -> bool:
        return self.engine.transaction(lambda tx: settle(tx, key, status, at, detail, posted))

    def posted_message(self, *, kind: str, subject: str, recipient: str) -> tuple[str, str] | None:
        """Where the last message of `kind` about `subject` sent to `recipient` is."""
        return self.engine.read(lambda tx: posted_message(tx, kind, subject, recipient))

    def postpone(self, *, key: str, until: datetime, unsent: bool = False) -> bool:
        """Try a pending entry again at `until`; False if it is no longer pending."""
        return self.engine.transaction(lambda tx: postpone(tx, key, until, unsent=unsent))

    def attempt(self, *, key: str, at: datetime, until: datetime) -> bool:
        """A sender posts a pending entry now; False if it is no longer pending."""
        return self.engine.transaction(lambda tx: attempt(tx, key, at, until))

    def entry(self, *, key: str) -> Entry | None:
        return self.engine.read(lambda tx: entry(tx, key))

    def counts(self, *, kind: str, subject: str) -> Counts:
        return self.engine.read(lambda tx: counts(tx, kind, subject))

    def problems(self, *, since: datetime) -> list[Entry]:
        return self.engine.read(lambda tx: problems(tx, since))

    def backlog(self) -> int:
        return self.engine.read(backlog)

    def pending_to(self, *, recipient: str) -> int:
        return self.engine.read(lambda tx: pending_to(tx, recipient))

    def claim_entries(self, *, owner: str, now: datetime, lease: float, limit: int) -> list[Entry]:
        """Pending entries due at `now`, soonest deadline first, claimed by `owner`."""
        return claim(self.engine, owner=owner, now=now, lease=lease, limit=limit)

    def wait_entries(self, *, timeout: float) -> None:
        """Return when an entry may have become pending, or after `timeout` seconds."""
        self.engine.wait(TABLE, timeout)
