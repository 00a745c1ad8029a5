"""Fixtures for subscriptions: a customer with saved cards (good and declining), an organisation, a fixed clock,
and a snapshot of everything a subscription change writes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.finance import public as finance
from azora.finance.models import Posting, Transfer
from azora.payments import public as payments
from azora.payments.models import PaymentIntent
from azora.revenue.models import CouponRedemption, SeatAssignment, Subscription, SubscriptionCharge
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

# A fixed moment: the 31st, so the billing anchor is tested by every monthly renewal.
T0 = dt.datetime(2026, 1, 31, 9, 0, tzinfo=dt.UTC)
GOOD_CARD = {"type": "card", "number": "4242424242424242", "exp_month": "12", "exp_year": "2040", "cvc": "123"}
DECLINED_CARD = {**GOOD_CARD, "number": "4000000000000002"}
PRO_MONTH_ZAR = 14_900
PRO_YEAR_ZAR = 149_900
ENTERPRISE_MONTH_ZAR = 29_900


def save_card(user: User, card: dict[str, str] = GOOD_CARD) -> uuid.UUID:
    return payments.payment_method_save(customer_id=user.id, payment_method=card).id


@pytest.fixture
def customer(db: None) -> User:
    user: User = UserFactory(email="naledi@example.test", display_name="Naledi Dube")
    return user


@pytest.fixture
def stranger(db: None) -> User:
    user: User = UserFactory(email="stranger@example.test")
    return user


@pytest.fixture
def card(customer: User) -> uuid.UUID:
    return save_card(customer)


@pytest.fixture
def declined_card(customer: User) -> uuid.UUID:
    return save_card(customer, DECLINED_CARD)


@pytest.fixture
def organisation(customer: User) -> Any:
    """An organisation the customer owns."""
    return OrganisationFactory(owner=customer, name="Ubuntu Academy", slug="ubuntu-academy")


def member_of(organisation: Any, *, email: str, role: str = "member") -> User:
    user: User = UserFactory(email=email)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def revenue_account_minor(currency: str = "ZAR") -> int:
    """What the platform's subscription revenue account holds (credited with every paid charge)."""
    account = finance.platform_account(code="revenue:subscriptions", currency=currency)
    balance: Money = finance.balance(account_id=account.id).posted
    return abs(balance.minor)


def subscriptions_snapshot() -> dict[str, Any]:
    """Everything a subscription call writes, to prove that a refused request changed nothing."""
    return {
        "subscriptions": list(
            Subscription.objects.order_by("id").values_list(
                "id",
                "status",
                "plan_id",
                "interval",
                "seats",
                "unit_amount_minor",
                "credit_minor",
                "cancel_at_period_end",
                "payment_method_id",
                "current_period_end",
            )
        ),
        "charges": list(SubscriptionCharge.objects.order_by("id").values_list("id", "status", "amount_minor")),
        "seats": list(SeatAssignment.objects.order_by("id").values_list("subscription_id", "user_id")),
        "intents": PaymentIntent.objects.count(),
        "transfers": Transfer.objects.count(),
        "postings": Posting.objects.count(),
        "redemptions": CouponRedemption.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


@pytest.fixture
def snapshot() -> Callable[[], dict[str, Any]]:
    return subscriptions_snapshot


def events_of(event_type: str) -> list[dict[str, Any]]:
    """The payloads of the revenue events of one type, oldest first."""
    return [
        dict(row.payload)
        for row in OutboxEvent.objects.filter(event_type=f"revenue.{event_type}").order_by("occurred_at", "id")
    ]
