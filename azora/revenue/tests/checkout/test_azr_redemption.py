"""AZR redeemed at checkout: reserved by a pending transfer at checkout, burned when the payment succeeds, released
when it fails; refusals (no certificate, more than the price) change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from azora.accounts.models import User
from azora.education.tests.certificate_factories import issued_certificate
from azora.finance import public as finance
from azora.finance.tests.factories import fund
from azora.payments import public as payments
from azora.revenue.models import Order, OrderStatus, Plan, Redemption
from azora.revenue.public import RedemptionExceedsPrice, RedemptionNeedsCertificate, checkout_create
from azora.revenue.tests.checkout.factories import DECLINED_CARD, SUCCESS_CARD, paid_course
from azora.revenue.tests.checkout.helpers import Capture, dispatch_all
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(learner: User) -> User:
    """The learner with a valid certificate and exactly 500.00 AZR (FREE earns nothing here, so the certificate's
    own reward does not move the wallet)."""
    Plan.objects.filter(code="free").update(azr_earn_per_month_minor=0)
    issued_certificate(user=learner)
    dispatch_all()
    fund(finance.user_wallet(user_id=learner.id), 500_00)
    return learner


def wallet(user: User) -> tuple[int, int]:
    view = finance.balance(account_id=finance.user_wallet(user_id=user.id, currency="AZR").id)
    return view.posted.minor, view.available.minor


def pay(capture: Capture, user: User, card: dict[str, str]) -> None:
    order = Order.objects.get()
    assert order.payment_intent_id is not None
    with capture(execute=True):
        payments.payment_intent_confirm(intent_id=order.payment_intent_id, customer_id=user.id, payment_method=card)
    dispatch_all()


def test_reserved_at_checkout_and_burned_when_the_payment_succeeds(
    instructor: User, holder: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    view = checkout_create(
        user_id=holder.id, item="course", course_id=course.id, currency="ZAR", redeem_azr=Money(100_00, "AZR")
    )
    # 100 AZR at ZAR:10 = R10 off R200.
    assert (view.azr_redeemed, view.azr_discount, view.total) == (
        Money(100_00, "AZR"),
        Money(10_00, "ZAR"),
        Money(190_00, "ZAR"),
    )
    order = Order.objects.get()
    assert order.azr_reservation_id is not None
    reservation = finance.transfer_get(transfer_id=order.azr_reservation_id)
    assert reservation is not None
    assert (reservation.kind, reservation.status) == ("azr_redemption_reserve", "pending")
    assert wallet(holder) == (500_00, 400_00)  # held, not spent: it cannot be spent twice
    assert Redemption.objects.count() == 0

    pay(django_capture_on_commit_callbacks, holder, SUCCESS_CARD)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    released = finance.transfer_get(transfer_id=order.azr_reservation_id)
    assert released is not None
    assert released.status == "voided"
    assert wallet(holder) == (400_00, 400_00)
    assert list(Redemption.objects.values_list("azr_minor", "reference")) == [(100_00, f"order:{order.id}")]
    assert finance.reconcile().is_clean


def test_released_when_the_payment_fails(
    instructor: User, holder: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    checkout_create(
        user_id=holder.id, item="course", course_id=course.id, currency="ZAR", redeem_azr=Money(100_00, "AZR")
    )
    pay(django_capture_on_commit_callbacks, holder, DECLINED_CARD)
    order = Order.objects.get()
    assert order.status == OrderStatus.FAILED
    assert order.azr_reservation_id is not None
    reservation = finance.transfer_get(transfer_id=order.azr_reservation_id)
    assert reservation is not None
    assert reservation.status == "voided"
    assert wallet(holder) == (500_00, 500_00)
    assert Redemption.objects.count() == 0


def test_redeeming_without_a_certificate_or_above_the_price_is_refused_and_changes_nothing(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    fund(finance.user_wallet(user_id=learner.id), 5_000_00)
    before = snapshot()
    with pytest.raises(RedemptionNeedsCertificate) as raised:
        checkout_create(
            user_id=learner.id, item="course", course_id=course.id, currency="ZAR", redeem_azr=Money(100_00, "AZR")
        )
    assert raised.value.code == "redemption_needs_certificate"
    issued_certificate(user=learner)
    before = snapshot()
    with pytest.raises(RedemptionExceedsPrice) as too_much:
        checkout_create(
            user_id=learner.id, item="course", course_id=course.id, currency="ZAR", redeem_azr=Money(3_000_00, "AZR")
        )
    assert (too_much.value.status, too_much.value.code) == (422, "redemption_exceeds_price")
    assert snapshot() == before
    assert wallet(learner) == (5_000_00, 5_000_00)
