"""The Master UI's bar chart geometry: bars scaled to the highest value, zero series flat, empty series none."""

from __future__ import annotations

from azora.portals.master.charts import bar_chart


def test_bars_are_scaled_to_the_highest_value_and_placed_left_to_right() -> None:
    chart = bar_chart([("a", 1.0), ("b", 4.0), ("c", 2.0)], width=30, height=40)

    assert chart is not None
    assert [(bar.x, bar.height, bar.y) for bar in chart.bars] == [
        (0.0, 10.0, 30.0),
        (10.0, 40.0, 0.0),
        (20.0, 20.0, 20.0),
    ]
    assert [bar.width for bar in chart.bars] == [8.0, 8.0, 8.0]
    assert (chart.highest, chart.total) == (4.0, 7.0)


def test_an_all_zero_series_draws_flat_bars_and_an_empty_one_no_chart() -> None:
    chart = bar_chart([("a", 0.0), ("b", 0.0)])

    assert chart is not None
    assert [bar.height for bar in chart.bars] == [0.0, 0.0]
    assert bar_chart([]) is None
