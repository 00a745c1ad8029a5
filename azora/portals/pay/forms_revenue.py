"""Forms of the Pay UI's purchase, plan and earnings pages: coupon and AZR on the review page, the card a plan is
paid with, a change of plan or period, a payout request.

Prices, discounts, balances and minimums are the revenue engine's and Finance's rules; these forms only refuse
input that cannot be a coupon code, an amount or a bank account at all.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from azora.shared.forms import AmountField, CardForm, UnechoedInput, to_money

COUPON_MAX_LENGTH = 40
ACCOUNT_HOLDER_MAX_LENGTH = 100
NEW_CARD = "new"
CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc")


class ReviewForm(forms.Form):
    """The review page of a purchase: the currency to pay in, an optional coupon and AZR to redeem.

    The button pressed is `action`: "apply" shows the amounts again with the coupon and AZR, "pay" places the order.
    """

    currency = forms.ChoiceField(label=_("Currency"))
    coupon = forms.CharField(
        label=_("Coupon code (optional)"),
        required=False,
        max_length=COUPON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    redeem_azr = AmountField(
        label=_("AZR to redeem (optional)"),
        required=False,
        help_text=_("Learners who hold a valid certificate can turn AZR they earned into a discount."),
    )

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        currency_field = self.fields["currency"]
        assert isinstance(currency_field, forms.ChoiceField)
        currency_field.choices = [(code, code) for code in currencies]
        if len(currencies) == 1:
            currency_field.widget = forms.HiddenInput()

    def clean_coupon(self) -> str | None:
        code = str(self.cleaned_data.get("coupon") or "").strip()
        return code or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = cleaned.get("redeem_azr")
        cleaned["azr"] = to_money(self, "redeem_azr", number, "AZR") if isinstance(number, Decimal) else None
        return cleaned

    @property
    def wants_to_pay(self) -> bool:
        return self.is_bound and self.data.get("action") == "pay"


class PayoutForm(forms.Form):
    """A payout of released earnings to a bank account; `payout_id` makes a resubmitted form pay out once.

    The account number goes to Finance's payout provider only; the page never shows it back (UnechoedInput)."""

    amount = AmountField(label=_("Amount"))
    account_holder = forms.CharField(
        label=_("Account holder"),
        max_length=ACCOUNT_HOLDER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    bank_code = forms.CharField(
        label=_("Bank code"),
        min_length=3,
        max_length=11,
        help_text=_("Your bank's branch or SWIFT code: 3 to 11 letters or digits."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=24,
        widget=UnechoedInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    payout_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": currency}
        if not self.is_bound and not self.initial.get("payout_id"):
            self.initial["payout_id"] = uuid.uuid4()

    def clean_account_number(self) -> str:
        digits = str(self.cleaned_data["account_number"]).replace(" ", "").replace("-", "")
        if not digits.isdigit() or not 6 <= len(digits) <= 20:
            raise forms.ValidationError(_("Enter the account number: 6 to 20 digits."), code="invalid")
        return digits

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = cleaned.get("amount")
        if isinstance(number, Decimal):
            cleaned["money"] = to_money(self, "amount", number, self.currency)
        return cleaned

    def destination(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "type": "bank_account",
            "account_holder": data["account_holder"],
            "bank_code": data["bank_code"],
            "account_number": data["account_number"],
        }


class PlanPaymentForm(CardForm):
    """How a plan is paid for: a card saved before, or a new card (saved for the renewals). Plans renew off-session,
    so the Payment Service keeps the card as a token; its number never comes back into the page."""

    method = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    field_order = ["method", "number", "exp_month", "exp_year", "cvc"]

    def __init__(self, *args: Any, saved: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        method_field = self.fields["method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = [*saved, (NEW_CARD, _("A new card"))]
        if not self.is_bound:
            self.initial.setdefault("method", saved[0][0] if saved else NEW_CARD)
        for name in CARD_FIELDS:
            self.fields[name].required = False
        del self.fields["confirm_key"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("method") == NEW_CARD:
            for name in CARD_FIELDS:
                if name not in self.errors and cleaned.get(name) in (None, ""):
                    self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned

    def clean_number(self) -> str:
        return super().clean_number() if self.cleaned_data.get("number") else ""

    def clean_cvc(self) -> str:
        return super().clean_cvc() if self.cleaned_data.get("cvc") else ""

    @property
    def saved_method_id(self) -> uuid.UUID | None:
        method = self.cleaned_data.get("method")
        return None if method in (None, "", NEW_CARD) else uuid.UUID(str(method))


INTERVAL_CHOICES = [("month", _("Monthly")), ("year", _("Annual"))]


class PlanChangeForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"))
    interval = forms.ChoiceField(label=_("Billing period"), choices=INTERVAL_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args: Any, plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = plans


class SeatAssignForm(forms.Form):
    """A seat of an organisation's subscription for one of its members who holds none (the page lists them)."""

    user = forms.ChoiceField(label=_("Member"))

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ChoiceField)
        user_field.choices = members

    @property
    def user_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.cleaned_data["user"]))


class SeatCountForm(forms.Form):
    """How many seats the organisation pays for; the revenue engine decides the upper limit and refuses fewer seats
    than are assigned."""

    seats = forms.IntegerField(
        label=_("Number of seats"),
        min_value=1,
        help_text=_(
            "More seats are charged now for the rest of the period; fewer leave a credit for the next charges."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OrganisationPlanForm(PlanPaymentForm):
    """An organisation's first subscription to a per-seat plan: which plan, how many seats, the billing period and
    the card it is paid and renewed with. The revenue engine prices it and decides who may start it."""

    plan = forms.ChoiceField(label=_("Plan"))
    seats = forms.IntegerField(label=_("Number of seats"), min_value=1, initial=1)
    interval = forms.ChoiceField(
        label=_("Billing period"), choices=INTERVAL_CHOICES, widget=forms.RadioSelect, initial="month"
    )
    currency = forms.ChoiceField(label=_("Currency"))

    field_order = ["plan", "seats", "interval", "currency", "method", "number", "exp_month", "exp_year", "cvc"]

    def __init__(
        self, *args: Any, plans: list[tuple[str, str]], currencies: list[str], preferred: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        currency_field = self.fields["currency"]
        assert isinstance(currency_field, forms.ChoiceField)
        currency_field.choices = [(code, code) for code in currencies]
        self.initial.setdefault("currency", preferred if preferred in currencies else (currencies or [""])[0])
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = plans
        if len(plans) == 1:
            plan_field.widget = forms.HiddenInput()
            self.initial.setdefault("plan", plans[0][0])
