"""The storage engine: keyed JSON documents in tables, transactions and claims (see
`bot.store.engine`), in memory, in TinyDB files, or in PostgreSQL. It knows nothing of the
bot's features: each feature keeps its own records through it (see `bot.records`)."""

from __future__ import annotations

from bot.store.engine import Doc, Engine, StoreError, Tx

__all__ = ["Doc", "Engine", "StoreError", "Tx"]
