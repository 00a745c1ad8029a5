"""A complimentary R0 subscription (the demo instructor's PRO) renews without asking the Payment Service for 0."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.payments.models import PaymentIntent
from azora.revenue.models import Plan, Subscription, SubscriptionCharge
from azora.revenue.public import subscription_live_plan_code
from azora.revenue.services.subscriptions import subscriptions_renew_due
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_a_complimentary_r0_subscription_renews_with_a_paid_r0_charge_and_the_renewed_event(customer: User) -> None:
    start = timezone.now() - dt.timedelta(days=365)
    end = timezone.now() - dt.timedelta(minutes=1)
    subscription = Subscription.objects.create(
        user=customer,
        plan=Plan.objects.get(code="pro"),
        interval="year",
        currency="ZAR",
        unit_amount_minor=0,
        status="active",
        current_period_start=start,
        current_period_end=end,
        billing_anchor_day=start.day,
        granted_reason="Demo instructor on PRO",
    )
    assert subscriptions_renew_due() == 1
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert subscription.current_period_start == end
    assert subscription.current_period_end.year == end.year + 1
    charge = SubscriptionCharge.objects.get()
    assert (charge.kind, charge.status, charge.amount_minor, charge.payment_intent_id) == ("renewal", "paid", 0, None)
    assert PaymentIntent.objects.count() == 0  # nothing asked of the Payment Service
    renewed = OutboxEvent.objects.filter(event_type="revenue.subscription_renewed")
    assert renewed.count() == 1
    assert renewed.get().payload["amount_charged"] == {"minor": 0, "currency": "ZAR"}
    assert subscription_live_plan_code(user_id=customer.id) == "pro"
    assert subscriptions_renew_due() == 0  # the next period is a year away
