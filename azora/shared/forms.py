"""Web form fields every portal shares: a money amount as people type it, and the sandbox card form.

They parse input into values (Money, card digits) and say clearly what is wrong; the rules about money live in
Finance and the Payment Service.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from azora.shared.errors import ValidationFailed
from azora.shared.money import CURRENCY_EXPONENTS, Money

__all__ = ["MAX_AMOUNT", "AmountField", "CardForm", "UnechoedInput", "to_money"]

MAX_AMOUNT = Decimal("1000000000")  # the whole AZR supply: nothing anyone types is meant to be larger


class AmountField(forms.Field):
    """A positive decimal amount, accepting "1 234,50"-style grouping spaces but not more decimals than allowed."""

    default_error_messages = {
        "invalid": _("Enter an amount as a number, for example 25.00."),
        "not_positive": _("Enter an amount greater than zero."),
        "too_large": _("Enter an amount smaller than 1,000,000,000."),
        "too_precise": _("Enter at most %(places)s decimal places."),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "maxlength": "24"})
        return attrs

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if not text or len(text) > 24:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as many of our readers write it
        text = text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if number <= 0:
            raise forms.ValidationError(self.error_messages["not_positive"], code="not_positive")
        if number >= MAX_AMOUNT:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return number


def to_money(form: forms.Form, field: str, number: Decimal, currency: str) -> Money | None:
    """`number` as Money in `currency`, or None with the error shown on `field` when it is too precise."""
    try:
        return Money.from_decimal(number, currency)
    except ValidationFailed:
        places = CURRENCY_EXPONENTS[currency]
        form.add_error(field, AmountField.default_error_messages["too_precise"] % {"places": places})
        return None


class UnechoedInput(forms.TextInput):
    """A text box that never writes a submitted value back into the page (card number, security code)."""

    def format_value(self, value: Any) -> str | None:
        return None


class CardForm(forms.Form):
    """The sandbox card form of the checkout page. Digits only reach the Payment Service, never a log."""

    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=UnechoedInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric", "spellcheck": "false"}),
    )
    exp_month = forms.IntegerField(
        label=_("Expiry month"),
        min_value=1,
        max_value=12,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp-month", "inputmode": "numeric", "placeholder": "MM"}),
    )
    exp_year = forms.IntegerField(
        label=_("Expiry year"),
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp-year", "inputmode": "numeric", "placeholder": "YYYY"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        min_length=3,
        max_length=4,
        widget=UnechoedInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "placeholder": "CVC"}),
    )
    confirm_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("confirm_key"):
            self.initial["confirm_key"] = uuid.uuid4().hex

    def clean_number(self) -> str:
        digits = str(self.cleaned_data["number"]).replace(" ", "").replace("-", "")
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise forms.ValidationError(_("Enter the card number: 12 to 19 digits."), code="invalid")
        return digits

    def clean_cvc(self) -> str:
        cvc = str(self.cleaned_data["cvc"]).strip()
        if not cvc.isdigit():
            raise forms.ValidationError(_("Enter the 3 or 4 digits on the back of the card."), code="invalid")
        return cvc

    def payment_method(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "type": "card",
            "number": data["number"],
            "exp_month": str(data["exp_month"]),
            "exp_year": str(data["exp_year"]),
            "cvc": data["cvc"],
        }
