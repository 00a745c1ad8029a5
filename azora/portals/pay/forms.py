"""Forms of the Pay UI: they parse what a person typed into Money, dates and ids, and say clearly what is wrong.

The rules about money (limits, fees, balances, who may refund) live in Finance and the Payment Service; a
form only refuses input that cannot mean an amount, a date or a card at all.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from azora.shared.forms import AmountField, to_money
from azora.shared.money import Money

NOTE_MAX_LENGTH = 140
REASON_MAX_LENGTH = 500
MAX_STATEMENT_DAYS = 366 * 5


class SendForm(forms.Form):
    """Send AZR: who to, how much, and a note the recipient sees. `transfer_id` keeps a confirm idempotent."""

    recipient = forms.EmailField(
        label=_("Recipient's email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    amount = AmountField(label=_("Amount (AZR)"))
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("The recipient sees it in their history. At most 140 characters."),
    )
    transfer_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = cleaned.get("amount")
        if isinstance(number, Decimal):
            cleaned["money"] = to_money(self, "amount", number, "AZR")
        return cleaned

    def money(self) -> Money:
        value = self.cleaned_data["money"]
        assert isinstance(value, Money)
        return value


class TopUpForm(forms.Form):
    """Add money to a wallet: the amount and currency of the payment that will be created."""

    amount = AmountField(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Wallet"))
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency_field = self.fields["currency"]
        assert isinstance(currency_field, forms.ChoiceField)
        currency_field.choices = [(code, code) for code in currencies]
        if not self.is_bound and not self.initial.get("request_key"):
            self.initial["request_key"] = uuid.uuid4().hex

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number, currency = cleaned.get("amount"), cleaned.get("currency")
        if isinstance(number, Decimal) and isinstance(currency, str):
            cleaned["money"] = to_money(self, "amount", number, currency)
        return cleaned


class ChallengeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("approve", _("Approve")), ("deny", _("Deny"))])


PERIOD_CHOICES = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("all", _("All time")),
    ("custom", _("Dates I choose")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class HistoryFilterForm(forms.Form):
    """The filters of the transaction history; every field is optional and defaults to the last 30 days."""

    account = forms.ChoiceField(label=_("Account"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Words in the description."))

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], kinds: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        account_field, kind_field = self.fields["account"], self.fields["kind"]
        assert isinstance(account_field, forms.ChoiceField)
        assert isinstance(kind_field, forms.ChoiceField)
        account_field.choices = accounts
        kind_field.choices = [("", _("All kinds")), *kinds]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return cleaned

    def date_range(self) -> tuple[date | None, date | None]:
        """The first and last day to show (inclusive), from the period or the chosen dates."""
        period = self.cleaned_data.get("period") or "30"
        today = timezone.localdate()
        if period == "custom":
            return self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if period == "all":
            return None, None
        return today - timedelta(days=int(period) - 1), today


class RefundForm(forms.Form):
    """A refund of a payment, in full (no amount) or in part, always with a reason."""

    amount = AmountField(
        label=_("Amount to refund"), required=False, help_text=_("Leave empty to refund everything not yet refunded.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    refund_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        if not self.is_bound and not self.initial.get("refund_key"):
            self.initial["refund_key"] = uuid.uuid4().hex

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = cleaned.get("amount")
        cleaned["money"] = to_money(self, "amount", number, self.currency) if isinstance(number, Decimal) else None
        return cleaned


class PaymentLookupForm(forms.Form):
    payment = forms.UUIDField(
        label=_("Payment id"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"invalid": _("Enter a payment id, as shown on the receipt or in the payment's record.")},
    )


class StatementForm(forms.Form):
    account = forms.ChoiceField(label=_("Account"), required=False)  # none chosen: the AZR wallet
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account_field = self.fields["account"]
        assert isinstance(account_field, forms.ChoiceField)
        account_field.choices = accounts

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days > MAX_STATEMENT_DAYS:
                self.add_error("end", _("A statement covers at most five years."))
        return cleaned
