"""Helpers of the checkout tests: buying through the sandbox with events dispatched, and ledger balances."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from azora.accounts.models import User
from azora.education.models import Course
from azora.finance import public as finance
from azora.payments import public as payments
from azora.revenue.public import CheckoutView, checkout_create
from azora.revenue.tests.checkout.factories import SUCCESS_CARD
from azora.shared.events import dispatch_pending_events
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

type Capture = Callable[..., AbstractContextManager[Any]]


def platform_posted(code: str, currency: str = "ZAR") -> int:
    """The posted balance of a platform account in minor units (signed by the account's normal side)."""
    return finance.balance(account_id=finance.platform_account(code=code, currency=currency).id).posted.minor


def held(user: User, currency: str = "ZAR") -> int:
    account = finance.user_held_earnings_account(user_id=user.id, currency=currency)
    return finance.balance(account_id=account.id).posted.minor


def released(user: User, currency: str = "ZAR") -> int:
    account = finance.user_earnings_account(user_id=user.id, currency=currency)
    return finance.balance(account_id=account.id).posted.minor


def dispatch_all() -> None:
    """Runs every pending event's subscribers in this process, including events those subscribers publish."""
    for _ in range(10):
        if not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists():
            return
        dispatch_pending_events()


def buy(
    capture: Capture,
    learner: User,
    course: Course,
    *,
    coupon_code: str | None = None,
    card: Mapping[str, str] = SUCCESS_CARD,
    currency: str = "ZAR",
) -> CheckoutView:
    """Checkout and pay with the sandbox card; events are dispatched (the subscribers run) on commit."""
    with capture(execute=True):
        view = checkout_create(
            user_id=learner.id, item="course", course_id=course.id, currency=currency, coupon_code=coupon_code
        )
    assert view.payment_intent_id is not None
    with capture(execute=True):
        payments.payment_intent_confirm(intent_id=view.payment_intent_id, customer_id=learner.id, payment_method=card)
    dispatch_all()
    return view


def refund(capture: Capture, intent_id: uuid.UUID, admin: User, minor: int | None, currency: str = "ZAR") -> None:
    with capture(execute=True):
        payments.refund_create(
            intent_id=intent_id,
            amount=Money(minor, currency) if minor is not None else None,
            reason="Asked for a refund",
            requested_by=admin.id,
        )
    dispatch_all()
