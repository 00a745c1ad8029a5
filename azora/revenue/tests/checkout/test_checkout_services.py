"""Checkout of a course: the order and its intent, every refusal changing nothing, a total of 0 completing at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.education import public as education
from azora.education.tests.factories import course_with_lessons
from azora.finance import public as finance
from azora.payments import public as payments
from azora.revenue.models import CouponRedemption, Order, OrderStatus
from azora.revenue.public import (
    CheckoutInProgress,
    CheckoutItemInvalid,
    CouponInvalid,
    CourseAlreadyOwned,
    CourseIsFree,
    CourseNotForSale,
    PriceNotAvailable,
    checkout_create,
    checkout_preview,
)
from azora.revenue.tests.checkout.factories import SUCCESS_CARD, CouponFactory, paid_course
from azora.revenue.tests.checkout.helpers import Capture, buy, dispatch_all
from azora.shared.money import Money

pytestmark = pytest.mark.django_db
PROCESSING = "4000000000000077"  # the sandbox's card that leaves the payment processing


def test_a_course_checkout_creates_a_pending_order_and_an_intent_crediting_sales_clearing(
    instructor: User, learner: User
) -> None:
    course, _ = paid_course(instructor=instructor)
    coupon = CouponFactory(code="TENOFF", percent_off_bp=1_000)

    view = checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR", coupon_code="TENOFF")

    order = Order.objects.get()
    assert (view.order_id, view.status, view.item, view.course_id) == (order.id, "pending", "course", course.id)
    assert (view.list_amount, view.coupon_discount, view.total) == (
        Money(20_000, "ZAR"),
        Money(2_000, "ZAR"),
        Money(18_000, "ZAR"),
    )
    assert view.checkout_url == f"/pay/checkout/{view.payment_intent_id}/"
    assert (order.seller_id, order.seller_share_bp, order.coupon_id) == (instructor.id, 7_000, coupon.id)
    assert view.payment_intent_id is not None
    intent = payments.payment_intent_get(intent_id=view.payment_intent_id, viewer_id=learner.id)
    assert (intent.amount, intent.purpose, intent.status) == (
        Money(18_000, "ZAR"),
        "course_purchase",
        "requires_payment_method",
    )
    assert intent.credit_account_id == finance.platform_account(code="clearing:course_sales", currency="ZAR").id
    assert intent.metadata == {"order_id": str(order.id), "course_id": str(course.id)}
    # The coupon is used only when the payment succeeds.
    assert CouponRedemption.objects.count() == 0


def test_the_preview_shows_the_same_figures_and_writes_nothing(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor, minor=19_999)
    CouponFactory(code="HALF", percent_off_bp=5_000)
    before = snapshot()
    preview = checkout_preview(
        user_id=learner.id, item="course", course_id=course.id, currency="ZAR", coupon_code="HALF"
    )
    assert (preview.list_amount, preview.coupon_discount, preview.total) == (
        Money(19_999, "ZAR"),
        Money(10_000, "ZAR"),  # half of 199.99 rounded half up
        Money(9_999, "ZAR"),
    )
    assert snapshot() == before


def test_a_course_already_owned_is_refused_and_nothing_changes(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]], django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    buy(django_capture_on_commit_callbacks, learner, course)
    before = snapshot()
    with pytest.raises(CourseAlreadyOwned) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert (raised.value.status, raised.value.code) == (409, "course_already_owned")
    # Its own instructor cannot buy it either.
    with pytest.raises(CourseAlreadyOwned):
        checkout_create(user_id=instructor.id, item="course", course_id=course.id, currency="ZAR")
    assert snapshot() == before


def test_a_currency_the_course_is_not_sold_in_is_refused_and_nothing_changes(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    before = snapshot()
    with pytest.raises(PriceNotAvailable) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="USD")
    assert raised.value.status == 422
    assert snapshot() == before


def test_a_free_course_is_refused_enrol_instead(learner: User, snapshot: Callable[[], dict[str, Any]]) -> None:
    course, _ = course_with_lessons()
    before = snapshot()
    with pytest.raises(CourseIsFree) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert (raised.value.status, raised.value.code) == (422, "course_is_free")
    assert snapshot() == before


def test_an_expired_coupon_is_refused_and_nothing_changes(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    CouponFactory(code="OLD", expires_at=timezone.now() - dt.timedelta(days=1))
    before = snapshot()
    with pytest.raises(CouponInvalid) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR", coupon_code="OLD")
    assert (raised.value.status, raised.value.code) == (422, "coupon_expired")
    assert snapshot() == before


def test_a_course_whose_owner_may_no_longer_sell_is_refused(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    from azora.revenue.models import Subscription

    Subscription.objects.filter(user=instructor).update(status="canceled")
    before = snapshot()
    with pytest.raises(CourseNotForSale) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert (raised.value.status, raised.value.code) == (422, "course_not_for_sale")
    assert snapshot() == before


def test_item_and_ids_must_match(learner: User, snapshot: Callable[[], dict[str, Any]]) -> None:
    before = snapshot()
    with pytest.raises(CheckoutItemInvalid):
        checkout_create(user_id=learner.id, item="course", plan_code="pro", currency="ZAR")
    with pytest.raises(CheckoutItemInvalid):
        checkout_create(user_id=learner.id, item="basket", currency="ZAR")
    assert snapshot() == before


def test_a_total_of_zero_completes_without_a_payment(
    instructor: User, learner: User, django_capture_on_commit_callbacks: Capture
) -> None:
    course, _ = paid_course(instructor=instructor)
    coupon = CouponFactory(code="FREE100", percent_off_bp=10_000)
    with django_capture_on_commit_callbacks(execute=True):
        view = checkout_create(
            user_id=learner.id, item="course", course_id=course.id, currency="ZAR", coupon_code="FREE100"
        )
    dispatch_all()
    assert (view.status, view.total, view.payment_intent_id, view.checkout_url) == (
        "paid",
        Money(0, "ZAR"),
        None,
        None,
    )
    order = Order.objects.get()
    assert (order.status, order.split_transfer_id, order.payment_intent_id) == (OrderStatus.PAID, None, None)
    assert education.is_enrolled(user_id=learner.id, course_id=course.id)
    assert list(CouponRedemption.objects.values_list("coupon_id", "user_id", "reference")) == [
        (coupon.id, learner.id, f"order:{order.id}")
    ]


def test_a_second_checkout_cancels_the_first_unpaid_one(instructor: User, learner: User) -> None:
    course, _ = paid_course(instructor=instructor)
    first = checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    second = checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert first.payment_intent_id is not None
    assert dict(Order.objects.values_list("id", "status")) == {first.order_id: "canceled", second.order_id: "pending"}
    intent = payments.payment_intent_get(intent_id=first.payment_intent_id, viewer_id=learner.id)
    assert intent.status == "canceled"


def test_a_checkout_while_the_last_payment_is_processing_is_refused_and_changes_nothing(
    instructor: User, learner: User, snapshot: Callable[[], dict[str, Any]]
) -> None:
    course, _ = paid_course(instructor=instructor)
    first = checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert first.payment_intent_id is not None
    processing = payments.payment_intent_confirm(
        intent_id=first.payment_intent_id, customer_id=learner.id, payment_method={**SUCCESS_CARD, "number": PROCESSING}
    )
    assert processing.status == "processing"
    before = snapshot()
    with pytest.raises(CheckoutInProgress) as raised:
        checkout_create(user_id=learner.id, item="course", course_id=course.id, currency="ZAR")
    assert (raised.value.status, raised.value.code) == (409, "checkout_in_progress")
    assert snapshot() == before
