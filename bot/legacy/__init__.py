"""The store as earlier versions of the bot kept it (one class, a journal of operations), kept
only so that `bot.upgrade` can read their databases: nothing here writes."""
