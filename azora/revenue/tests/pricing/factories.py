"""Test data for pricing: the seeded plan catalogue, subscriptions that put a user on a plan, coupons, country
prices and student verifications. Other areas' tests use `plan_catalogue` and `subscribe` too."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import factory
from django.apps import apps
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.models import User
from azora.revenue.models import (
    CountryPrice,
    Coupon,
    CouponKind,
    Plan,
    StudentVerification,
    StudentVerificationMethod,
    Subscription,
    SubscriptionStatus,
)

_catalogue_migration = importlib.import_module("azora.revenue.migrations.0002_plan_catalogue")


def plan_catalogue() -> dict[str, Plan]:
    """FREE, PRO and ENTERPRISE as the data migration seeds them (again, after a transactional test emptied the
    tables); the rows by code."""
    _catalogue_migration.seed_plan_catalogue(apps)
    return {plan.code: plan for plan in Plan.objects.filter(code__in=["free", "pro", "enterprise"])}


def subscribe(user: User, plan_code: str, **fields: Any) -> Subscription:
    """Put the user on a plan through an active monthly subscription row."""
    now = timezone.now()
    values: dict[str, Any] = {
        "user": user,
        "plan": Plan.objects.get(code=plan_code),
        "interval": "month",
        "currency": "ZAR",
        "unit_amount_minor": 14_900,
        "status": SubscriptionStatus.ACTIVE,
        "current_period_start": now,
        "current_period_end": now + timedelta(days=30),
    }
    values.update(fields)
    subscription: Subscription = Subscription.objects.create(**values)
    return subscription


class CouponFactory(DjangoModelFactory[Coupon]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A 10%-off coupon, one use per user, no total limit, no expiry; `fixed=True` makes it R50.00 off."""

    class Meta:
        model = Coupon

    class Params:
        fixed = factory.Trait(kind=CouponKind.FIXED, percent_off_bp=None, amount_off_minor=5_000, currency="ZAR")

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = CouponKind.PERCENT
    percent_off_bp = 1_000


class CountryPriceFactory(DjangoModelFactory[CountryPrice]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = CountryPrice

    plan = factory.LazyFunction(lambda: Plan.objects.get(code="pro"))
    interval = "month"
    country = "KE"
    currency = "KES"
    amount_minor = 99_900


class StudentVerificationFactory(DjangoModelFactory[StudentVerification]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    class Meta:
        model = StudentVerification

    method = StudentVerificationMethod.MANUAL
    evidence = "Student card 12345"
