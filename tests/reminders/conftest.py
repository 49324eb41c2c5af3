"""Tests here run on real time: see `tests.support.live_programme`."""

from tests.support.live_programme import clock, parts, programme_path, settings_overrides

__all__ = ["clock", "parts", "programme_path", "settings_overrides"]
