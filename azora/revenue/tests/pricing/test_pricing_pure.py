"""The pure pricing rules: exchange rates in one direction only, local price points, discounts and the quote."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.revenue.pricing import (
    CouponTerms,
    convert,
    coupon_discount,
    fx_parse,
    fx_rate,
    money_parse,
    percent_of,
    price_point,
    quote,
)
from azora.revenue.selectors.pricing import DEFAULT_FX
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money

TABLE = fx_parse(DEFAULT_FX)


def zar(minor: int) -> Money:
    return Money(minor, "ZAR")


# --- The FX table ---


def test_a_pair_means_one_unit_of_the_first_buys_the_rate_of_the_second() -> None:
    table = fx_parse("USD:ZAR=18.50, USD:EUR=0.92")

    assert table == {("USD", "ZAR"): Fraction(37, 2), ("USD", "EUR"): Fraction(23, 25)}
    assert fx_rate(table, source="USD", target="ZAR") == Fraction(37, 2)
    assert fx_rate(table, source="ZAR", target="USD") == Fraction(2, 37)
    # Through the currency both are quoted against: 1 ZAR = 0.92 / 18.50 EUR.
    assert fx_rate(table, source="ZAR", target="EUR") == Fraction(23, 25) / Fraction(37, 2)
    assert fx_rate(table, source="ZAR", target="ZAR") == 1
    assert fx_rate(table, source="ZAR", target="GBP") is None


@pytest.mark.parametrize(
    "text",
    [
        "USD:ZAR=0",
        "USD:USD=1.00",
        "USD:ZAR=18.50,ZAR:USD=0.054",
        "USD:ZAR=18.50,USD:ZAR=18.60",
        "USD-ZAR=18.50",
        "usd:zar=18.50",
        "USD:XYZ=1.00",
        "USD:ZAR=-18.50",
        "USD:ZAR=1e3",
    ],
)
def test_a_malformed_or_ambiguous_fx_table_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="FX pair"):
        fx_parse(text)


# --- Conversion pinned both ways: an inverted rate fails these ---


@pytest.mark.parametrize(
    ("price", "target", "expected"),
    [
        (zar(14_900), "USD", Money(799, "USD")),  # R149.00 / 18.50 = $8.054 -> $7.99 (inverted: $2 759.99)
        (zar(149_900), "USD", Money(8_099, "USD")),  # R1 499.00 -> $81.03 -> $80.99
        (Money(899, "USD"), "ZAR", zar(16_900)),  # $8.99 x 18.50 = R166.32 -> R169.00 (inverted: R9.00)
        (Money(8_999, "USD"), "ZAR", zar(169_900)),  # $89.99 x 18.50 = R1 664.82 -> R1 699.00
        (zar(14_900), "KES", Money(99_900, "KES")),  # R149.00 = KSh 1 038.97 -> KSh 999.00
        (zar(14_900), "EUR", Money(699, "EUR")),  # R149.00 = EUR 7.41 -> EUR 6.99
        (zar(14_900), "JPY", Money(1_180, "JPY")),  # R149.00 = JPY 1 208.1 -> JPY 1 180
        (zar(299_900), "NGN", Money(25_099_900, "NGN")),  # R2 999.00 = NGN 251 270.27 -> NGN 250 999.00
        (zar(0), "USD", Money(0, "USD")),  # free stays free
        (zar(14_900), "ZAR", zar(14_900)),
    ],
)
def test_conversion_lands_on_the_pinned_local_price(price: Money, target: str, expected: Money) -> None:
    assert convert(price, target=target, table=TABLE) == expected


def test_conversion_without_a_rate_is_none() -> None:
    assert convert(zar(14_900), target="GHS", table=fx_parse("USD:ZAR=18.50")) is None


@pytest.mark.parametrize(
    ("exact", "currency", "expected"),
    [
        (1, "ZAR", 900),  # any positive price is at least the smallest point, R9.00
        (16_631, "ZAR", 16_900),
        (1_400, "ZAR", 1_900),  # R14.00 is half-way between R9.00 and R19.00: the tie goes up
        (1_399, "ZAR", 900),
        (99_999, "ZAR", 99_900),  # under R1 000: ...9.00
        (100_000, "ZAR", 99_900),  # from R1 000: ...99.00 (R999.00 is the nearest)
        (150_000, "ZAR", 149_900),
        (805, "USD", 799),
        (10_050, "USD", 9_999),
        (12_345, "USD", 11_999),
        (Fraction(2_001, 2), "KES", 9_900),
        (1_208, "JPY", 1_180),
        (12_345, "AZR", 12_345),  # no price points: the exact amount
        (Fraction(1, 2), "AZR", 1),
        (0, "ZAR", 0),
    ],
)
def test_price_points(exact: Fraction | int, currency: str, expected: int) -> None:
    assert price_point(exact, currency=currency) == expected


# --- Discounts ---


def test_percent_rounds_half_up_to_the_minor_unit() -> None:
    assert percent_of(zar(999), 5_000) == zar(500)  # 499.5 -> 500
    assert percent_of(zar(14_900), 3_333) == zar(4_966)  # 4 966.17 -> 4 966
    assert percent_of(zar(14_900), 10_000) == zar(14_900)
    assert percent_of(zar(14_900), 0) == zar(0)
    with pytest.raises(ValueError, match="Basis points"):
        percent_of(zar(100), 10_001)


def test_a_fixed_coupon_takes_at_most_the_amount_and_only_in_its_currency() -> None:
    fifty = CouponTerms(kind="fixed", amount_off=zar(5_000))

    assert coupon_discount(fifty, amount=zar(20_000)) == zar(5_000)
    assert coupon_discount(fifty, amount=zar(3_000)) == zar(3_000)
    with pytest.raises(ValueError, match="its own currency"):
        coupon_discount(fifty, amount=Money(20_000, "USD"))


def test_quote_applies_student_then_coupon_then_azr() -> None:
    result = quote(
        list_price=zar(14_900),
        student_discount_bp=5_000,
        coupon=CouponTerms(kind="percent", percent_bp=1_000),
        azr_discount=zar(1_000),
    )

    assert (result.student_discount, result.coupon_discount, result.azr_discount) == (zar(7_450), zar(745), zar(1_000))
    assert result.total == zar(5_705)
    assert result.discount == zar(9_195)


def test_quote_of_a_course_with_a_fixed_coupon() -> None:
    result = quote(list_price=zar(20_000), coupon=CouponTerms(kind="fixed", amount_off=zar(5_000)))

    assert result.total == zar(15_000)
    assert result.student_discount == result.azr_discount == zar(0)


def test_quote_never_takes_more_azr_than_what_is_left() -> None:
    result = quote(list_price=zar(14_900), student_discount_bp=5_000, azr_discount=zar(100_000))

    assert result.azr_discount == zar(7_450)
    assert result.total == zar(0)


def test_quote_refuses_an_azr_discount_in_another_currency() -> None:
    with pytest.raises(ValueError, match="price's currency"):
        quote(list_price=zar(14_900), azr_discount=Money(100, "USD"))


coupons = st.one_of(
    st.none(),
    st.builds(lambda bp: CouponTerms(kind="percent", percent_bp=bp), st.integers(1, 10_000)),
    st.builds(lambda minor: CouponTerms(kind="fixed", amount_off=zar(minor)), st.integers(1, 10**10)),
)


@given(
    list_minor=st.integers(0, 10**10),
    student_bp=st.integers(0, 10_000),
    coupon=coupons,
    azr_minor=st.one_of(st.none(), st.integers(0, 10**10)),
)
def test_quote_is_never_negative_never_more_than_list_and_adds_up(
    list_minor: int, student_bp: int, coupon: CouponTerms | None, azr_minor: int | None
) -> None:
    result = quote(
        list_price=zar(list_minor),
        student_discount_bp=student_bp,
        coupon=coupon,
        azr_discount=zar(azr_minor) if azr_minor is not None else None,
    )

    assert 0 <= result.total.minor <= list_minor
    for part in (result.student_discount, result.coupon_discount, result.azr_discount):
        assert part.minor >= 0
        assert part.currency == "ZAR"
    assert result.student_discount + result.coupon_discount + result.azr_discount + result.total == zar(list_minor)


@given(exact=st.fractions(min_value=0, max_value=10**9), currency=st.sampled_from(["ZAR", "USD", "KES", "JPY"]))
def test_a_price_point_is_near_the_exact_amount(exact: Fraction, currency: str) -> None:
    point = price_point(exact, currency=currency)

    assert point >= 0
    assert (point == 0) == (exact == 0)
    # Never further than one step (the widest step of the currency) from the exact amount.
    assert abs(point - exact) <= {"ZAR": 10_000, "USD": 1_000, "KES": 10_000, "JPY": 100}[currency]


# --- Parsing amounts ---


def test_money_parse() -> None:
    assert money_parse(" 200.00 ", currency="ZAR", field="amount") == zar(20_000)
    for bad in ("200.001", "abc", "NaN", "Infinity", "", 200):
        with pytest.raises(ValidationFailed):
            money_parse(bad, currency="ZAR", field="amount")
