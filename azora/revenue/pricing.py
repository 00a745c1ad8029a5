"""Pure pricing rules: the exchange-rate table, local price points, coupon discounts and the price quote.

No database and no settings here: the services and selectors pass in what these functions need, so every rule is
tested on its own (tests/pricing/test_pricing_pure.py, with hypothesis for the quote's invariants).

Rounding, once for all:
- A percent discount is the exact product `amount * bp / 10 000` rounded half up to the minor unit, and never more
  than the amount it applies to.
- A fixed discount is taken whole, but never more than the amount it applies to.
- A converted price is the exact quotient of the rates (fractions, no floats), then moved to the nearest local
  price point (see `price_point`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, Literal

from azora.shared.errors import ValidationFailed
from azora.shared.money import CURRENCY_EXPONENTS, Money

__all__ = [
    "BP_WHOLE",
    "COUNTRY_CURRENCIES",
    "PRICE_POINTS",
    "CouponTerms",
    "FxTable",
    "PricePointTier",
    "Quote",
    "convert",
    "coupon_discount",
    "fx_parse",
    "fx_rate",
    "money_parse",
    "percent_of",
    "price_point",
    "quote",
]

BP_WHOLE: Final = 10_000  # 100% in basis points

# The currency a country's prices are shown in (ISO 3166 alpha-2 -> ISO 4217), for `GET /plans?country=`.
COUNTRY_CURRENCIES: Final[Mapping[str, str]] = {
    "ZA": "ZAR", "NA": "ZAR", "LS": "ZAR", "SZ": "ZAR",
    "US": "USD", "ZW": "USD", "EC": "USD",
    "GB": "GBP",
    "KE": "KES", "NG": "NGN", "GH": "GHS", "JP": "JPY",
    "AT": "EUR", "BE": "EUR", "CY": "EUR", "DE": "EUR", "EE": "EUR", "ES": "EUR", "FI": "EUR", "FR": "EUR",
    "GR": "EUR", "HR": "EUR", "IE": "EUR", "IT": "EUR", "LT": "EUR", "LU": "EUR", "LV": "EUR", "MT": "EUR",
    "NL": "EUR", "PT": "EUR", "SI": "EUR", "SK": "EUR",
}  # fmt: skip

type FxTable = Mapping[tuple[str, str], Fraction]
_FX_PAIR = re.compile(r"^([A-Z]{3}):([A-Z]{3})=(\d+(?:\.\d+)?)$")


def fx_parse(text: str) -> dict[tuple[str, str], Fraction]:
    """Parse "USD:ZAR=18.50,USD:EUR=0.92": each pair "A:B=r" means 1 A = r B (one unit of A buys r units of B).

    Refuses unknown currencies, a zero rate, a pair given twice (in either direction) and anything malformed, so a
    typo in the configuration fails at start-up instead of pricing in the wrong direction.
    """
    table: dict[tuple[str, str], Fraction] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        match = _FX_PAIR.match(item)
        if match is None:
            raise ValueError(f"FX pair {item!r} is not of the form USD:ZAR=18.50 (1 USD = 18.50 ZAR).")
        base, quote_currency, rate_text = match.groups()
        for currency in (base, quote_currency):
            if currency not in CURRENCY_EXPONENTS:
                raise ValueError(f"FX pair {item!r} names the unknown currency {currency}.")
        if base == quote_currency:
            raise ValueError(f"FX pair {item!r} converts a currency into itself.")
        rate = Fraction(Decimal(rate_text))
        if rate <= 0:
            raise ValueError(f"FX pair {item!r} has a rate that is not positive.")
        if (base, quote_currency) in table or (quote_currency, base) in table:
            raise ValueError(f"FX pair {base}/{quote_currency} is given twice.")
        table[(base, quote_currency)] = rate
    return table


def fx_rate(table: FxTable, *, source: str, target: str) -> Fraction | None:
    """Units of `target` that one unit of `source` buys (major units), or None when the table cannot tell.

    A pair is used as written or inverted (1 / r); otherwise through one currency both are quoted against
    (USD:ZAR and USD:KES give ZAR→KES = KES-per-USD / ZAR-per-USD).
    """
    if source == target:
        return Fraction(1)

    def direct(a: str, b: str) -> Fraction | None:
        if (a, b) in table:
            return table[(a, b)]
        if (b, a) in table:
            return 1 / table[(b, a)]
        return None

    found = direct(source, target)
    if found is not None:
        return found
    pivots = sorted({c for pair in table for c in pair} - {source, target})
    for pivot in pivots:
        to_pivot = direct(source, pivot)
        from_pivot = direct(pivot, target)
        if to_pivot is not None and from_pivot is not None:
            return to_pivot * from_pivot
    return None


@dataclass(frozen=True, slots=True)
class PricePointTier:
    """Below `below_minor` (None = any amount), prices are `k * step_minor - tail_minor` for k ≥ 1."""

    below_minor: int | None
    step_minor: int
    tail_minor: int


# The local price points, per currency (amounts in minor units). ZAR: under R1 000 a price ends in 9 rand
# (R149.00, R169.00); from R1 000 it ends in 99 rand (R1 499.00). USD/EUR/GBP: under 100 it ends in .99
# ($7.99); from 100 in 9.99 ($149.99). KES/NGN/GHS/JPY likewise in their own steps. A currency not listed
# keeps the exact converted amount, rounded half up to its minor unit.
PRICE_POINTS: Final[Mapping[str, tuple[PricePointTier, ...]]] = {
    "ZAR": (PricePointTier(100_000, 1_000, 100), PricePointTier(None, 10_000, 100)),
    "USD": (PricePointTier(10_000, 100, 1), PricePointTier(None, 1_000, 1)),
    "EUR": (PricePointTier(10_000, 100, 1), PricePointTier(None, 1_000, 1)),
    "GBP": (PricePointTier(10_000, 100, 1), PricePointTier(None, 1_000, 1)),
    "GHS": (PricePointTier(100_000, 1_000, 100), PricePointTier(None, 10_000, 100)),
    "KES": (PricePointTier(None, 10_000, 100),),  # KSh 1 199.00
    "NGN": (PricePointTier(None, 100_000, 100),),  # ₦12 999.00
    "JPY": (PricePointTier(None, 100, 20),),  # ¥980 (no minor unit)
}


def _round_half_up(value: Fraction) -> int:
    """The nearest integer, halves away from zero (values here are never negative)."""
    floor = value.numerator // value.denominator
    return floor + 1 if value - floor >= Fraction(1, 2) else floor


def price_point(minor: Fraction | int, *, currency: str) -> int:
    """The local price point nearest to an exact amount in minor units; a tie goes to the higher point.

    Zero stays zero (a free plan stays free); any positive amount becomes at least the smallest price point.
    """
    exact = Fraction(minor)
    if exact < 0:
        raise ValueError("A price cannot be negative.")
    if exact == 0:
        return 0
    tiers = PRICE_POINTS.get(currency)
    if tiers is None:
        return max(1, _round_half_up(exact))
    tier = next(t for t in tiers if t.below_minor is None or exact < t.below_minor)
    k = max(1, _round_half_up((exact + tier.tail_minor) / tier.step_minor))
    return k * tier.step_minor - tier.tail_minor


def convert(money: Money, *, target: str, table: FxTable) -> Money | None:
    """`money` in `target` at the table's rate, at the nearest local price point; None when no rate is known."""
    if money.currency == target:
        return money
    rate = fx_rate(table, source=money.currency, target=target)
    if rate is None:
        return None
    target_exponent = CURRENCY_EXPONENTS[target]
    exact_target_minor = Fraction(money.minor, 10**money.exponent) * rate * 10**target_exponent
    return Money(price_point(exact_target_minor, currency=target), target)


