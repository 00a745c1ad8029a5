"""Test data for subscriptions: extra personal plans beside the seeded catalogue, to change between."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from azora.revenue.models import Plan, PlanPrice


class PlanFactory(DjangoModelFactory[Plan]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan{n}")
    name = factory.LazyAttribute(lambda plan: plan.code.title())
    rank = 5
    trial_days = 0


class PlanPriceFactory(DjangoModelFactory[PlanPrice]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = PlanPrice

    plan = factory.SubFactory(PlanFactory)
    interval = "month"
    currency = "ZAR"
    amount_minor = 9_900


def plus_plan() -> Plan:
    """A smaller personal plan than PRO: R99.00 a month, R990.00 a year."""
    plan: Plan = PlanFactory(code="plus", name="Plus", rank=5)
    PlanPriceFactory(plan=plan, interval="month", amount_minor=9_900)
    PlanPriceFactory(plan=plan, interval="year", amount_minor=99_000)
    return plan
