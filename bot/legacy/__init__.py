"""The store as it was before the engine: kept to read databases written by earlier versions."""
