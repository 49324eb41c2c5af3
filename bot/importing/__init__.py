"""`python -m bot import FILE`: a programme kept elsewhere (a spreadsheet's CSV, Sessionize's
"All data" export, frab's or pretalx's schedule.json) turned into `programme.json`, checked as
`check` checks it, and written to standard output or `--output`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.importing.convert import DEFAULT_TIMEZONE, FORMATS, Conversion, convert
from bot.wording import counted


def add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the CSV, Sessionize, frab or pretalx export")
    parser.add_argument(
        "--format", choices=FORMATS, help="the file's format (guessed from the file if not given)"
    )
    parser.add_argument(
        "--timezone",
        help=f"the event's IANA timezone (default: the export's, else {DEFAULT_TIMEZONE})",
    )
    parser.add_argument(
        "--event-name", help="the event's name (default: the export's, else the file's name)"
    )
    parser.add_argument(
        "--output", type=Path, help="write the programme here (default: standard output)"
    )


def run_import(args: argparse.Namespace) -> int:
    """Convert, report, write; 0 when a usable programme was written, else 1."""
    path: Path = args.file
    output: Path | None = args.output
    if output is not None and output.resolve() == path.resolve():
        print(f"{output} is the file being imported; give --output another name", file=sys.stderr)
        return 1
    try:
        raw = path.read_bytes()
    except OSError as error:
        print(f"Cannot read {path}: {error.strerror or error}", file=sys.stderr)
        return 1
    result = convert(
        raw,
        filename=path.name,
        format=args.format,
        timezone=args.timezone,
        event_name=args.event_name,
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.text is None or result.programme is None:
        _report_problems(path, result)
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if output is None:
        sys.stdout.write(result.text)
    else:
        existed = output.exists()
        try:
            _write(output, result.text)
        except OSError as error:
            print(f"Cannot write {output}: {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"{'Replaced' if existed else 'Wrote'} {output}", file=sys.stderr)
    programme = result.programme
    days = len(programme.days)
    print(
        f"Imported {counted(len(programme.sessions), 'session')} over {counted(days, 'day')} "
        f"from {path.name} ({result.format}): {programme.event.name}, {programme.event.timezone}",
        file=sys.stderr,
    )
    return 0


def _report_problems(path: Path, result: Conversion) -> None:
    count = len(result.problems)
    print(f"{path.name} has {counted(count, 'problem')}:", file=sys.stderr)
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    print("Nothing was written.", file=sys.stderr)


def _write(output: Path, text: str) -> None:
    """Whole or not at all: a half-written programme must never replace a good one."""
    temporary = output.with_name(f".{output.name}.importing")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)
