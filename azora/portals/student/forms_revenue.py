"""Forms of the Student Portal's plan page: change plan or billing period, and an organisation's seat count.

Which changes are allowed, what they cost and when they apply are the revenue engine's rules; these forms only
refuse input that cannot name a plan, a period or a number of seats.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SEATS = 10_000
INTERVAL_CHOICES = [("month", _("Monthly")), ("year", _("Annual"))]


class PlanChangeForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"))
    interval = forms.ChoiceField(label=_("Billing period"), choices=INTERVAL_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args: Any, plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ChoiceField)
        plan_field.choices = plans


class SeatsForm(forms.Form):
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=MAX_SEATS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Added seats are charged for the rest of the period; fewer seats apply from the next one."),
    )
