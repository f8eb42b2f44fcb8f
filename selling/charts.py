"""Geometry for the analytics charts, drawn server-side as inline SVG.

Why not a JavaScript chart library: the page must work without scripts, under the CSP,
with no CDN, and its figures must be readable by a screen reader; three small charts do
not need more than coordinates. Functions here return plain numbers and strings; the
templates (``selling/_svg_*.html``) draw them. Coordinates are in a ``viewBox`` 320 units
wide, about the width of a phone, so text stays legible when the SVG scales to 360 px and
does not grow huge on a desktop (the CSS caps the width).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 × 10ⁿ at or above ``value`` (at least 1): a readable axis top."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class AxisTick:
    y: str
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: str  # "x,y x,y …" for <polyline>
    area: str  # path for the filled area under the line
    ticks: list[AxisTick]
    x_labels: list[tuple[str, str, str]]  # (x, text-anchor, label)
    empty: bool


def line_chart(values: Sequence[int], *, height: int = 160) -> LineChart:
    """A line with the area under it, one point per value (per minute), y from 0."""
    left, right, top, bottom = 34, WIDTH - 8, 10, height - 22
    top_value = _nice_ceiling(max(values, default=0))
    span_x = right - left
    span_y = bottom - top
    n = len(values)

    def x(i: int) -> float:
        return left + (span_x * i / (n - 1) if n > 1 else span_x / 2)

    def y(v: int) -> float:
        return bottom - span_y * v / top_value

    coords = [(x(i), y(v)) for i, v in enumerate(values)]
    points = " ".join(f"{_num(px)},{_num(py)}" for px, py in coords)
    area = ""
    if coords:
        area = (
            f"M{_num(coords[0][0])},{bottom} "
            + " ".join(f"L{_num(px)},{_num(py)}" for px, py in coords)
            + f" L{_num(coords[-1][0])},{bottom} Z"
        )
    ticks = [AxisTick(y=_num(y(v)), label=str(v)) for v in sorted({0, top_value // 2, top_value})]
    x_labels = []
    if n:
        x_labels.append((_num(left), "start", "0'"))
        if n > 1:
            x_labels.append((_num(right), "end", f"{n - 1}'"))
    return LineChart(
        width=WIDTH,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=points,
        area=area,
        ticks=ticks,
        x_labels=x_labels,
        empty=not any(values),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as displayed (money, count)
    css: str  # an extra class (intent status…)
    y: int
    width: str
    text_x: str
    text_y: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]
    empty: bool


def bar_chart(rows: Sequence[tuple[str, int, str, str]], *, row_height: int = 26, label_width: int = 60) -> BarChart:
    """Horizontal bars, one per ``(label, value, shown, css)``, scaled to the largest value.

    Horizontal because product codes and statuses stay readable on a 360 px screen;
    the space right of the longest bar holds the value.
    """
    value_room = 96
    span = WIDTH - label_width - value_room
    largest = max((value for _l, value, _s, _c in rows), default=0)
    bar_height = row_height - 8
    bars = []
    for i, (label, value, shown, css) in enumerate(rows):
        width = span * value / largest if largest else 0
        y = 4 + i * row_height
        bars.append(
            Bar(
                label=label,
                value=value,
                shown=shown,
                css=css,
                y=y,
                width=_num(width),
                text_x=_num(label_width + width + 4),
                text_y=y + bar_height - 5,
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(len(rows), 1) * row_height + 8,
        label_width=label_width,
        bar_height=bar_height,
        bars=bars,
        empty=largest == 0,
    )
