"""proration.py: period ends on the anchor day, half-up prorations in integer minor units (pinned values and
hypothesis properties)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.revenue import proration

UTC = dt.UTC
START = dt.datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
MONTH = dt.timedelta(days=31)


@pytest.mark.parametrize(
    ("start", "interval", "anchor_day", "expected"),
    [
        (dt.datetime(2026, 1, 31, 9, tzinfo=UTC), "month", 31, dt.datetime(2026, 2, 28, 9, tzinfo=UTC)),
        (dt.datetime(2026, 2, 28, 9, tzinfo=UTC), "month", 31, dt.datetime(2026, 3, 31, 9, tzinfo=UTC)),
        (dt.datetime(2028, 1, 31, 9, tzinfo=UTC), "month", 31, dt.datetime(2028, 2, 29, 9, tzinfo=UTC)),
        (dt.datetime(2026, 12, 15, 0, tzinfo=UTC), "month", 15, dt.datetime(2027, 1, 15, 0, tzinfo=UTC)),
        (dt.datetime(2028, 2, 29, 9, tzinfo=UTC), "year", 29, dt.datetime(2029, 2, 28, 9, tzinfo=UTC)),
        (dt.datetime(2026, 4, 30, 9, tzinfo=UTC), "year", 30, dt.datetime(2027, 4, 30, 9, tzinfo=UTC)),
    ],
)
def test_period_end_keeps_the_anchor_day(
    start: dt.datetime, interval: proration.Interval, anchor_day: int, expected: dt.datetime
) -> None:
    assert proration.period_end(start=start, interval=interval, anchor_day=anchor_day) == expected


def test_prorate_pins_exact_values() -> None:
    # R149.00 with 15.5 of 31 days left: exactly half.
    assert proration.prorate(amount_minor=14_900, remaining=dt.timedelta(days=15, hours=12), period=MONTH) == 7_450
    # 100 cents with 1 of 3 seconds left is 33.33...: 33; with 2 of 3: 66.66...: 67 (half up).
    assert proration.prorate(amount_minor=100, remaining=dt.timedelta(seconds=1), period=dt.timedelta(seconds=3)) == 33
    assert proration.prorate(amount_minor=100, remaining=dt.timedelta(seconds=2), period=dt.timedelta(seconds=3)) == 67
    # exactly half a cent rounds up
    assert proration.prorate(amount_minor=1, remaining=dt.timedelta(seconds=1), period=dt.timedelta(seconds=2)) == 1
    # clamped: nothing left, or more than the period left
    assert proration.prorate(amount_minor=14_900, remaining=-dt.timedelta(days=1), period=MONTH) == 0
    assert proration.prorate(amount_minor=14_900, remaining=MONTH * 2, period=MONTH) == 14_900


def test_prorate_refuses_a_zero_period_and_a_negative_price() -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        proration.prorate(amount_minor=100, remaining=dt.timedelta(0), period=dt.timedelta(0))
    with pytest.raises(ValueError, match="negative"):
        proration.prorate(amount_minor=-1, remaining=dt.timedelta(0), period=MONTH)


def test_upgrade_halfway_pins_credit_and_charge() -> None:
    # PRO R149 -> a R299 plan with half of a 28-day February left.
    change = proration.proration_for_change(
        old_amount_minor=14_900,
        new_amount_minor=29_900,
        period_start=dt.datetime(2026, 2, 1, tzinfo=UTC),
        period_end=dt.datetime(2026, 3, 1, tzinfo=UTC),
        at=dt.datetime(2026, 2, 15, tzinfo=UTC),
    )
    assert (change.credit_minor, change.charge_minor, change.net_minor) == (7_450, 14_950, 7_500)


def test_discounts_and_credit() -> None:
    assert proration.discounted(amount_minor=14_900, discount_bp=5_000) == 7_450
    assert proration.discounted(amount_minor=899, discount_bp=5_000) == 449  # 449.5 off rounds up to 450
    assert proration.discounted(amount_minor=1, discount_bp=5_000) == 0
    assert proration.apply_credit(amount_minor=14_900, credit_minor=5_000) == (9_900, 0)
    assert proration.apply_credit(amount_minor=14_900, credit_minor=20_000) == (0, 5_100)
    with pytest.raises(ValueError, match="basis points"):
        proration.discounted(amount_minor=100, discount_bp=10_001)


amounts = st.integers(min_value=0, max_value=10**9)
seconds = st.integers(min_value=1, max_value=366 * 86_400)


@given(amount=amounts, period_seconds=seconds, data=st.data())
def test_prorate_stays_within_the_price_and_grows_with_time(
    amount: int, period_seconds: int, data: st.DataObject
) -> None:
    period = dt.timedelta(seconds=period_seconds)
    first = data.draw(st.integers(min_value=0, max_value=period_seconds))
    second = data.draw(st.integers(min_value=first, max_value=period_seconds))
    early = proration.prorate(amount_minor=amount, remaining=dt.timedelta(seconds=first), period=period)
    late = proration.prorate(amount_minor=amount, remaining=dt.timedelta(seconds=second), period=period)
    assert 0 <= early <= late <= amount
    # within half a minor unit of the exact fraction, rounded half up
    assert abs(2 * early * period_seconds - 2 * amount * first) <= period_seconds
    assert proration.prorate(amount_minor=amount, remaining=period, period=period) == amount
    assert proration.prorate(amount_minor=amount, remaining=dt.timedelta(0), period=period) == 0


@given(old=amounts, new=amounts, period_seconds=seconds, data=st.data())
def test_a_change_and_its_reverse_cancel_out(old: int, new: int, period_seconds: int, data: st.DataObject) -> None:
    start = START
    end = start + dt.timedelta(seconds=period_seconds)
    at = start + dt.timedelta(seconds=data.draw(st.integers(min_value=0, max_value=period_seconds)))
    there = proration.proration_for_change(
        old_amount_minor=old, new_amount_minor=new, period_start=start, period_end=end, at=at
    )
    back = proration.proration_for_change(
        old_amount_minor=new, new_amount_minor=old, period_start=start, period_end=end, at=at
    )
    assert there.net_minor == -back.net_minor
    assert (there.net_minor > 0) == (new > old and there.charge_minor > there.credit_minor)
    assert abs(there.net_minor) <= abs(new - old) + 1


@given(amount=amounts, bp=st.integers(min_value=0, max_value=10_000), credit=amounts)
def test_discount_and_credit_never_go_negative(amount: int, bp: int, credit: int) -> None:
    net = proration.discounted(amount_minor=amount, discount_bp=bp)
    assert 0 <= net <= amount
    charge, left = proration.apply_credit(amount_minor=net, credit_minor=credit)
    assert charge >= 0
    assert left >= 0
    assert charge + (credit - left) == net


@given(start=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_a_month_is_28_to_31_days_and_a_year_365_or_366(start: dt.datetime) -> None:
    month = proration.period_end(start=start, interval="month", anchor_day=start.day) - start
    year = proration.period_end(start=start, interval="year", anchor_day=start.day) - start
    assert dt.timedelta(days=28) <= month <= dt.timedelta(days=31)
    assert year in {dt.timedelta(days=365), dt.timedelta(days=366)}


def test_the_dunning_schedule_setting_is_read_as_increasing_days() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from azora.revenue.services.subscriptions import DUNNING_RETRY_DAYS, _retry_days

    assert DUNNING_RETRY_DAYS == (1, 3, 7)
    assert _retry_days("1, 3, 7") == (1, 3, 7)
    assert _retry_days((2, 5)) == (2, 5)
    for bad in ("", "3,1", "0,2", "1,1"):
        with pytest.raises((ImproperlyConfigured, ValueError)):
            _retry_days(bad)