def percent_of(amount: Money, bp: int) -> Money:
    """`bp` basis points of `amount`, rounded half up to the minor unit."""
    if not 0 <= bp <= BP_WHOLE:
        raise ValueError("Basis points must be between 0 and 10 000.")
    if amount.minor < 0:
        raise ValueError("A discount applies to an amount that is not negative.")
    return Money(_round_half_up(Fraction(amount.minor * bp, BP_WHOLE)), amount.currency)


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """What a coupon takes off: `percent_bp` (percent) or `amount_off` (fixed, in one currency)."""

    kind: Literal["percent", "fixed"]
    percent_bp: int = 0
    amount_off: Money | None = None


def coupon_discount(terms: CouponTerms, *, amount: Money) -> Money:
    """What the coupon takes off `amount`, never more than `amount`; a fixed coupon needs the same currency."""
    if terms.kind == "percent":
        return percent_of(amount, terms.percent_bp)
    if terms.amount_off is None:
        raise ValueError("A fixed coupon names its amount.")
    if terms.amount_off.currency != amount.currency:
        raise ValueError("A fixed coupon applies only to amounts in its own currency.")
    return Money(min(terms.amount_off.minor, amount.minor), amount.currency)


@dataclass(frozen=True, slots=True)
class Quote:
    """A price broken down: list - student discount - coupon discount - AZR discount = total."""

    list_price: Money
    student_discount: Money
    coupon_discount: Money
    azr_discount: Money
    total: Money

    @property
    def discount(self) -> Money:
        return self.list_price - self.total


def quote(
    *,
    list_price: Money,
    student_discount_bp: int = 0,
    coupon: CouponTerms | None = None,
    azr_discount: Money | None = None,
) -> Quote:
    """Combine the discounts in a fixed order, each on what is left after the one before:

    1. the student discount (a percent of the list price),
    2. the coupon (a percent of, or a fixed amount off, what is left),
    3. the AZR redemption (a fixed amount in the price's currency, already converted by the rewards area).

    Each step takes at most what is left, so the total is never negative and never more than the list price.
    """
    if list_price.minor < 0:
        raise ValueError("A list price cannot be negative.")
    student = percent_of(list_price, student_discount_bp)
    remaining = list_price - student
    coupon_off = coupon_discount(coupon, amount=remaining) if coupon is not None else Money.zero(list_price.currency)
    remaining -= coupon_off
    azr_off = Money.zero(list_price.currency)
    if azr_discount is not None:
        if azr_discount.currency != list_price.currency or azr_discount.minor < 0:
            raise ValueError("An AZR discount is a non-negative amount in the price's currency.")
        azr_off = Money(min(azr_discount.minor, remaining.minor), list_price.currency)
    remaining -= azr_off
    return Quote(
        list_price=list_price,
        student_discount=student,
        coupon_discount=coupon_off,
        azr_discount=azr_off,
        total=remaining,
    )


def money_parse(amount: object, *, currency: str, field: str) -> Money:
    """A decimal string such as "200.00" in `currency` as Money; ValidationFailed naming `field` otherwise."""
    message = f'{field} must be a decimal string such as "200.00" with at most the currency\'s decimals.'
    if not isinstance(amount, str):
        raise ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]})
    try:
        return Money.from_decimal(value, currency)
    except ValidationFailed as error:
        raise ValidationFailed(message, extra={"errors": [{"field": field, "message": message}]}) from error
