"""A plan checkout applies the learner's accepted upgrade offer to the first charge, once."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.finance import public as finance
from azora.finance.models import Posting
from azora.payments import public as payments
from azora.revenue.models import Order, OrderStatus, Subscription, SubscriptionCharge, UpgradeOffer
from azora.revenue.public import checkout_create, checkout_preview, offer_accept, offer_mark_accepted
from azora.revenue.public.offers import OfferAlreadyUsed
from azora.revenue.tests.checkout.factories import DECLINED_CARD, SUCCESS_CARD
from azora.revenue.tests.pricing.factories import plan_catalogue

PRO_ZAR = 14_900  # R149.00 a month
HALF = 7_450


def _offer(user: User, *, percent_bp: int = 5000, expires_in: dt.timedelta = dt.timedelta(days=7)) -> UpgradeOffer:
    offer: UpgradeOffer = UpgradeOffer.objects.create(
        user=user,
        kind="progress",
        plan_code="pro",
        percent_off_bp=percent_bp,
        event_id=uuid.uuid4(),
        expires_at=timezone.now() + expires_in,
    )
    return offer


def _subscription_credits() -> list[int]:
    account = finance.platform_account(code="revenue:subscriptions", currency="ZAR")
    return list(
        Posting.objects.filter(account_id=account.id, side="credit", phase="posted")
        .order_by("id")
        .values_list("amount", flat=True)
    )


def _offer_snapshot() -> dict[str, Any]:
    return {
        "orders": list(Order.objects.values_list("id", "status")),
        "subscriptions": Subscription.objects.count(),
        "charges": SubscriptionCharge.objects.count(),
        "offers": list(UpgradeOffer.objects.values_list("id", "status", "used_reference")),
        "postings": Posting.objects.count(),
    }


@pytest.mark.django_db
def test_an_accepted_offer_halves_the_preview_and_the_first_charge_and_is_used_by_the_order(learner: User) -> None:
    offer = _offer(learner)
    offer_accept(offer_id=offer.id, user_id=learner.id)
    preview = checkout_preview(user_id=learner.id, item="plan", plan_code="pro", currency="ZAR")
    assert (preview.list_amount.minor, preview.offer_discount.minor, preview.total.minor) == (PRO_ZAR, HALF, HALF)

    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=method.id
    )
    assert (view.status, view.offer_discount.minor, view.total.minor) == ("active", HALF, HALF)
    order = Order.objects.get()
    assert (order.status, order.offer_id, order.offer_discount_minor, order.total_minor) == (
        OrderStatus.PAID,
        offer.id,
        HALF,
        HALF,
    )
    charge = SubscriptionCharge.objects.get()
    assert (charge.kind, charge.status, charge.amount_minor) == ("start", "paid", HALF)
    assert _subscription_credits() == [HALF]
    offer.refresh_from_db()
    assert (offer.status, offer.used_reference) == ("accepted", f"order:{order.id}")
    # The offer is the first charge's only: the subscription renews at the full price.
    assert Subscription.objects.get().unit_amount_minor == PRO_ZAR


@pytest.mark.django_db
def test_the_offer_comes_before_the_coupon_and_the_charge_is_the_quoted_total(learner: User) -> None:
    from azora.revenue.tests.checkout.factories import CouponFactory

    CouponFactory(code="TENOFF", percent_off_bp=1000)
    offer = _offer(learner, percent_bp=3000)
    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=learner.id,
        item="plan",
        plan_code="pro",
        currency="ZAR",
        coupon_code="TENOFF",
        payment_method_id=method.id,
    )
    # 149.00 - 30% (44.70) = 104.30; - 10% of that (10.43) = 93.87
    assert (view.offer_discount.minor, view.coupon_discount.minor, view.total.minor) == (4_470, 1_043, 9_387)
    assert SubscriptionCharge.objects.get().amount_minor == 9_387
    assert _subscription_credits() == [9_387]
    assert UpgradeOffer.objects.get(pk=offer.pk).used_reference == f"order:{Order.objects.get().id}"


@pytest.mark.django_db
def test_an_expired_offer_gives_no_discount(learner: User) -> None:
    offer = _offer(learner)
    offer_accept(offer_id=offer.id, user_id=learner.id)
    UpgradeOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    preview = checkout_preview(user_id=learner.id, item="plan", plan_code="pro", currency="ZAR")
    assert (preview.offer_discount.minor, preview.total.minor) == (0, PRO_ZAR)
    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=method.id
    )
    assert (view.offer_discount.minor, view.total.minor) == (0, PRO_ZAR)
    assert _subscription_credits() == [PRO_ZAR]
    assert (Order.objects.get().offer_id, UpgradeOffer.objects.get().used_reference) == (None, "")


@pytest.mark.django_db
def test_an_offer_used_by_a_declined_order_is_given_back_and_discounts_the_next(learner: User) -> None:
    from azora.revenue.public.subscriptions import SubscriptionPaymentFailed

    offer = _offer(learner)
    declined = payments.payment_method_save(customer_id=learner.id, payment_method=DECLINED_CARD)
    with pytest.raises(SubscriptionPaymentFailed):
        checkout_create(user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=declined.id)
    failed = Order.objects.get()
    assert (failed.status, failed.offer_discount_minor) == (OrderStatus.FAILED, HALF)
    released = UpgradeOffer.objects.get(pk=offer.pk)
    assert (released.status, released.used_reference) == ("accepted", "")
    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=method.id
    )
    paid = Order.objects.get(status=OrderStatus.PAID)
    assert (view.offer_discount.minor, view.total.minor) == (HALF, PRO_ZAR - HALF)
    assert UpgradeOffer.objects.get(pk=offer.pk).used_reference == f"order:{paid.id}"
    assert _subscription_credits() == [PRO_ZAR - HALF]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_offer_used_by_another_order_meanwhile_is_refused_with_409_and_nothing_changes() -> None:
    """The checkout read the offer as unused; another order took it before this one could (the row lock decides)."""
    plan_catalogue()
    learner: User = UserFactory()
    offer = _offer(learner)
    method = payments.payment_method_save(customer_id=learner.id, payment_method=SUCCESS_CARD)
    locked = threading.Event()

    def other_order() -> None:
        try:
            with transaction.atomic():
                offer_mark_accepted(offer_id=offer.id, user_id=learner.id, reference="order:elsewhere")
                locked.set()
                time.sleep(2)  # the checkout below reads the offer as unused meanwhile, then waits for this lock
        finally:
            from django.db import connections

            connections.close_all()

    thread = threading.Thread(target=other_order)
    thread.start()
    assert locked.wait(timeout=30)
    before = _offer_snapshot()
    with pytest.raises(OfferAlreadyUsed) as refused:
        checkout_create(user_id=learner.id, item="plan", plan_code="pro", currency="ZAR", payment_method_id=method.id)
    thread.join(timeout=30)
    assert (refused.value.status, refused.value.code) == (409, "offer_already_used")
    after = _offer_snapshot()
    assert after["offers"] == [(offer.id, "accepted", "order:elsewhere")]
    assert {key: value for key, value in after.items() if key != "offers"} == {
        key: value for key, value in before.items() if key != "offers"
    }
    assert (Order.objects.count(), Subscription.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_students_pro_price_at_checkout_is_the_price_the_plan_list_shows() -> None:
    """$8.99 less 50 %: the pricing page and the checkout both round the discount half up, to $4.49."""
    from azora.revenue.public import plan_list

    student: User = UserFactory(email="thandi@uct.ac.za", email_verified=True)
    shown = next(
        price.student_amount
        for plan in plan_list()
        if plan.code == "pro"
        for price in plan.prices
        if (price.interval, price.amount.currency) == ("month", "USD")
    )
    preview = checkout_preview(user_id=student.id, item="plan", plan_code="pro", currency="USD")
    assert (preview.list_amount.minor, preview.student_discount.minor, preview.total.minor) == (899, 450, 449)
    assert shown == preview.total
    method = payments.payment_method_save(customer_id=student.id, payment_method=SUCCESS_CARD)
    view = checkout_create(
        user_id=student.id, item="plan", plan_code="pro", currency="USD", payment_method_id=method.id
    )
    assert (view.total.minor, SubscriptionCharge.objects.get().amount_minor) == (449, 449)
