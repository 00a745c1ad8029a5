"""Demo data of the revenue engine's checkout: the demo instructor on PRO selling one demo course at R200.

Loaded by `azora demo-data` after the education demo (registered at the bottom of azora/revenue/subscribers.py,
which wiring imports at start-up). Idempotent: the PRO plan is granted only when the instructor has no live
plan, and the price is set only when the course has none.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import azora.education.public as education
from azora.accounts.public import active_user_id_by_email
from azora.revenue.models import Plan, Subscription, SubscriptionStatus
from azora.shared.money import Money

DEMO_INSTRUCTOR_EMAIL = "instructor@azora.local"
DEMO_PAID_COURSE_SLUG = "start-a-small-business"
DEMO_PRICE = Money(20_000, "ZAR")  # R200.00
# The demo instructor's PRO: a complimentary year (no card in the demo); granted again when it has lapsed.
DEMO_PRO_DAYS = 365


class DemoDataMissing(LookupError):
    """The checkout demo needs the accounts and education demos first."""


def load_demo_data() -> None:
    from azora.revenue.public import pricing, subscriptions

    instructor_id = active_user_id_by_email(email=DEMO_INSTRUCTOR_EMAIL)
    if instructor_id is None:
        raise DemoDataMissing(f"The demo account {DEMO_INSTRUCTOR_EMAIL} does not exist; load the accounts demo.")
    if subscriptions.subscription_live_plan_code(user_id=instructor_id) is None:
        # A trial is at most 90 days and once per person, so the demo's PRO is an active complimentary subscription
        # row (price 0): nothing is charged when it renews.
        pro = Plan.objects.get(code="pro")
        now = timezone.now()
        Subscription.objects.create(
            user_id=instructor_id,
            plan=pro,
            interval="year",
            currency=DEMO_PRICE.currency,
            unit_amount_minor=0,
            status=SubscriptionStatus.ACTIVE,
            current_period_start=now,
            current_period_end=now + dt.timedelta(days=DEMO_PRO_DAYS),
            billing_anchor_day=now.day,
            granted_reason="Demo instructor on PRO",
        )
    course = education.course_detail(slug=DEMO_PAID_COURSE_SLUG, viewer_id=instructor_id)
    if not pricing.course_prices(course_id=course.id):
        pricing.course_prices_set(course_id=course.id, user_id=instructor_id, prices=[DEMO_PRICE])
