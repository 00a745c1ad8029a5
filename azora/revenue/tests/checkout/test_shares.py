"""A course sale through the sandbox: one split transfer to the cent, idempotent redelivery, failures, refunds in
proportion with revoked access, the release after the hold, and co-instructors' splits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education import public as education
from azora.finance import public as finance
from azora.payments.events import PaymentSucceeded
from azora.revenue.models import CouponRedemption, Order, OrderShare, OrderStatus
from azora.revenue.public import (
    RevenueSplitInvalid,
    RevenueSplitNotPermitted,
    course_revenue_split_get,
    course_revenue_split_set,
    earnings_of,
)
from azora.revenue.services import shares
from azora.revenue.subscribers import split_course_sale_on_payment_succeeded
from azora.revenue.tests.checkout.factories import DECLINED_CARD, CouponFactory, instructor_on, paid_course
from azora.revenue.tests.checkout.helpers import Capture, buy, held, platform_posted, refund, released
from azora.shared.events.codec import decode_dataclass
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

# R200 less a 10% coupon = R180.00; the sandbox's fee is 2.90% + R0.30 = R5.52; net R174.48;
# PRO's 70% of the net is R122.136 -> R122.13 (rounded down); the platform keeps R52.35.
GROSS, FEE, INSTRUCTOR, PLATFORM = 18_000, 552, 12_213, 5_235


def split_postings(order: Order) -> list[tuple[str, str, int]]:
    assert order.split_transfer_id is not None
    transfer = finance.transfer_get(transfer_id=order.split_transfer_id)
    assert transfer is not None
    assert transfer.kind == "course_sale_split"
    codes = {}
    for posting in transfer.postings:
        account = finance.account_get(account_id=posting.account_id)
        assert account is not None
        codes[posting.account_id] = account.code
    return sorted((codes[p.account_id], p.side, p.amount.minor) for p in transfer.postings)


def test_a_paid_sale_posts_one_split_transfer_to_the_cent_and_enrols(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    coupon = CouponFactory(code="TENOFF", percent_off_bp=1_000)
    started = timezone.now()

    buy(django_capture_on_commit_callbacks, learner, course, coupon_code="TENOFF")

    order = Order.objects.get()
    assert (order.status, order.fee_minor, order.total_minor) == (OrderStatus.PAID, FEE, GROSS)
    assert split_postings(order) == [
        ("clearing:course_sales", "debit", GROSS),
        ("earnings_held", "credit", INSTRUCTOR),
        ("revenue:courses", "credit", PLATFORM),
        ("revenue:fee_recovery", "credit", FEE),
    ]
    assert FEE + INSTRUCTOR + PLATFORM == GROSS
    # The payment credited clearing:course_sales the gross, the split took it out again.
    assert platform_posted("clearing:course_sales") == 0
    assert (held(instructor), released(instructor)) == (INSTRUCTOR, 0)
    assert list(OrderShare.objects.values_list("instructor_id", "amount_minor", "refunded_minor")) == [
        (instructor.id, INSTRUCTOR, 0)
    ]
    assert order.release_at is not None
    assert order.paid_at is not None
    assert order.release_at - order.paid_at == dt.timedelta(days=14)
    assert order.paid_at >= started
    assert education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert list(CouponRedemption.objects.values_list("coupon_id", "reference")) == [(coupon.id, f"order:{order.id}")]
    assert finance.reconcile().is_clean


def test_a_redelivered_payment_event_changes_nothing(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    CouponFactory(code="TENOFF", percent_off_bp=1_000)
    buy(django_capture_on_commit_callbacks, learner, course, coupon_code="TENOFF")
    row = OutboxEvent.objects.get(event_type="payments.payment_succeeded")
    event = decode_dataclass(PaymentSucceeded, row.payload)
    before = snapshot()

    split_course_sale_on_payment_succeeded(event)  # the handler itself, as a second delivery would call it

    assert snapshot() == before
    assert held(instructor) == INSTRUCTOR


def test_a_declined_payment_fails_the_order_and_uses_no_coupon(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    CouponFactory(code="TENOFF", percent_off_bp=1_000)
    buy(django_capture_on_commit_callbacks, learner, course, coupon_code="TENOFF", card=DECLINED_CARD)
    order = Order.objects.get()
    assert (order.status, order.split_transfer_id, order.paid_at) == (OrderStatus.FAILED, None, None)
    assert CouponRedemption.objects.count() == 0
    assert not education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert held(instructor) == 0


def test_a_partial_refund_reverses_each_part_in_proportion_and_keeps_access(
    instructor: User, learner: User, finance_admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)  # R200, no coupon: fee 6.10, net 193.90, 70% = 135.73
    view = buy(django_capture_on_commit_callbacks, learner, course)
    assert view.payment_intent_id is not None
    assert (held(instructor), platform_posted("revenue:courses"), platform_posted("revenue:fee_recovery")) == (
        13_573,
        5_817,
        610,
    )
    refund(django_capture_on_commit_callbacks, view.payment_intent_id, finance_admin, 5_000)  # a quarter

    order = Order.objects.get()
    assert (order.status, order.refunded_minor) == (OrderStatus.PARTIALLY_REFUNDED, 5_000)
    # A quarter of each part, largest remainder: 33.93|25 + 14.54|25 + 1.52|5 -> the fee's half cent rounds up.
    assert (held(instructor), platform_posted("revenue:courses"), platform_posted("revenue:fee_recovery")) == (
        13_573 - 3_393,
        5_817 - 1_454,
        610 - 153,
    )
    assert list(OrderShare.objects.values_list("amount_minor", "refunded_minor")) == [(13_573, 3_393)]
    assert education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert platform_posted("clearing:course_sales") == 0
    assert finance.reconcile().is_clean


def test_a_full_refund_reverses_everything_and_revokes_access(
    instructor: User, learner: User, finance_admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    view = buy(django_capture_on_commit_callbacks, learner, course)
    assert view.payment_intent_id is not None
    refund(django_capture_on_commit_callbacks, view.payment_intent_id, finance_admin, None)

    order = Order.objects.get()
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, 20_000)
    assert (held(instructor), platform_posted("revenue:courses"), platform_posted("revenue:fee_recovery")) == (0, 0, 0)
    assert platform_posted("clearing:course_sales") == 0
    assert not education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert finance.reconcile().is_clean


def test_the_release_job_moves_held_shares_after_the_hold_once(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    buy(django_capture_on_commit_callbacks, learner, course)
    order = Order.objects.get()
    assert order.release_at is not None

    assert shares.earnings_release_due(now=order.release_at - dt.timedelta(seconds=1)) == 0
    assert (held(instructor), released(instructor)) == (13_573, 0)
    assert shares.earnings_release_due(now=order.release_at) == 1
    assert shares.earnings_release_due(now=order.release_at + dt.timedelta(days=1)) == 0
    assert (held(instructor), released(instructor)) == (0, 13_573)
    order.refresh_from_db()
    release = finance.transfer_get(transfer_id=order.release_transfer_id) if order.release_transfer_id else None
    assert release is not None
    assert release.kind == "earnings_release"


@override_settings(AZORA_REVENUE_HOLD_DAYS=3)
def test_the_hold_is_configurable(instructor: User, learner: User, django_capture_on_commit_callbacks: Capture) -> None:
    course, _ = paid_course(instructor=instructor)
    buy(django_capture_on_commit_callbacks, learner, course)
    order = Order.objects.get()
    assert order.release_at is not None
    assert order.paid_at is not None
    assert order.release_at - order.paid_at == dt.timedelta(days=3)


def test_a_refund_after_the_release_takes_the_share_back_from_earnings(
    instructor: User, learner: User, finance_admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    view = buy(django_capture_on_commit_callbacks, learner, course)
    assert view.payment_intent_id is not None
    order = Order.objects.get()
    assert order.release_at is not None
    shares.earnings_release_due(now=order.release_at)
    # A fifth (R40), then the rest: successive refunds take back exactly what the sale moved (docs/finance.md).
    refund(django_capture_on_commit_callbacks, view.payment_intent_id, finance_admin, 4_000)
    assert (held(instructor), released(instructor)) == (0, 13_573 - 2_715)
    refund(django_capture_on_commit_callbacks, view.payment_intent_id, finance_admin, None)
    assert (held(instructor), released(instructor), platform_posted("revenue:courses")) == (0, 0, 0)
    assert finance.reconcile().is_clean


def owed(user: User, currency: str = "ZAR") -> int:
    account = finance.user_owed_earnings_account(user_id=user.id, currency=currency)
    return finance.balance(account_id=account.id).posted.minor


def test_a_refund_after_the_share_was_paid_out_is_owed_back_and_the_next_sale_pays_it_off(
    instructor: User, learner: User, finance_admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    view = buy(django_capture_on_commit_callbacks, learner, course)
    assert view.payment_intent_id is not None
    first = Order.objects.get()
    assert first.release_at is not None
    shares.earnings_release_due(now=first.release_at)
    payout = finance.payout_request(
        payout_id=uuid.uuid4(),
        user_id=instructor.id,
        amount=Money(13_573, "ZAR"),
        destination={"type": "bank_account", "account_number": "000123456789", "bank_code": "250655",
                     "account_holder": "Thandi Nkosi"},
    )  # fmt: skip
    assert (payout.status, released(instructor)) == ("paid", 0)

    # The learner is refunded in full although the instructor's share is already in their bank account: the refund
    # goes through, access is revoked, and the share is owed back (never a negative "earnings").
    refund(django_capture_on_commit_callbacks, view.payment_intent_id, finance_admin, None)
    first.refresh_from_db()
    assert first.status == OrderStatus.REFUNDED
    assert not education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert (held(instructor), released(instructor), owed(instructor)) == (0, 0, 13_573)
    earnings = earnings_of(user_id=instructor.id).balances[0]
    assert (earnings.owed, earnings.released) == (Money(13_573, "ZAR"), Money(0, "ZAR"))
    assert finance.reconcile().is_clean

    # The next sale's share pays the debt off first; only the rest reaches "earnings".
    second_learner = UserFactory()
    buy(django_capture_on_commit_callbacks, second_learner, course)
    second = Order.objects.exclude(pk=first.pk).get()
    assert second.release_at is not None
    shares.earnings_release_due(now=second.release_at)
    assert (held(instructor), released(instructor), owed(instructor)) == (0, 0, 0)
    buy(django_capture_on_commit_callbacks, UserFactory(), course)
    third = Order.objects.exclude(pk__in=[first.pk, second.pk]).get()
    assert third.release_at is not None
    shares.earnings_release_due(now=third.release_at)
    assert (released(instructor), owed(instructor)) == (13_573, 0)
    assert earnings_of(user_id=instructor.id).balances[0].owed is None
    assert finance.reconcile().is_clean


def test_co_instructors_split_the_instructor_share_by_their_percentages(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    partner = instructor_on("free", email="partner@example.test")  # a co-instructor's own plan does not matter
    course, _ = paid_course(instructor=instructor, co_instructors=(partner,))
    course_revenue_split_set(course_id=course.id, user_id=partner.id, shares={instructor.id: 6_667, partner.id: 3_333})
    buy(django_capture_on_commit_callbacks, learner, course)
    # 70% of 193.90 = 135.73, split 66.67% / 33.33%: 90.49 and 45.24 (exactly 135.73 together).
    assert (held(instructor), held(partner)) == (9_049, 4_524)
    assert held(instructor) + held(partner) == 13_573
    mine = earnings_of(user_id=partner.id)
    [sale] = mine.recent_sales
    assert (sale.my_share.minor, [line.amount.minor for line in sale.lines]) == (4_524, [9_049, 4_524])


def test_a_split_must_name_current_instructors_and_add_up_to_100_percent(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    partner = instructor_on("pro", email="partner@example.test")
    course, _ = paid_course(instructor=instructor, co_instructors=(partner,))
    before = snapshot()
    with pytest.raises(RevenueSplitInvalid) as raised:
        course_revenue_split_set(
            course_id=course.id, user_id=instructor.id, shares={instructor.id: 5_000, partner.id: 4_000}
        )
    assert raised.value.code == "revenue_split_invalid"
    with pytest.raises(RevenueSplitInvalid):
        course_revenue_split_set(
            course_id=course.id, user_id=instructor.id, shares={instructor.id: 5_000, learner.id: 5_000}
        )
    with pytest.raises(RevenueSplitNotPermitted):
        course_revenue_split_set(course_id=course.id, user_id=learner.id, shares={instructor.id: 10_000})
    assert snapshot() == before
    assert course_revenue_split_get(course_id=course.id).is_default
    assert course_revenue_split_get(course_id=course.id).shares == ((instructor.id, 10_000),)
