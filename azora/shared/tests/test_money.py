"""Money: exact integer minor units, one currency per sum, conversions that never round silently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.shared.errors import ValidationFailed
from azora.shared.money import CURRENCY_EXPONENTS, CurrencyMismatch, Money, UnknownCurrency

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=-(10**15), max_value=10**15)


def test_adding_and_subtracting_keep_minor_units_exact() -> None:
    assert Money(1050, "ZAR") + Money(-75, "ZAR") == Money(975, "ZAR")
    assert Money(1050, "ZAR") - Money(2000, "ZAR") == Money(-950, "ZAR")
    assert -Money(5, "AZR") == Money(-5, "AZR")


def test_amounts_in_different_currencies_cannot_be_combined_or_compared() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(1, "ZAR") + Money(1, "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "ZAR") < Money(1, "USD")


@pytest.mark.parametrize("minor", [1.5, "10", True, None])
def test_minor_units_must_be_an_integer(minor: object) -> None:
    with pytest.raises(TypeError):
        Money(minor, "ZAR")  # type: ignore[arg-type]  # the point of the test


def test_an_unknown_currency_is_refused_with_a_stable_code() -> None:
    with pytest.raises(UnknownCurrency) as raised:
        Money(100, "XYZ")
    assert raised.value.code == "unknown_currency"


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.34", "ZAR", 1234), ("0.01", "AZR", 1), ("-3", "USD", -300), ("1500", "JPY", 1500)],
)
def test_from_decimal_converts_exactly(amount: str, currency: str, minor: int) -> None:
    assert Money.from_decimal(amount, currency) == Money(minor, currency)


def test_from_decimal_refuses_precision_finer_than_the_minor_unit() -> None:
    with pytest.raises(ValidationFailed):
        Money.from_decimal("0.001", "ZAR")
    with pytest.raises(ValidationFailed):
        Money.from_decimal("1.5", "JPY")


def test_str_shows_the_amount_with_the_currency_exponent() -> None:
    assert str(Money(123456, "ZAR")) == "1234.56 ZAR"
    assert str(Money(-5, "AZR")) == "-0.05 AZR"
    assert str(Money(700, "JPY")) == "700 JPY"


@given(a=amounts, b=amounts, c=amounts, currency=currencies)
def test_addition_is_associative_and_commutative(a: int, b: int, c: int, currency: str) -> None:
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert x - x == Money.zero(currency)


@given(minor=amounts, currency=currencies)
def test_decimal_round_trip_is_exact(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert Money.from_decimal(money.to_decimal(), currency) == money
    assert money.to_decimal() == Decimal(minor).scaleb(-CURRENCY_EXPONENTS[currency])
