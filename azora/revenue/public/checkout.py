"""The revenue engine's public functions for orders, checkout, course revenue splits and instructors' earnings.

Dataclasses and errors are defined here; the services and selectors import them, so each function imports its
module inside the call, never at module load.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from azora.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from azora.shared.money import Money

CheckoutItem = Literal["course", "plan"]

__all__ = [
    "CheckoutInProgress",
    "CheckoutItem",
    "CheckoutItemInvalid",
    "CheckoutPreview",
    "CheckoutView",
    "CourseAlreadyOwned",
    "CourseIsFree",
    "CourseNotForSale",
    "EarningsBalance",
    "EarningsView",
    "OrderNotFound",
    "OrderNotYetPaid",
    "OrderShareView",
    "OrderView",
    "RedemptionExceedsPrice",
    "RevenueSplitInvalid",
    "RevenueSplitNotPermitted",
    "RevenueSplitView",
    "SaleLine",
    "checkout_create",
    "checkout_preview",
    "course_revenue_split_get",
    "course_revenue_split_set",
    "earnings_of",
    "order_get",
    "orders_of",
]


# --- Errors ----------------------------------------------------------------------------------------------------


class CheckoutItemInvalid(ValidationFailed):
    code = "checkout_item_invalid"
    title = "A checkout is for a course (course_id) or a plan (plan_code)."


class CheckoutInProgress(Conflict):
    code = "checkout_in_progress"
    title = "A payment for this course is already being processed; wait for its result."


class CourseAlreadyOwned(Conflict):
    code = "course_already_owned"
    title = "You already have this course."


class CourseIsFree(ValidationFailed):
    code = "course_is_free"
    title = "This course is free: enrol instead of buying it."


class CourseNotForSale(ValidationFailed):
    code = "course_not_for_sale"
    title = "This course cannot be bought now."


class RedemptionExceedsPrice(ValidationFailed):
    code = "redemption_exceeds_price"
    title = "The AZR discount is larger than what is left to pay."


class OrderNotFound(NotFound):
    code = "order_not_found"
    title = "The order does not exist."


class OrderNotYetPaid(Conflict):
    """A refund arrived before its payment was handled; the delivery is retried once the sale is split."""

    code = "order_not_yet_paid"
    title = "The order's payment has not been recorded yet."


class RevenueSplitInvalid(ValidationFailed):
    code = "revenue_split_invalid"
    title = "Each share must go to a current instructor of the course and the shares must add up to 100%."


class RevenueSplitNotPermitted(PermissionDenied):
    code = "revenue_split_not_permitted"
    title = "Only the course's instructors may set its revenue split."


# --- Views -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckoutView:
    """What the Pay UI needs: the order, its amounts, and (unless nothing is left to pay) the intent to confirm."""

    order_id: uuid.UUID | None
    item: CheckoutItem
    status: str  # the order's status: "pending" (confirm the intent) or "paid" (total 0); a plan: the subscription's
    course_id: uuid.UUID | None
    plan_code: str | None
    list_amount: Money
    coupon_discount: Money
    student_discount: Money
    offer_discount: Money  # a plan's accepted upgrade offer, on the first charge (zero when none)
    azr_redeemed: Money  # AZR
    azr_discount: Money
    total: Money
    payment_intent_id: uuid.UUID | None
    checkout_url: str | None
    subscription_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class CheckoutPreview:
    """The priced checkout before anything is written (the Pay UI's review page)."""

    item: CheckoutItem
    course_id: uuid.UUID | None
    plan_code: str | None
    interval: str
    currency: str
    list_amount: Money
    coupon_discount: Money
    student_discount: Money
    offer_discount: Money  # a plan's accepted upgrade offer, on the first charge (zero when none)
    azr_redeemed: Money
    azr_discount: Money
    total: Money


@dataclass(frozen=True, slots=True)
class OrderShareView:
    instructor_id: uuid.UUID
    amount: Money
    refunded: Money


@dataclass(frozen=True, slots=True)
class OrderView:
    id: uuid.UUID
    buyer_id: uuid.UUID
    item: CheckoutItem
    course_id: uuid.UUID | None
    plan_code: str | None
    status: str
    currency: str
    country: str
    list_amount: Money
    coupon_code: str | None
    coupon_discount: Money
    student_discount: Money
    azr_redeemed: Money
    azr_discount: Money
    total: Money
    fee: Money
    refunded: Money
    seller_id: uuid.UUID | None
    seller_share_bp: int | None
    payment_intent_id: uuid.UUID | None
    split_transfer_id: uuid.UUID | None
    release_at: datetime | None
    release_transfer_id: uuid.UUID | None
    paid_at: datetime | None
    created_at: datetime
    shares: tuple[OrderShareView, ...]


@dataclass(frozen=True, slots=True)
class RevenueSplitView:
    """A course's split of the instructor share; `is_default` when nothing is configured (the seller takes all)."""

    course_id: uuid.UUID
    shares: tuple[tuple[uuid.UUID, int], ...]  # (instructor id, basis points), summing to 10000
    is_default: bool


@dataclass(frozen=True, slots=True)
class EarningsBalance:
    """One currency of an instructor's earnings: held (refund hold), released (may be paid out), paid out, and
    owed back (a refund that came after the share was paid out; the next released shares pay it off)."""

    currency: str
    held: Money
    released: Money
    paid_out: Money
    owed: Money | None = None  # None when nothing is owed


@dataclass(frozen=True, slots=True)
class SaleLine:
    """One sale of the instructor's course, with every instructor's part of it."""

    order_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: str
    paid_at: datetime | None
    release_at: datetime | None
    is_released: bool
    total: Money
    fee: Money
    refunded: Money
    my_share: Money
    lines: tuple[OrderShareView, ...]


@dataclass(frozen=True, slots=True)
class EarningsView:
    user_id: uuid.UUID
    balances: tuple[EarningsBalance, ...]
    recent_sales: tuple[SaleLine, ...]
    payouts_url: str


# --- Functions -------------------------------------------------------------------------------------------------


def checkout_create(
    *,
    user_id: uuid.UUID,
    item: str,
    course_id: uuid.UUID | None = None,
    plan_code: str | None = None,
    interval: str = "month",
    currency: str,
    coupon_code: str | None = None,
    redeem_azr: Money | None = None,
    country: str | None = None,
    payment_method_id: uuid.UUID | None = None,
) -> CheckoutView:
    """Starts buying a course (an order and a payment intent) or a plan (H2's subscription_start).

    Refusals change nothing: CourseAlreadyOwned (409), CourseIsFree / PriceNotAvailable / CourseNotForSale /
    CouponInvalid / RedemptionExceedsPrice (422). A course total of 0 completes at once, without a payment.
    """
    from azora.revenue.services import checkout

    return checkout.checkout_create(
        user_id=user_id,
        item=item,
        course_id=course_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        coupon_code=coupon_code,
        redeem_azr=redeem_azr,
        country=country,
        payment_method_id=payment_method_id,
    )


def checkout_preview(
    *,
    user_id: uuid.UUID,
    item: str,
    course_id: uuid.UUID | None = None,
    plan_code: str | None = None,
    interval: str = "month",
    currency: str,
    coupon_code: str | None = None,
    redeem_azr: Money | None = None,
    country: str | None = None,
) -> CheckoutPreview:
    """The same checks and figures as checkout_create, writing nothing (raises the same errors)."""
    from azora.revenue.services import checkout

    quote = checkout.checkout_quote(
        user_id=user_id,
        item=item,
        course_id=course_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        coupon_code=coupon_code,
        redeem_azr=redeem_azr,
        country=country,
    )
    return CheckoutPreview(
        item="course" if quote.item == "course" else "plan",
        course_id=quote.course_id,
        plan_code=quote.plan_code,
        interval=quote.interval,
        currency=quote.currency,
        list_amount=quote.list_amount,
        coupon_discount=quote.coupon_discount,
        student_discount=quote.student_discount,
        offer_discount=quote.offer_amount,
        azr_redeemed=quote.azr_redeemed,
        azr_discount=quote.azr_discount,
        total=quote.total,
    )


def order_get(*, order_id: uuid.UUID, viewer_id: uuid.UUID) -> OrderView:
    """OrderNotFound unless the viewer bought it, is one of its instructors, or is a finance/platform admin."""
    from azora.revenue.selectors import orders

    return orders.order_get(order_id=order_id, viewer_id=viewer_id)


def orders_of(*, user_id: uuid.UUID, limit: int = 50) -> list[OrderView]:
    """The buyer's orders, newest first."""
    from azora.revenue.selectors import orders

    return orders.orders_of(user_id=user_id, limit=limit)


def course_revenue_split_get(*, course_id: uuid.UUID) -> RevenueSplitView:
    from azora.revenue.selectors import orders

    return orders.course_revenue_split_get(course_id=course_id)


def course_revenue_split_set(
    *, course_id: uuid.UUID, user_id: uuid.UUID, shares: Mapping[uuid.UUID, int]
) -> RevenueSplitView:
    """Replaces the course's split (instructor id -> basis points). Only its instructors; each share goes to a
    current instructor and they sum to 10000 (RevenueSplitInvalid); later sales use it, past ones keep theirs."""
    from azora.revenue.services import shares as shares_service

    return shares_service.course_revenue_split_set(course_id=course_id, user_id=user_id, shares=shares)


def earnings_of(*, user_id: uuid.UUID, limit: int = 20) -> EarningsView:
    """The instructor's held, released and paid-out earnings per currency and their most recent sales."""
    from azora.revenue.selectors import orders

    return orders.earnings_of(user_id=user_id, limit=limit)
