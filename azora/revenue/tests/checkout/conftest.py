"""Fixtures for checkout and revenue shares: a PRO instructor, a learner, a finance admin, and ledger snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.finance.models import Posting, Transfer
from azora.payments.models import PaymentIntent
from azora.revenue.models import CouponRedemption, Order, OrderShare
from azora.revenue.tests.checkout.factories import instructor_on
from azora.shared.models import OutboxEvent


@pytest.fixture
def instructor(db: None) -> User:
    return instructor_on("pro", email="teacher@example.test", display_name="Thabo Teacher")


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory(email="learner@example.test", display_name="Lerato Learner")
    return user


@pytest.fixture
def finance_admin(db: None) -> User:
    user: User = UserFactory(email="finance@example.test")
    platform_role_grant(user_id=user.id, role="finance_admin")
    return user


def revenue_snapshot() -> dict[str, Any]:
    """Everything a checkout or a sale writes, to prove that a refused request changed nothing."""
    return {
        "orders": list(Order.objects.order_by("id").values_list("id", "status", "refunded_minor")),
        "shares": OrderShare.objects.count(),
        "intents": PaymentIntent.objects.count(),
        "transfers": Transfer.objects.count(),
        "postings": Posting.objects.count(),
        "redemptions": CouponRedemption.objects.count(),
        "events": OutboxEvent.objects.count(),
    }


@pytest.fixture
def snapshot() -> Callable[[], dict[str, Any]]:
    return revenue_snapshot
