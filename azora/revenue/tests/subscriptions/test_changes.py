"""Upgrades (charged now for the rest of the period), downgrades (now, the difference as credit on the next
charges), a new interval (a new period now, less the unused old one), and changes that fail or make no sense."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.payments.errors import PaymentMethodNotFound
from azora.revenue import public as revenue
from azora.revenue.models import ChargeStatus, Subscription, SubscriptionCharge
from azora.revenue.services import subscriptions as services
from azora.revenue.tests.subscriptions.conftest import (
    DECLINED_CARD,
    PRO_MONTH_ZAR,
    PRO_YEAR_ZAR,
    T0,
    events_of,
    revenue_account_minor,
    save_card,
)
from azora.revenue.tests.subscriptions.factories import plus_plan
from azora.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db
PERIOD_END = dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)  # 28 days after T0
HALFWAY = dt.datetime(2026, 2, 14, 9, tzinfo=dt.UTC)


def start(user: User, card: uuid.UUID, plan_code: str) -> revenue.SubscriptionView:
    return revenue.subscription_start(
        user_id=user.id, plan_code=plan_code, interval="month", currency="ZAR", payment_method_id=card, now=T0
    )


def update(view: revenue.SubscriptionView, user: User, **changes: Any) -> revenue.SubscriptionView:
    return services.subscription_update(subscription_id=view.id, user_id=user.id, now=HALFWAY, **changes)


def test_an_upgrade_is_charged_now_for_the_rest_of_the_period(customer: User, card: uuid.UUID) -> None:
    plus_plan()
    view = start(customer, card, "plus")
    assert view.current_period_end == PERIOD_END
    upgraded = update(view, customer, plan_code="pro")
    assert (upgraded.plan_code, upgraded.unit_amount.minor, upgraded.current_period_end) == (
        "pro",
        PRO_MONTH_ZAR,
        PERIOD_END,
    )
    charge = upgraded.latest_charge
    assert charge is not None
    # half of R149.00 less the unused half of R99.00: 74.50 - 49.50 = 25.00
    assert (charge.kind, charge.status, charge.amount.minor) == ("proration", "paid", 2_500)
    assert revenue_account_minor() == 9_900 + 2_500
    [changed] = events_of("subscription_changed")
    assert (changed["change"], changed["from_plan_code"], changed["to_plan_code"]) == ("plan", "plus", "pro")
    assert changed["amount_charged"]["minor"] == 2_500
    # the next renewal is the full new price
    services.subscriptions_renew_due(now=PERIOD_END)
    assert SubscriptionCharge.objects.get(kind="renewal").amount_minor == PRO_MONTH_ZAR


def test_a_downgrade_applies_now_and_credits_the_next_renewal(customer: User, card: uuid.UUID) -> None:
    plus_plan()
    view = start(customer, card, "pro")
    downgraded = update(view, customer, plan_code="plus")
    assert (downgraded.plan_code, downgraded.credit.minor) == ("plus", 2_500)
    charge = downgraded.latest_charge
    assert charge is not None
    assert (charge.kind, charge.status, charge.amount.minor, charge.payment_intent_id) == (
        "proration",
        "credited",
        -2_500,
        None,
    )
    assert revenue_account_minor() == PRO_MONTH_ZAR  # nothing charged, nothing refunded
    [changed] = events_of("subscription_changed")
    assert changed["credit_added"]["minor"] == 2_500
    services.subscriptions_renew_due(now=PERIOD_END)
    renewal = SubscriptionCharge.objects.get(kind="renewal")
    assert (renewal.amount_minor, renewal.status) == (9_900 - 2_500, ChargeStatus.PAID)
    assert Subscription.objects.get(pk=view.id).credit_minor == 0
    [renewed] = events_of("subscription_renewed")
    assert (renewed["amount_charged"]["minor"], renewed["credit_used"]["minor"]) == (7_400, 2_500)


def test_a_new_interval_starts_a_new_period_less_the_unused_old_one(customer: User, card: uuid.UUID) -> None:
    view = start(customer, card, "pro")
    yearly = update(view, customer, interval="year")
    assert (yearly.interval, yearly.current_period_start, yearly.current_period_end) == (
        "year",
        HALFWAY,
        dt.datetime(2027, 2, 14, 9, tzinfo=dt.UTC),
    )
    charge = yearly.latest_charge
    assert charge is not None
    assert charge.amount.minor == PRO_YEAR_ZAR - 7_450
    assert revenue_account_minor() == PRO_MONTH_ZAR + PRO_YEAR_ZAR - 7_450
    assert events_of("subscription_changed")[0]["change"] == "interval"


def test_a_declined_upgrade_changes_nothing(
    customer: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    plus_plan()
    view = start(customer, card, "plus")
    declining = save_card(customer, DECLINED_CARD)
    update(view, customer, payment_method_id=declining)
    with pytest.raises(revenue.SubscriptionPaymentFailed) as raised:
        update(view, customer, plan_code="pro")
    assert raised.value.extra["failure_code"] == "card_declined"
    row = Subscription.objects.get(pk=view.id)
    assert (row.plan.code, row.unit_amount_minor, row.status) == ("plus", 9_900, "active")
    assert SubscriptionCharge.objects.get(kind="proration").status == ChargeStatus.FAILED
    assert [event["change"] for event in events_of("subscription_changed")] == ["payment_method"]
    assert revenue_account_minor() == 9_900


def test_the_same_plan_again_changes_nothing(
    customer: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    view = start(customer, card, "pro")
    before = snapshot()
    assert update(view, customer, plan_code="pro", interval="month").plan_code == "pro"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"plan_code": "nope"}, revenue.PlanNotFound),
        ({"plan_code": "free"}, revenue.PlanNotSubscribable),
        ({"plan_code": "enterprise"}, revenue.PlanNotSubscribable),
        ({"seats": 3}, ValidationFailed),
        ({"interval": "week"}, ValidationFailed),
        ({"payment_method_id": uuid.UUID(int=7)}, PaymentMethodNotFound),
    ],
)
def test_bad_changes_change_nothing(
    customer: User,
    card: uuid.UUID,
    snapshot: Callable[[], dict[str, Any]],
    changes: dict[str, Any],
    error: type[Exception],
) -> None:
    view = start(customer, card, "pro")
    before = snapshot()
    with pytest.raises(error):
        update(view, customer, **changes)
    assert snapshot() == before


def test_someone_elses_subscription_is_not_found(
    customer: User, stranger: User, card: uuid.UUID, snapshot: Callable[[], dict[str, Any]]
) -> None:
    view = start(customer, card, "pro")
    before = snapshot()
    with pytest.raises(revenue.SubscriptionNotFound):
        update(view, stranger, interval="year")
    with pytest.raises(revenue.SubscriptionNotFound):
        revenue.subscription_cancel(subscription_id=view.id, user_id=stranger.id)
    with pytest.raises(revenue.SubscriptionNotFound):
        revenue.subscription_get(subscription_id=view.id, viewer_id=stranger.id)
    assert snapshot() == before


def test_during_a_trial_a_change_costs_nothing(customer: User, card: uuid.UUID) -> None:
    plus_plan()
    view = revenue.subscription_start(
        user_id=customer.id,
        plan_code="pro",
        interval="month",
        currency="ZAR",
        payment_method_id=card,
        trial=True,
        now=T0,
    )
    changed = update(view, customer, plan_code="plus", interval="year")
    assert (changed.status, changed.plan_code, changed.interval, changed.unit_amount.minor) == (
        "trialing",
        "plus",
        "year",
        99_000,
    )
    assert changed.current_period_end == view.trial_end
    assert SubscriptionCharge.objects.count() == 0
