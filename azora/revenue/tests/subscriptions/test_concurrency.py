"""Races on PostgreSQL: two starts at once give one subscription and one charge; two renewal runs at once charge a
period once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import pytest

from azora.accounts.models import User
from azora.payments.models import PaymentIntent
from azora.revenue import public as revenue
from azora.revenue.models import Subscription, SubscriptionCharge
from azora.revenue.services import subscriptions as services
from azora.revenue.tests.pricing.factories import plan_catalogue
from azora.revenue.tests.subscriptions.conftest import PRO_MONTH_ZAR, T0, revenue_account_minor
from azora.shared.testing.concurrency import race, race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogue() -> None:
    """A transactional test starts from empty tables: the seeded plans come back."""
    plan_catalogue()


def start(user: User, card: uuid.UUID, interval: Literal["month", "year"]) -> revenue.SubscriptionView:
    return revenue.subscription_start(
        user_id=user.id, plan_code="pro", interval=interval, currency="ZAR", payment_method_id=card, now=T0
    )


def test_two_starts_at_once_make_one_subscription(customer: User, card: uuid.UUID) -> None:
    errors = race_errors(lambda: start(customer, card, "month"), lambda: start(customer, card, "year"))
    assert sorted(type(error).__name__ for error in errors) == ["NoneType", "SubscriptionAlreadyLive"]
    assert Subscription.objects.count() == 1
    assert SubscriptionCharge.objects.count() == 1
    assert PaymentIntent.objects.count() == 1


def test_two_renewal_runs_at_once_charge_the_period_once(customer: User, card: uuid.UUID) -> None:
    view = start(customer, card, "month")
    results = race(
        lambda: services.subscriptions_renew_due(now=view.current_period_end),
        lambda: services.subscriptions_renew_due(now=view.current_period_end),
    )
    assert sorted(int(str(result)) for result in results) in ([0, 1], [1, 1])
    assert SubscriptionCharge.objects.filter(kind="renewal").count() == 1
    assert revenue_account_minor() == 2 * PRO_MONTH_ZAR
    assert Subscription.objects.get().current_period_end == dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC)
