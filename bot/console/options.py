"""The console's command-line options: `python -m bot console --now WHEN --as organiser`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.console.clock import EXAMPLE, BadMoment, parse_moment
from bot.console.display import USER_ID
from bot.settings import Settings

ROLES = ("attendee", "organiser")
CONSOLE_CHANNEL = "C0CONSOLE"  # the announcements channel, for an organiser, when none is set


@dataclass(frozen=True)
class ConsoleOptions:
    """How the console runs (`python -m bot console --help`): at what moment (`now`, without
    an offset meaning the event's timezone; None: the real time), and as whom."""

    now: datetime | None = None
    organiser: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ConsoleOptions:
        # `python -m bot` without tokens starts the console too, without these options.
        role = getattr(args, "role", "attendee")
        return cls(now=getattr(args, "now", None), organiser=role == "organiser")

    def settings(self, settings: Settings) -> Settings:
        """`settings` for the console: as an organiser, the person is one of the organisers,
        and has an announcements channel (a stand-in, unless one is configured)."""
        if not self.organiser:
            return settings
        changes: dict[str, Any] = {"organiser_ids": (*settings.organiser_ids, USER_ID)}
        if settings.announcements_channel is None:
            changes["announcements_channel"] = CONSOLE_CHANNEL
        return settings.model_copy(update=changes)


class _Moment(argparse.Action):
    """`--now`: a bad value is one clear line and exit status 2, before anything starts."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        try:
            setattr(namespace, self.dest, parse_moment(str(values)))
        except BadMoment as error:
            parser.exit(2, f"{parser.prog}: --now: {error}\n")


def _role(text: str) -> str:
    role = text.strip().lower().replace("organizer", "organiser")
    if role not in ROLES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(ROLES)}")
    return role


def add_console_options(parser: argparse.ArgumentParser) -> None:
    """The console's command-line options."""
    parser.add_argument(
        "--now",
        metavar="WHEN",
        action=_Moment,
        help=f"run as if it were WHEN, such as {EXAMPLE} (in the event's timezone unless an "
        "offset is given); the clock keeps moving from there",
    )
    parser.add_argument(
        "--as",
        dest="role",
        metavar="ROLE",
        type=_role,
        default="attendee",
        help="attendee (the default) or organiser: an organiser can use /announce",
    )
