"""The charts, pure: well-formed SVG, each an image with a name, each bar with its label and
value, everything escaped, no style (the pages' Content-Security-Policy would refuse it), and
bars in proportion."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from markupsafe import Markup

from bot.dashboard.charts import (
    LABEL_LIMIT,
    MOST_LABELS,
    MOST_VALUES,
    VALUE_ROOM,
    WIDTH,
    Bar,
    horizontal_bars,
    vertical_bars,
)

SVG = "{http://www.w3.org/2000/svg}"
Draw = Callable[..., Markup]
HOSTILE = "<script>alert(1)</script> & \"quotes\" 'too'"
DRAWN = [horizontal_bars, vertical_bars]


def bars_of(svg: str) -> list[tuple[str, int]]:
    """(label, value) of each bar, read from the bar's `<title>`, as a screen reader or a
    pointer hovering it would."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        if "bar" not in (group.get("class") or "").split():
            continue
        title = group.find(f"{SVG}title")
        assert title is not None and title.text is not None
        label, _, value = title.text.rpartition(": ")
        found.append((label, int(value.replace(",", ""))))
    return found


def rects(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}rect"))


@pytest.mark.parametrize("draw", DRAWN)
def test_a_chart_is_a_named_image_of_well_formed_svg(draw: Draw) -> None:
    svg = draw([Bar("Monday", 3), Bar("Tuesday", 12_345)], title="Places by day")
    assert isinstance(svg, Markup)
    root = ET.fromstring(svg)  # well-formed, or this raises
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Places by day"
    first = root[0]
    assert first.tag == f"{SVG}title" and first.text == "Places by day"
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert bars_of(svg) == [("Monday", 3), ("Tuesday", 12345)]
    assert "12,345" in svg


@pytest.mark.parametrize("draw", DRAWN)
def test_labels_numbers_and_the_title_are_escaped(draw: Draw) -> None:
    svg = draw([Bar(HOSTILE, 1, short=HOSTILE)], title=HOSTILE)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # quotes in an attribute would break it
    assert root.get("aria-label") == HOSTILE
    assert bars_of(svg) == [(HOSTILE, 1)]


@pytest.mark.parametrize("draw", DRAWN)
def test_no_style_and_no_script_anywhere(draw: Draw) -> None:
    svg = str(draw([Bar("a", 1, tone="full"), Bar("b", 2, tone="muted")], title="t"))
    assert not re.search(r"\sstyle\s*=", svg, re.IGNORECASE)
    assert "<style" not in svg.lower() and "<script" not in svg.lower()
    assert not re.search(r"\son\w+\s*=", svg)  # no event handlers either
    assert "url(" not in svg and "href" not in svg


def test_horizontal_bars_are_in_proportion_to_the_longest() -> None:
    svg = horizontal_bars([Bar("a", 10), Bar("b", 5), Bar("c", 0)], title="t")
    widths = [float(rect.get("width", "")) for rect in rects(svg)]
    room = WIDTH - VALUE_ROOM
    assert widths == [pytest.approx(room), pytest.approx(room / 2), 0.0]


def test_vertical_bars_are_in_proportion_to_the_highest() -> None:
    svg = vertical_bars([Bar("a", 4), Bar("b", 1)], title="t")
    heights = [float(rect.get("height", "")) for rect in rects(svg)]
    assert heights[0] == pytest.approx(4 * heights[1])
    tops = [float(rect.get("y", "")) + float(rect.get("height", "")) for rect in rects(svg)]
    assert tops[0] == pytest.approx(tops[1])  # both stand on the axis


@pytest.mark.parametrize("draw", DRAWN)
def test_no_bars_or_only_zeros_still_draw_an_empty_chart(draw: Draw) -> None:
    for bars in ([], [Bar("a", 0), Bar("b", 0)]):
        svg = draw(bars, title="Nothing yet")
        ET.fromstring(svg)
        assert all(float(rect.get("width", "0")) >= 0 for rect in rects(svg))
        assert bars_of(svg) == [(bar.label, bar.value) for bar in bars]


def test_a_long_label_is_shortened_on_the_chart_and_whole_in_its_title() -> None:
    label = "Confidence in court: evidence and report writing for care proceedings"
    svg = horizontal_bars([Bar(label, 7)], title="t")
    shown = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "label"]
    assert shown[0] is not None and len(shown[0]) <= LABEL_LIMIT and shown[0].endswith("…")
    assert bars_of(svg) == [(label, 7)]


def test_many_columns_label_some_on_the_axis_and_keep_every_value_in_a_title() -> None:
    bars = [Bar(f"Day {n}", n, short=f"{n} Mar") for n in range(1, 41)]
    svg = vertical_bars(bars, title="Over time")
    texts = list(ET.fromstring(svg).iter(f"{SVG}text"))
    labels = [t for t in texts if t.get("class") == "label"]
    values = [t for t in texts if t.get("class") == "value"]
    assert 1 < len(labels) <= MOST_LABELS and labels[0].text == "1 Mar"
    assert values == []  # too many to print: each is in its bar's title
    assert bars_of(svg) == [(bar.label, bar.value) for bar in bars]
    few = vertical_bars(bars[:MOST_VALUES], title="Few")
    printed = [t.text for t in ET.fromstring(few).iter(f"{SVG}text") if t.get("class") == "value"]
    assert printed == [str(n) for n in range(1, MOST_VALUES + 1)]


def test_a_tone_is_a_class_the_stylesheet_colours_and_an_unknown_one_is_ignored() -> None:
    svg = horizontal_bars([Bar("a", 1, tone="full"), Bar("b", 1, tone='x" onload="y')], title="t")
    groups = [g.get("class") for g in ET.fromstring(svg).iter(f"{SVG}g")]
    assert groups == ["bar full", "bar"]
    assert "onload" not in svg
