"""Start (paid and trial), renewal at period end, cancel at period end, reactivation, granted trials: each charge
through the real Payment Service (sandbox) into revenue:subscriptions, each state change an event."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.accounts.models import User
from azora.payments import public as payments
from azora.payments import services as payment_services
from azora.payments.models import PaymentIntent
from azora.revenue import public as revenue
from azora.revenue.models import ChargeKind, ChargeStatus, Subscription, SubscriptionCharge
from azora.revenue.services import subscriptions as services
from azora.revenue.tests.pricing.factories import CouponFactory, StudentVerificationFactory
from azora.revenue.tests.subscriptions.conftest import (
    GOOD_CARD,
    PRO_MONTH_ZAR,
    PRO_YEAR_ZAR,
    T0,
    events_of,
    revenue_account_minor,
    save_card,
)
from azora.shared.errors import ValidationFailed
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def start_pro(user: User, card: uuid.UUID | None, **overrides: Any) -> revenue.SubscriptionView:
    arguments: dict[str, Any] = {
        "user_id": user.id,
        "plan_code": "pro",
        "interval": "month",
        "currency": "ZAR",
        "payment_method_id": card,
        "now": T0,
    } | overrides
    return revenue.subscription_start(**arguments)


def test_a_paid_start_charges_the_first_period_through_the_payment_service(customer: User, card: uuid.UUID) -> None:
    view = start_pro(customer, card)
    assert view.status == "active"
    assert view.plan_code == "pro"
    assert view.unit_amount == Money(PRO_MONTH_ZAR, "ZAR")
    assert (view.current_period_start, view.current_period_end) == (T0, dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC))
    charge = view.latest_charge
    assert charge is not None
    assert (charge.kind, charge.status, charge.amount.minor, charge.attempt) == ("start", "paid", PRO_MONTH_ZAR, 1)
    assert charge.payment_intent_id is not None
    intent = payments.payment_intent_get(intent_id=charge.payment_intent_id, viewer_id=customer.id)
    assert (intent.status, intent.purpose, intent.amount.minor, intent.amount.currency) == (
        "succeeded",
        "subscription",
        PRO_MONTH_ZAR,
        "ZAR",
    )
    assert intent.metadata["subscription_id"] == str(view.id)
    assert revenue_account_minor() == PRO_MONTH_ZAR
    [started] = events_of("subscription_started")
    assert started["subscription_id"] == str(view.id)
    assert started["status"] == "active"
    assert started["plan_code"] == "pro"
    assert revenue.subscription_live_plan_code(user_id=customer.id) == "pro"
    assert revenue.subscription_get_for_user(user_id=customer.id) == view


def test_a_declined_first_payment_leaves_no_live_subscription(customer: User, declined_card: uuid.UUID) -> None:
    with pytest.raises(revenue.SubscriptionPaymentFailed) as raised:
        start_pro(customer, declined_card)
    assert raised.value.extra["failure_code"] == "card_declined"
    subscription = Subscription.objects.get(user=customer)
    assert (subscription.status, subscription.cancel_reason, subscription.ended_at) == (
        "canceled",
        "payment_failed",
        T0,
    )
    assert SubscriptionCharge.objects.get().status == ChargeStatus.FAILED
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    assert events_of("subscription_started") == []
    assert revenue_account_minor() == 0
    # the slot is free again: a good card starts it
    good = payments.payment_method_save(
        customer_id=customer.id,
        payment_method={"type": "card", "number": "4242424242424242", "exp_month": "1", "exp_year": "2041", "cvc": "1"},
    )
    assert start_pro(customer, good.id).status == "active"


def test_a_trial_charges_nothing_until_it_ends_then_renews(customer: User, card: uuid.UUID) -> None:
    view = start_pro(customer, card, trial=True)
    trial_end = T0 + dt.timedelta(days=14)
    assert (view.status, view.trial_end, view.current_period_end) == ("trialing", trial_end, trial_end)
    assert view.latest_charge is None
    assert revenue_account_minor() == 0
    assert revenue.subscription_live_plan_code(user_id=customer.id) == "pro"
    assert services.subscriptions_renew_due(now=trial_end - dt.timedelta(seconds=1)) == 0
    assert services.subscriptions_renew_due(now=trial_end) == 1
    subscription = Subscription.objects.get(pk=view.id)
    assert subscription.status == "active"
    assert (subscription.current_period_start, subscription.current_period_end) == (
        trial_end,
        dt.datetime(2026, 3, 14, 9, tzinfo=dt.UTC),
    )
    assert revenue_account_minor() == PRO_MONTH_ZAR
    [renewed] = events_of("subscription_renewed")
    assert renewed["attempt"] == 1
    # a second run finds nothing to do and charges nothing more
    assert services.subscriptions_renew_due(now=trial_end) == 0
    assert SubscriptionCharge.objects.filter(kind=ChargeKind.RENEWAL).count() == 1


def test_one_trial_per_person(customer: User, card: uuid.UUID) -> None:
    view = start_pro(customer, card, trial=True)
    revenue.subscription_cancel(subscription_id=view.id, user_id=customer.id)
    services.subscriptions_renew_due(now=view.current_period_end)
    with pytest.raises(revenue.TrialNotAvailable):
        start_pro(customer, card, trial=True, now=view.current_period_end)


def test_renewals_keep_the_anchor_day_and_charge_each_period(customer: User, card: uuid.UUID) -> None:
    view = start_pro(customer, card)
    ends = []
    moment = view.current_period_end
    for _ in range(3):
        assert services.subscriptions_renew_due(now=moment) == 1
        subscription = Subscription.objects.get(pk=view.id)
        ends.append(subscription.current_period_end)
        moment = subscription.current_period_end
    assert ends == [
        dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 30, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 5, 31, 9, tzinfo=dt.UTC),
    ]
    assert revenue_account_minor() == 4 * PRO_MONTH_ZAR
    assert len(events_of("subscription_renewed")) == 3


def test_cancel_at_period_end_keeps_the_plan_until_then_and_reactivation_undoes_it(
    customer: User, card: uuid.UUID
) -> None:
    view = start_pro(customer, card, interval="year")
    assert view.latest_charge is not None
    assert view.latest_charge.amount.minor == PRO_YEAR_ZAR
    canceled = revenue.subscription_cancel(subscription_id=view.id, user_id=customer.id)
    assert (canceled.status, canceled.cancel_at_period_end) == ("active", True)
    again = revenue.subscription_cancel(subscription_id=view.id, user_id=customer.id)
    assert again.cancel_at_period_end is True
    assert [event["change"] for event in events_of("subscription_changed")] == ["cancel_scheduled"]
    reactivated = revenue.subscription_update(subscription_id=view.id, user_id=customer.id, cancel_at_period_end=False)
    assert (reactivated.cancel_at_period_end, reactivated.canceled_at) == (False, None)
    revenue.subscription_cancel(subscription_id=view.id, user_id=customer.id)
    assert services.subscriptions_renew_due(now=view.current_period_end) == 1
    ended = Subscription.objects.get(pk=view.id)
    assert (ended.status, ended.cancel_reason, ended.ended_at) == ("canceled", "canceled", view.current_period_end)
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    assert revenue.subscription_get_for_user(user_id=customer.id) is None
    [event] = events_of("subscription_canceled")
    assert event["reason"] == "canceled"
    assert [e["change"] for e in events_of("subscription_changed")] == [
        "cancel_scheduled",
        "reactivated",
        "cancel_scheduled",
    ]
    assert revenue_account_minor() == PRO_YEAR_ZAR  # nothing charged at the end
    with pytest.raises(revenue.SubscriptionNotChangeable):
        revenue.subscription_update(subscription_id=view.id, user_id=customer.id, cancel_at_period_end=False)


def test_a_granted_trial_ends_on_free_without_a_card(customer: User) -> None:
    view = revenue.subscription_trial_grant(user_id=customer.id, days=7, reason="offer:first_assessment", now=T0)
    assert (view.status, view.plan_code, view.payment_method_id) == ("trialing", "pro", None)
    assert view.current_period_end == T0 + dt.timedelta(days=7)
    [started] = events_of("subscription_started")
    assert started["granted_reason"] == "offer:first_assessment"
    with pytest.raises(revenue.SubscriptionAlreadyLive):
        revenue.subscription_trial_grant(user_id=customer.id, days=7, reason="again", now=T0)
    assert services.subscriptions_renew_due(now=T0 + dt.timedelta(days=7)) == 1
    ended = Subscription.objects.get(pk=view.id)
    assert (ended.status, ended.cancel_reason) == ("canceled", "trial_ended")
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    assert SubscriptionCharge.objects.count() == 0
    assert [event["reason"] for event in events_of("subscription_canceled")] == ["trial_ended"]


def test_a_granted_trial_becomes_paid_when_a_card_is_added(customer: User, card: uuid.UUID) -> None:
    view = revenue.subscription_trial_grant(user_id=customer.id, days=7, reason="offer", now=T0)
    revenue.subscription_update(subscription_id=view.id, user_id=customer.id, payment_method_id=card)
    services.subscriptions_renew_due(now=T0 + dt.timedelta(days=7))
    renewed = Subscription.objects.get(pk=view.id)
    assert renewed.status == "active"
    assert revenue_account_minor() == PRO_MONTH_ZAR


def test_subscribing_during_a_granted_trial_replaces_it(customer: User, card: uuid.UUID) -> None:
    granted = revenue.subscription_trial_grant(user_id=customer.id, days=7, reason="offer", now=T0)
    paid = start_pro(customer, card, interval="year", now=T0 + dt.timedelta(days=2))
    assert paid.status == "active"
    assert Subscription.objects.get(pk=granted.id).cancel_reason == "converted"
    assert revenue.subscription_get_for_user(user_id=customer.id) == paid


def test_a_coupon_takes_its_discount_off_the_first_charge_only(
    customer: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    coupon = CouponFactory(code="WELCOME20", kind="percent", percent_off_bp=2_000, plan_codes=["pro"])
    view = start_pro(customer, card, coupon_code="welcome20")
    assert view.latest_charge is not None
    assert view.latest_charge.amount.minor == 11_920  # R149.00 less 20%
    assert Subscription.objects.get(pk=view.id).coupon_id == coupon.id
    services.subscriptions_renew_due(now=view.current_period_end)
    assert SubscriptionCharge.objects.filter(kind="renewal").get().amount_minor == PRO_MONTH_ZAR


def test_a_verified_student_pays_half_for_pro_on_every_charge(customer: User, card: uuid.UUID) -> None:
    StudentVerificationFactory(user=customer)
    view = start_pro(customer, card)
    assert (view.discount_bp, view.unit_amount.minor) == (5_000, 7_450)
    assert view.latest_charge is not None
    assert view.latest_charge.amount.minor == 7_450
    services.subscriptions_renew_due(now=view.current_period_end)
    assert SubscriptionCharge.objects.get(kind="renewal").amount_minor == 7_450


def test_a_payment_still_processing_leaves_the_start_incomplete_until_it_settles(
    customer: User, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    slow = save_card(customer, {**GOOD_CARD, "number": "4000000000000077"})
    view = start_pro(customer, slow)
    assert view.status == "incomplete"
    assert revenue.subscription_live_plan_code(user_id=customer.id) is None
    assert events_of("subscription_started") == []
    with pytest.raises(revenue.SubscriptionAlreadyLive):  # the slot is held meanwhile
        start_pro(customer, slow, interval="year")
    assert services.subscription_charges_settle(now=T0, settle_after=dt.timedelta(0)) == 0  # still processing
    # the sandbox's bank settles the payment: its signed webhook arrives and is processed
    charge = SubscriptionCharge.objects.get()
    assert charge.payment_intent_id is not None
    intent = payments.payment_intent_get(intent_id=charge.payment_intent_id, viewer_id=customer.id)
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.sandbox_settlement_deliver(provider_ref=payment_provider_ref(intent.id))
    assert services.subscription_charges_settle(now=T0, settle_after=dt.timedelta(0)) == 1
    assert Subscription.objects.get(pk=view.id).status == "active"
    [started] = events_of("subscription_started")
    assert started["amount_charged"]["minor"] == PRO_MONTH_ZAR


def payment_provider_ref(intent_id: uuid.UUID) -> str:
    return str(PaymentIntent.objects.values_list("provider_ref", flat=True).get(pk=intent_id))


def test_a_first_charge_discount_comes_off_after_the_coupon(customer: User, card: uuid.UUID) -> None:
    CouponFactory(code="TEN", kind="percent", percent_off_bp=1_000, plan_codes=["pro"])
    view = start_pro(customer, card, coupon_code="TEN", first_charge_discount=Money(5_000, "ZAR"))
    assert view.latest_charge is not None
    assert view.latest_charge.amount.minor == 14_900 - 1_490 - 5_000
    assert view.unit_amount.minor == PRO_MONTH_ZAR
    with pytest.raises(ValidationFailed):
        start_pro(customer, card, first_charge_discount=Money(100, "USD"))


def test_a_discount_on_the_next_charges_applies_to_that_many_renewals(customer: User, card: uuid.UUID) -> None:
    view = start_pro(customer, card)
    revenue.subscription_discount_next_charges(subscription_id=view.id, percent_bp=3_000, reason="offer:x", charges=1)
    services.subscriptions_renew_due(now=view.current_period_end)
    row = Subscription.objects.get(pk=view.id)
    services.subscriptions_renew_due(now=row.current_period_end)
    renewals = list(SubscriptionCharge.objects.filter(kind="renewal").order_by("period_start"))
    assert [charge.amount_minor for charge in renewals] == [10_430, PRO_MONTH_ZAR]  # 30% off once
    assert renewals[0].change["discount_reason"] == "offer:x"
    with pytest.raises(ValidationFailed):
        revenue.subscription_discount_next_charges(subscription_id=view.id, percent_bp=0, reason="offer:x")
    revenue.subscription_cancel(subscription_id=view.id, user_id=customer.id)
    services.subscriptions_renew_due(now=Subscription.objects.get(pk=view.id).current_period_end)
    with pytest.raises(revenue.SubscriptionNotChangeable):
        revenue.subscription_discount_next_charges(subscription_id=view.id, percent_bp=5_000, reason="offer:y")
