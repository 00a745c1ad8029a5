"""The Pay UI's forms: amounts parsed exactly into Money, and input that cannot be an amount, card or date refused."""

from __future__ import annotations

from datetime import date

import pytest

from azora.portals.pay.forms import HistoryFilterForm, RefundForm, SendForm, StatementForm, TopUpForm
from azora.shared.forms import CardForm
from azora.shared.money import Money


def _send(amount: str) -> SendForm:
    return SendForm({"recipient": "sipho@example.test", "amount": amount, "note": ""})


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("25", 2500), ("25.5", 2550), ("0.01", 1), ("1,234.50", 123450), ("1 234,50", 123450), ("12,5", 1250)],
)
def test_an_amount_is_read_exactly_in_minor_units(typed: str, minor: int) -> None:
    form = _send(typed)

    assert form.is_valid(), form.errors
    assert form.money() == Money(minor, "AZR")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("abc", "Enter an amount as a number, for example 25.00."),
        ("NaN", "Enter an amount as a number, for example 25.00."),
        ("Infinity", "Enter an amount as a number, for example 25.00."),
        ("0", "Enter an amount greater than zero."),
        ("-5", "Enter an amount greater than zero."),
        ("0.001", "Enter at most 2 decimal places."),
        ("1000000000", "Enter an amount smaller than 1,000,000,000."),
    ],
)
def test_an_amount_that_is_not_one_is_refused_with_a_clear_message(typed: str, message: str) -> None:
    form = _send(typed)

    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_trailing_zeros_beyond_the_minor_unit_are_still_the_same_amount() -> None:
    form = _send("10.500")

    assert form.is_valid(), form.errors
    assert form.money() == Money(1050, "AZR")


def test_a_recipient_must_be_an_email_address_and_a_note_short() -> None:
    form = SendForm({"recipient": "not-an-email", "amount": "5", "note": "x" * 141})

    assert not form.is_valid()
    assert form.errors["recipient"] == ["Enter a valid email address."]
    assert form.errors["note"] == ["Ensure this value has at most 140 characters (it has 141)."]


def test_a_top_up_is_in_one_of_the_offered_currencies_with_its_own_decimals() -> None:
    valid = TopUpForm({"amount": "100", "currency": "AZR", "request_key": "k"}, currencies=["AZR"])
    other = TopUpForm({"amount": "100", "currency": "USD"}, currencies=["AZR"])

    assert valid.is_valid(), valid.errors
    assert valid.cleaned_data["money"] == Money(10000, "AZR")
    assert not other.is_valid()
    assert other.errors["currency"] == ["Select a valid choice. USD is not one of the available choices."]


def test_a_new_top_up_form_carries_a_fresh_request_key_for_idempotency() -> None:
    first, second = TopUpForm(currencies=["AZR"]), TopUpForm(currencies=["AZR"])

    assert len(first.initial["request_key"]) == 32
    assert first.initial["request_key"] != second.initial["request_key"]


def test_a_card_number_may_hold_spaces_but_only_digits_reach_the_payment_method() -> None:
    form = CardForm({"number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2030", "cvc": "123"})

    assert form.is_valid(), form.errors
    assert form.payment_method() == {
        "type": "card",
        "number": "4242424242424242",
        "exp_month": "12",
        "exp_year": "2030",
        "cvc": "123",
    }


def test_a_card_that_cannot_be_one_is_refused_field_by_field() -> None:
    form = CardForm({"number": "4242-abcd", "exp_month": "13", "exp_year": "30", "cvc": "12a"})

    assert not form.is_valid()
    assert form.errors == {
        "number": ["Enter the card number: 12 to 19 digits."],
        "exp_month": ["Ensure this value is less than or equal to 12."],
        "exp_year": ["Ensure this value is greater than or equal to 2000."],
        "cvc": ["Enter the 3 or 4 digits on the back of the card."],
    }


def test_a_refund_without_an_amount_is_a_full_refund_and_always_needs_a_reason() -> None:
    full = RefundForm({"amount": "", "reason": "Course cancelled"}, currency="ZAR")
    silent = RefundForm({"amount": "5"}, currency="ZAR")

    assert full.is_valid(), full.errors
    assert full.cleaned_data["money"] is None
    assert not silent.is_valid()
    assert silent.errors["reason"] == ["This field is required."]


def test_a_partial_refund_is_money_in_the_payment_currency() -> None:
    form = RefundForm({"amount": "12.34", "reason": "Partly delivered"}, currency="ZAR")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["money"] == Money(1234, "ZAR")


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    accounts = [("a", "AZR wallet")]
    history = HistoryFilterForm(
        {"account": "a", "period": "custom", "since": "2026-11-10", "until": "2026-11-01"}, accounts=accounts, kinds=[]
    )
    statement = StatementForm({"account": "a", "start": "2026-11-10", "end": "2026-11-01"}, accounts=accounts)

    assert not history.is_valid()
    assert history.errors["until"] == ["The end date must be on or after the start date."]
    assert not statement.is_valid()
    assert statement.errors["end"] == ["The end date must be on or after the start date."]


def test_chosen_dates_are_the_range_of_a_custom_period() -> None:
    form = HistoryFilterForm(
        {"account": "a", "period": "custom", "since": "2026-11-01", "until": "2026-11-10"},
        accounts=[("a", "AZR wallet")],
        kinds=[],
    )

    assert form.is_valid(), form.errors
    assert form.date_range() == (date(2026, 11, 1), date(2026, 11, 10))
