"""The balance-over-time chart of the Pay UI: a small server-rendered SVG line, no JavaScript, no library.

`balance_chart` turns the ledger's daily closing balances into the numbers a template draws: a viewBox, the
polyline's points, the area under it, and the extremes a reader needs (first, last, lowest, highest). The
template owns the markup (so text stays translatable); this module owns only the geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from azora.shared.money import Money

WIDTH = 320
HEIGHT = 96
PADDING = 4  # keeps the 2-unit stroke inside the viewBox at the extremes


@dataclass(frozen=True, slots=True)
class ChartPoint:
    day: date
    balance: Money
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class BalanceChart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    line: str  # the `points` attribute of an SVG <polyline>
    area: str  # the `points` attribute of an SVG <polygon> that closes the line down to the baseline
    first: ChartPoint
    last: ChartPoint
    lowest: Money
    highest: Money

    @property
    def change(self) -> Money:
        return self.last.balance - self.first.balance

    @property
    def is_flat(self) -> bool:
        return self.lowest == self.highest


def _coordinate(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def balance_chart(history: Sequence[tuple[date, Money]]) -> BalanceChart | None:
    """The chart of `history` (oldest day first), or None when there is nothing to draw.

    The vertical scale runs from the lowest to the highest balance of the period (zero included, so a
    growing balance is not exaggerated); a flat history is drawn as a line across the middle.
    """
    if not history:
        return None
    ordered = sorted(history, key=lambda item: item[0])
    minors = [money.minor for _, money in ordered]
    currency = ordered[0][1].currency
    low, high = min([*minors, 0]), max([*minors, 0])
    span = high - low
    inner_width = WIDTH - 2 * PADDING
    inner_height = HEIGHT - 2 * PADDING
    step = inner_width / (len(ordered) - 1) if len(ordered) > 1 else 0.0

    points = []
    for index, (day, money) in enumerate(ordered):
        x = PADDING + index * step if len(ordered) > 1 else WIDTH / 2
        y = HEIGHT / 2 if span == 0 else PADDING + (high - money.minor) / span * inner_height
        points.append(ChartPoint(day=day, balance=money, x=x, y=y))

    line = " ".join(f"{_coordinate(p.x)},{_coordinate(p.y)}" for p in points)
    baseline = HEIGHT - PADDING if span == 0 else PADDING + high / span * inner_height
    base = _coordinate(baseline)
    area = f"{_coordinate(points[0].x)},{base} {line} {_coordinate(points[-1].x)},{base}"
    return BalanceChart(
        width=WIDTH,
        height=HEIGHT,
        points=tuple(points),
        line=line,
        area=area,
        first=points[0],
        last=points[-1],
        lowest=Money(min(minors), currency),
        highest=Money(max(minors), currency),
    )
