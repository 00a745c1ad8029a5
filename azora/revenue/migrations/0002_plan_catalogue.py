"""Data migration: the plan catalogue FREE, PRO and ENTERPRISE with their limits and ZAR and USD prices.

Platform admins edit plans and prices in the admin afterwards; running this again adds what is missing and never
overwrites an edited plan or price (get_or_create). The values are documented in docs/revenue.md.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Limits: None is unlimited. AZR amounts are in minor units (5000 = 50.00 AZR). Shares in basis points.
PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": "free",
        "name": "Free",
        "description": "Learn at your own pace: five new courses a month, ten questions to Elara a month.",
        "rank": 0,
        "is_per_seat": False,
        "trial_days": 0,
        "enrolments_per_month": 5,
        "elara_questions_per_month": 10,
        "azr_earn_per_month_minor": 5_000,
        "may_sell": False,
        "instructor_share_bp": 0,
        "certificates": True,
        "offline_access": False,
    },
    {
        "code": "pro",
        "name": "Pro",
        "description": "Unlimited courses, 500 questions to Elara a month, offline access, and selling your own "
        "courses at a 70% instructor share.",
        "rank": 10,
        "is_per_seat": False,
        "trial_days": 14,
        "enrolments_per_month": None,
        "elara_questions_per_month": 500,
        "azr_earn_per_month_minor": 50_000,
        "may_sell": True,
        "instructor_share_bp": 7_000,
        "certificates": True,
        "offline_access": True,
    },
    {
        "code": "enterprise",
        "name": "Enterprise",
        "description": "For organisations, priced per seat: everything in Pro, 1 000 questions to Elara a month per "
        "seat, and a 75% instructor share.",
        "rank": 20,
        "is_per_seat": True,
        "trial_days": 14,
        "enrolments_per_month": None,
        "elara_questions_per_month": 1_000,
        "azr_earn_per_month_minor": 500_000,
        "may_sell": True,
        "instructor_share_bp": 7_500,
        "certificates": True,
        "offline_access": True,
    },
)

# (plan code, interval, currency) -> minor units. ZAR is the base currency; USD is an explicit price, not a
# conversion. A year costs about ten months (two months free), at a local price point.
PRICES: dict[tuple[str, str, str], int] = {
    ("free", "month", "ZAR"): 0,
    ("free", "year", "ZAR"): 0,
    ("free", "month", "USD"): 0,
    ("free", "year", "USD"): 0,
    ("pro", "month", "ZAR"): 14_900,  # R149.00
    ("pro", "year", "ZAR"): 149_900,  # R1 499.00
    ("pro", "month", "USD"): 899,  # $8.99
    ("pro", "year", "USD"): 8_999,  # $89.99
    ("enterprise", "month", "ZAR"): 29_900,  # R299.00 per seat
    ("enterprise", "year", "ZAR"): 299_900,  # R2 999.00 per seat
    ("enterprise", "month", "USD"): 1_799,  # $17.99 per seat
    ("enterprise", "year", "USD"): 17_999,  # $179.99 per seat
}


def seed_plan_catalogue(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    Plan = apps.get_model("revenue", "Plan")
    PlanPrice = apps.get_model("revenue", "PlanPrice")
    plans = {}
    for fields in PLANS:
        values = dict(fields)
        code = values.pop("code")
        plans[code], _ = Plan.objects.get_or_create(code=code, defaults=values)
    for (code, interval, currency), amount_minor in PRICES.items():
        PlanPrice.objects.get_or_create(
            plan=plans[code],
            interval=interval,
            currency=currency,
            defaults={"amount_minor": amount_minor},
        )


def remove_plan_catalogue(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None = None) -> None:
    """Back out only what no subscription uses (a plan with subscriptions is PROTECTed and stays)."""
    Plan = apps.get_model("revenue", "Plan")
    Subscription = apps.get_model("revenue", "Subscription")
    used = set(Subscription.objects.values_list("plan_id", flat=True))
    Plan.objects.filter(code__in=[plan["code"] for plan in PLANS]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("revenue", "0001_initial")]

    operations = [migrations.RunPython(seed_plan_catalogue, remove_plan_catalogue)]
