"""Pure billing arithmetic of subscriptions: period ends and prorated amounts, exact in integer minor units."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

Interval = Literal["month", "year"]

_MICROSECOND = dt.timedelta(microseconds=1)


def months_after(moment: dt.datetime, *, months: int, anchor_day: int) -> dt.datetime:
    """`moment` moved `months` calendar months on, on `anchor_day` or the month's last day when it is shorter.

    The anchor keeps a subscription started on the 31st billing on the 31st (28 Feb, then 31 Mar), as Stripe's
    billing cycle anchor does, instead of drifting to the 28th for good after February.
    """
    if not 1 <= anchor_day <= 31:
        raise ValueError(f"anchor_day must be 1 to 31, not {anchor_day}.")
    month_index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(month_index, 12)
    day = min(anchor_day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def period_end(*, start: dt.datetime, interval: Interval, anchor_day: int) -> dt.datetime:
    """The end of the billing period that begins at `start`: one month or twelve months later, on the anchor day."""
    return months_after(start, months=1 if interval == "month" else 12, anchor_day=anchor_day)


def prorate(*, amount_minor: int, remaining: dt.timedelta, period: dt.timedelta) -> int:
    """`amount_minor` * remaining / period, rounded half up to a whole minor unit, with integers only.

    `remaining` is clamped to [0, period], so the result is always between 0 and `amount_minor`.
    """
    period_units = period // _MICROSECOND
    if period_units <= 0:
        raise ValueError("A billing period must be longer than zero.")
    if amount_minor < 0:
        raise ValueError("A price cannot be negative.")
    remaining_units = min(max(remaining // _MICROSECOND, 0), period_units)
    quotient, remainder = divmod(amount_minor * remaining_units, period_units)
    return quotient + (1 if 2 * remainder >= period_units else 0)


@dataclass(frozen=True, slots=True)
class Proration:
    """A change in the middle of a period: the unused time of the old price and the rest of the new one."""

    credit_minor: int  # what the old price paid for the rest of the period
    charge_minor: int  # what the new price costs for the rest of the period

    @property
    def net_minor(self) -> int:
        """More than zero: the customer pays it now; less than zero: it becomes credit for the next charges."""
        return self.charge_minor - self.credit_minor


def proration_for_change(
    *,
    old_amount_minor: int,
    new_amount_minor: int,
    period_start: dt.datetime,
    period_end: dt.datetime,
    at: dt.datetime,
) -> Proration:
    """The proration of moving from one per-period amount to another at `at` (both amounts already times the seats)."""
    period = period_end - period_start
    remaining = period_end - at
    return Proration(
        credit_minor=prorate(amount_minor=old_amount_minor, remaining=remaining, period=period),
        charge_minor=prorate(amount_minor=new_amount_minor, remaining=remaining, period=period),
    )


def discounted(*, amount_minor: int, discount_bp: int) -> int:
    """`amount_minor` less `discount_bp` basis points, the discount rounded half up (so 50% of 1 cent is 1 cent)."""
    if not 0 <= discount_bp <= 10_000:
        raise ValueError(f"A discount must be 0 to 10000 basis points, not {discount_bp}.")
    quotient, remainder = divmod(amount_minor * discount_bp, 10_000)
    discount = quotient + (1 if 2 * remainder >= 10_000 else 0)
    return amount_minor - discount


def apply_credit(*, amount_minor: int, credit_minor: int) -> tuple[int, int]:
    """What is left to charge after the credit, and the credit left over: (charge, credit), neither negative."""
    used = min(amount_minor, credit_minor)
    return amount_minor - used, credit_minor - used
