"""Shared by the import tests: the test files, and converting one."""

from __future__ import annotations

from pathlib import Path

from bot.importing.convert import Conversion, convert

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def convert_file(name: str, **options: str) -> Conversion:
    return convert((DATA / name).read_bytes(), filename=name, **options)


def convert_text(text: str, *, filename: str = "programme.csv", **options: str) -> Conversion:
    return convert(text.encode("utf-8"), filename=filename, **options)
