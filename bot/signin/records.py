"""Signed-in browsers: one document per session in `signins`, under a digest of the session's
secret (the secret itself is only ever in the browser's cookie), saying whose it is and
until when. Signing out deletes it; so does forgetting the person."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from bot.outbox.records import aware
from bot.store.engine import Engine, Tx

TABLE = "signins"


@dataclass(frozen=True)
class SignedIn:
    """Who a browser session belongs to: a Slack user, their name as Slack gave it, and when
    the session ends (aware)."""

    user_id: str
    name: str
    until: datetime


def key_of(secret: str) -> str:
    """The document's key for a session's secret: a digest, so the table cannot be used to
    sign in."""
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(tx: Tx, secret: str, signed_in: SignedIn) -> None:
    if not secret or not signed_in.user_id:
        raise ValueError("signin: a session needs a secret and a user")
    doc = {"user": signed_in.user_id, "name": signed_in.name, "until": aware(signed_in.until)}
    tx.put(TABLE, key_of(secret), doc)


def session_of(tx: Tx, secret: str, now: datetime) -> SignedIn | None:
    """Whose the session is, if it is open and has not ended by `now`."""
    doc = tx.get(TABLE, key_of(secret))
    if doc is None:
        return None
    signed_in = SignedIn(doc["user"], doc["name"], datetime.fromisoformat(doc["until"]))
    return signed_in if signed_in.until > now else None


def close_session(tx: Tx, secret: str) -> bool:
    return tx.delete(TABLE, key_of(secret))


def close_ended(tx: Tx, now: datetime) -> int:
    """Delete the sessions that have ended (there are few: organisers' browsers)."""
    ended = [key for key, doc in tx.find(TABLE) if datetime.fromisoformat(doc["until"]) <= now]
    for key in ended:
        tx.delete(TABLE, key)
    return len(ended)


def forget(tx: Tx, user: str) -> None:
    for key, _ in tx.find(TABLE, user=user):
        tx.delete(TABLE, key)


class SignInRecords:
    """Browser sessions over `engine`."""

    engine: Engine

    def open_session(self, *, secret: str, signed_in: SignedIn, now: datetime) -> None:
        def work(tx: Tx) -> None:
            close_ended(tx, now)
            open_session(tx, secret, signed_in)

        self.engine.transaction(work)

    def session_of(self, *, secret: str, now: datetime) -> SignedIn | None:
        return self.engine.read(lambda tx: session_of(tx, secret, now))

    def signed_in(self, *, user_id: str) -> int:
        """How many sessions `user_id` has (ended ones included, until they are deleted)."""
        return self.engine.read(lambda tx: tx.count(TABLE, user=user_id))

    def close_session(self, *, secret: str) -> bool:
        return self.engine.transaction(lambda tx: close_session(tx, secret))
