"""Small server-rendered SVG bar charts for the Master UI: geometry only, no JavaScript, no library.

The template draws the bars and writes the figures beside them as text (a table for screen readers), so a chart
never carries information that is not also written down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320
HEIGHT = 80
GAP = 2  # between bars, in viewBox units


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    highest: float
    total: float


def bar_chart(series: Sequence[tuple[str, float]], *, width: int = WIDTH, height: int = HEIGHT) -> BarChart | None:
    """Bars for `series` (label, value >= 0) scaled to the highest value; None for an empty series.

    An all-zero series draws no bar but still has its labels, so "nothing happened" reads as such.
    """
    if not series:
        return None
    highest = max(max(value, 0.0) for _, value in series)
    slot = width / len(series)
    bar_width = max(slot - GAP, 1.0)
    bars = []
    for index, (label, value) in enumerate(series):
        bar_height = (max(value, 0.0) / highest) * height if highest else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot, 2),
                y=round(height - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
            )
        )
    return BarChart(
        width=width, height=height, bars=tuple(bars), highest=highest, total=sum(value for _, value in series)
    )
