"""A failed renewal: past due, three retries on day 1, 3 and 7 with dunning emails, then FREE; a new card in between
recovers it; a charge left pending by a run that stopped is finished once, never charged twice."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.revenue import public as revenue
from azora.revenue.models import ChargeStatus, Subscription, SubscriptionCharge
from azora.revenue.services import subscriptions as services
from azora.revenue.tests.subscriptions.conftest import (
    DECLINED_CARD,
    PRO_MONTH_ZAR,
    T0,
    events_of,
    revenue_account_minor,
    save_card,
)

pytestmark = pytest.mark.django_db
RENEWAL = dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)


def days_after_renewal(days: int) -> dt.datetime:
    return RENEWAL + dt.timedelta(days=days)


@pytest.fixture
def subscription(customer: User, card: uuid.UUID) -> revenue.SubscriptionView:
    """An active PRO subscription (paid with a good card) whose card then starts to decline."""
    view = revenue.subscription_start(
        user_id=customer.id, plan_code="pro", interval="month", currency="ZAR", payment_method_id=card, now=T0
    )
    declining = save_card(customer, DECLINED_CARD)
    revenue.subscription_update(subscription_id=view.id, user_id=customer.id, payment_method_id=declining)
    return view


def test_three_retries_over_seven_days_then_free(
    customer: User,
    subscription: revenue.SubscriptionView,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.subscriptions_renew_due(now=RENEWAL) == 1
    row = Subscription.objects.get(pk=subscription.id)
    assert (row.status, row.dunning_attempts, row.next_retry_at) == ("past_due", 0, days_after_renewal(1))
    assert revenue.subscription_live_plan_code(user_id=customer.id) == "pro"  # the plan stays while dunning
    [past_due] = events_of("subscription_past_due")
    assert (past_due["attempt"], past_due["failure_code"]) == (1, "card_declined")
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert first.to == ["naledi@example.test"]
    assert first.subject == "Your Azora Pro payment did not go through"
    assert "149.00 ZAR" in first.body
    assert "attempt 1 of 4" in first.body
    assert "2026-03-01 09:00" in first.body

    schedule = [(1, 3), (3, 7)]
    for day, next_day in schedule:
        assert services.subscriptions_retry_due(now=days_after_renewal(day) - dt.timedelta(seconds=1)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert services.subscriptions_retry_due(now=days_after_renewal(day)) == 1
        row.refresh_from_db()
        assert (row.status, row.next_retry_at) == ("past_due", days_after_renewal(next_day))
    assert row.dunning_attempts == 2
    assert len(mail.outbox) == 3
    assert "attempt 3 of 4" in mail.outbox[2].body

    with django_capture_on_commit_callbacks(execute=True):
        assert services.subscriptions_retry_due(now=days_after_renewal(7)) == 1
    row.refresh_from_db()
    assert (row.status, row.cancel_reason, row.ended_at, row.next_retry_at) == (
        "canceled",
        "payment_failed",
        days_after_renewal(7),
        None,
    )
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    attempts = list(
        SubscriptionCharge.objects.filter(subscription_id=subscription.id, kind="renewal")
        .order_by("attempt")
        .values_list("attempt", "status", "amount_minor", "failure_code")
    )
    assert attempts == [(n, ChargeStatus.FAILED, PRO_MONTH_ZAR, "card_declined") for n in (1, 2, 3, 4)]
    assert len(events_of("subscription_past_due")) == 1
    [canceled] = events_of("subscription_canceled")
    assert canceled["reason"] == "payment_failed"
    assert len(mail.outbox) == 4
    assert mail.outbox[3].subject == "Your Azora Pro plan has ended"
    assert "FREE plan" in mail.outbox[3].body
    assert revenue_account_minor() == PRO_MONTH_ZAR  # only the first period was ever paid
    # nothing more happens afterwards
    assert services.subscriptions_retry_due(now=days_after_renewal(30)) == 0
    assert services.subscriptions_renew_due(now=days_after_renewal(30)) == 0


def test_a_new_card_recovers_a_past_due_subscription(customer: User, subscription: revenue.SubscriptionView) -> None:
    services.subscriptions_renew_due(now=RENEWAL)
    good = save_card(customer)
    fixed = revenue.subscription_update(subscription_id=subscription.id, user_id=customer.id, payment_method_id=good)
    assert fixed.status == "past_due"
    assert fixed.next_retry_at is not None
    assert services.subscriptions_retry_due(now=fixed.next_retry_at) == 1
    row = Subscription.objects.get(pk=subscription.id)
    assert (row.status, row.dunning_attempts, row.next_retry_at) == ("active", 0, None)
    assert (row.current_period_start, row.current_period_end) == (RENEWAL, dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC))
    [renewed] = events_of("subscription_renewed")
    assert renewed["attempt"] == 2
    assert revenue_account_minor() == 2 * PRO_MONTH_ZAR


def test_a_past_due_subscription_cannot_change_plan_until_paid(
    customer: User, subscription: revenue.SubscriptionView
) -> None:
    services.subscriptions_renew_due(now=RENEWAL)
    with pytest.raises(revenue.SubscriptionNotChangeable):
        revenue.subscription_update(subscription_id=subscription.id, user_id=customer.id, interval="year")


def test_canceling_while_past_due_stops_the_dunning(customer: User, subscription: revenue.SubscriptionView) -> None:
    services.subscriptions_renew_due(now=RENEWAL)
    revenue.subscription_cancel(subscription_id=subscription.id, user_id=customer.id)
    assert services.subscriptions_retry_due(now=days_after_renewal(1)) == 1
    row = Subscription.objects.get(pk=subscription.id)
    assert (row.status, row.cancel_reason) == ("canceled", "canceled")
    assert SubscriptionCharge.objects.filter(subscription_id=subscription.id, kind="renewal").count() == 1


def test_a_charge_left_pending_is_settled_once(customer: User, card: uuid.UUID) -> None:
    view = revenue.subscription_start(
        user_id=customer.id, plan_code="pro", interval="month", currency="ZAR", payment_method_id=card, now=T0
    )
    # the renewal run stops after writing its charge, before asking the Payment Service
    charge_id = services._renew_one(subscription_id=view.id, now=RENEWAL)
    assert charge_id is not None
    assert SubscriptionCharge.objects.get(pk=charge_id).status == ChargeStatus.PENDING
    assert services.subscription_charges_settle(now=RENEWAL) == 0  # still young: its request may be collecting it
    assert services.subscription_charges_settle(now=RENEWAL, settle_after=dt.timedelta(0)) == 1
    charge = SubscriptionCharge.objects.get(pk=charge_id)
    assert charge.status == ChargeStatus.PAID
    # collecting the same charge again asks for nothing more
    assert services._collect(charge_id=charge_id, now=RENEWAL) == "succeeded"
    assert services.subscription_charges_settle(now=RENEWAL, settle_after=dt.timedelta(0)) == 0
    assert revenue_account_minor() == 2 * PRO_MONTH_ZAR
