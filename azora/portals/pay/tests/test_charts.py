"""The balance chart's geometry: exact points for known histories, a flat line, a single day, nothing."""

from __future__ import annotations

from datetime import date

from azora.portals.pay.charts import HEIGHT, PADDING, WIDTH, balance_chart
from azora.shared.money import Money


def _azr(minor: int) -> Money:
    return Money(minor, "AZR")


def test_no_history_draws_no_chart() -> None:
    assert balance_chart([]) is None


def test_a_rising_balance_runs_from_the_baseline_up_to_the_top() -> None:
    chart = balance_chart(
        [(date(2026, 11, 1), _azr(0)), (date(2026, 11, 2), _azr(500)), (date(2026, 11, 3), _azr(1000))]
    )

    assert chart is not None
    assert chart.line == "4,92 160,48 316,4"
    assert chart.area == "4,92 4,92 160,48 316,4 316,92"
    assert (chart.lowest, chart.highest) == (_azr(0), _azr(1000))
    assert chart.change == _azr(1000)
    assert chart.first.day == date(2026, 11, 1)
    assert chart.last.balance == _azr(1000)


def test_days_are_drawn_in_date_order_whatever_order_they_come_in() -> None:
    chart = balance_chart([(date(2026, 11, 3), _azr(1000)), (date(2026, 11, 1), _azr(0))])

    assert chart is not None
    assert [point.day for point in chart.points] == [date(2026, 11, 1), date(2026, 11, 3)]
    assert chart.line == "4,92 316,4"


def test_the_scale_includes_zero_so_that_a_small_rise_is_not_exaggerated() -> None:
    chart = balance_chart([(date(2026, 11, 1), _azr(900)), (date(2026, 11, 2), _azr(1000))])

    assert chart is not None
    # 900 of 1000 is 90% of the way up the inner height of 88.
    assert chart.line == "4,12.8 316,4"
    assert chart.area.startswith(f"4,{HEIGHT - PADDING} ")


def test_a_negative_balance_puts_the_baseline_above_the_bottom() -> None:
    chart = balance_chart([(date(2026, 11, 1), _azr(-100)), (date(2026, 11, 2), _azr(100))])

    assert chart is not None
    assert chart.line == "4,92 316,4"
    assert chart.area == "4,48 4,92 316,4 316,48"


def test_a_flat_history_is_a_line_across_the_middle() -> None:
    chart = balance_chart([(date(2026, 11, day), _azr(0)) for day in range(1, 4)])

    assert chart is not None
    assert chart.is_flat
    assert chart.line == "4,48 160,48 316,48"


def test_a_single_day_is_one_point_in_the_middle() -> None:
    chart = balance_chart([(date(2026, 11, 1), _azr(250))])

    assert chart is not None
    assert chart.line == f"{WIDTH // 2},4"
    assert len(chart.points) == 1
