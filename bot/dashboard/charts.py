"""Bar charts as inline SVG, drawn by pure functions: no script, no `style` (the pages'
Content-Security-Policy allows styles only from the stylesheet), so colours come from class
names the stylesheet styles, with presentation attributes as the fallback.

Every label and number is escaped. Each chart is an image with its title as its name
(`role="img"`, `aria-label` and `<title>`), and each bar has a `<title>` saying its label and
value; the page puts a table of the same numbers beside it, for screen readers and for
copying. The charts scale to the width they are given (`viewBox`, width 100%), down to a
phone's 360 pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.blocks.formatting import truncate

WIDTH = 360  # the viewBox's width; the chart is drawn to whatever width the page gives it
ROW = 36  # a horizontal bar's row: its label above, the bar below
BAR = 12
LABEL_SIZE = 14
VALUE_ROOM = 56  # right of the longest bar, for its value
LABEL_LIMIT = 44  # characters of a label shown in a horizontal chart (all of it in the table)
PLOT = 160  # a vertical chart's height above its axis
AXIS_ROOM = 22  # below the axis, for the labels
TOP_ROOM = 18  # above the highest column, for its value
MOST_LABELS = 8  # columns labelled along the axis at most (every column has its title)
MOST_VALUES = 16  # with more columns than this, the values are in their titles only

FILL = "#1f5fa8"
TONES = {"": FILL, "full": "#a4262c", "muted": "#6b6b6b"}
"""Each tone's colour, as the `fill` attribute (the stylesheet's class wins where it loads)."""


@dataclass(frozen=True)
class Bar:
    """One bar: what it stands for (`label`, all of it in its title), its `value`, a shorter
    label for a column chart's axis (`short`), and its `tone`: "" or one of `TONES`."""

    label: str
    value: int
    short: str = ""
    tone: str = ""


def horizontal_bars(bars: Sequence[Bar], *, title: str) -> Markup:
    """A bar per row, its label above it and its value at its end."""
    most = max((bar.value for bar in bars), default=0)
    room = WIDTH - VALUE_ROOM
    height = max(len(bars), 1) * ROW + 4
    parts = [_open(title, height)]
    for index, bar in enumerate(bars):
        top = index * ROW
        length = _length(bar.value, most, room)
        parts.append(
            f'<g class="bar{_tone_class(bar)}">'
            f"<title>{escape(bar.label)}: {_number(bar.value)}</title>"
            f'<text class="label" x="0" y="{top + LABEL_SIZE}" font-size="{LABEL_SIZE}">'
            f"{escape(truncate(bar.label, LABEL_LIMIT))}</text>"
            f'<rect x="0" y="{top + 19}" width="{length:.1f}" height="{BAR}" '
            f'fill="{_fill(bar)}"/>'
            f'<text class="value" x="{length + 4:.1f}" y="{top + 30}" font-size="{LABEL_SIZE}">'
            f"{_number(bar.value)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def vertical_bars(bars: Sequence[Bar], *, title: str) -> Markup:
    """A column per bar along an axis, for values over time: every column labelled when
    few, one in so many otherwise; each value above its column when there is room."""
    most = max((bar.value for bar in bars), default=0)
    slot = WIDTH / max(len(bars), 1)
    width = max(slot * 0.7, 1.0)
    every = math.ceil(len(bars) / MOST_LABELS) if bars else 1
    axis = TOP_ROOM + PLOT
    height = axis + AXIS_ROOM
    parts = [_open(title, height)]
    parts.append(f'<line class="axis" x1="0" y1="{axis}" x2="{WIDTH}" y2="{axis}" '
                 f'stroke="#6b6b6b" stroke-width="1"/>')  # fmt: skip
    for index, bar in enumerate(bars):
        length = _length(bar.value, most, PLOT)
        left = index * slot + (slot - width) / 2
        middle = index * slot + slot / 2
        column = [
            f'<g class="bar{_tone_class(bar)}">',
            f"<title>{escape(bar.label)}: {_number(bar.value)}</title>",
            f'<rect x="{left:.1f}" y="{axis - length:.1f}" width="{width:.1f}" '
            f'height="{length:.1f}" fill="{_fill(bar)}"/>',
        ]
        if len(bars) <= MOST_VALUES:
            column.append(
                f'<text class="value" x="{middle:.1f}" y="{axis - length - 4:.1f}" '
                f'font-size="{LABEL_SIZE - 1}" text-anchor="middle">{_number(bar.value)}</text>'
            )
        if index % every == 0:
            column.append(
                f'<text class="label" x="{middle:.1f}" y="{axis + 16}" '
                f'font-size="{LABEL_SIZE - 1}" text-anchor="middle">'
                f"{escape(bar.short or bar.label)}</text>"
            )
        column.append("</g>")
        parts.append("".join(column))
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(title: str, height: float) -> str:
    name = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{name}" viewBox="0 0 {WIDTH} {height:g}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{name}</title>'
    )


def _length(value: int, most: int, room: float) -> float:
    """A bar's length: in proportion to the longest, which fills `room`."""
    return 0.0 if most <= 0 else max(value, 0) / most * room


def _number(value: int) -> Markup:
    return escape(f"{value:,}")


def _tone_class(bar: Bar) -> str:
    return f" {bar.tone}" if bar.tone in TONES and bar.tone else ""


def _fill(bar: Bar) -> str:
    return TONES.get(bar.tone, FILL)
