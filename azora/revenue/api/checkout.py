"""The revenue /api/v1 routes for checkout, orders, course revenue splits and instructors' earnings.

Payouts are finance's (POST /api/v1/payouts, docs/finance.md); the earnings answer links to it.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.revenue.pricing import money_parse
from azora.revenue.public import checkout
from azora.revenue.schemas.checkout import (
    CheckoutCreateIn,
    CheckoutOut,
    EarningsOut,
    OrderOut,
    RevenueSplitIn,
    RevenueSplitOut,
)
from azora.revenue.selectors import orders as order_selectors
from azora.shared.errors import ValidationFailed

router = Router()

__all__ = ["router"]

AZR = "AZR"
MAX_RECENT_SALES = 100


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no revenue scope, so they are refused."""
    return request_user_id(request, scope="revenue")


@router.post(
    "/checkout",
    response={201: CheckoutOut},
    summary="Buy a course (an order and a payment intent to confirm in the Pay UI) or a plan (a subscription)",
)
def checkout_create(request: HttpRequest, payload: CheckoutCreateIn) -> Status[CheckoutOut]:
    user_id = _user_id(request)
    redeem_azr = money_parse(payload.redeem_azr, currency=AZR, field="redeem_azr") if payload.redeem_azr else None
    view = checkout.checkout_create(
        user_id=user_id,
        item=payload.item,
        course_id=payload.course_id,
        plan_code=payload.plan_code,
        interval=payload.interval,
        currency=payload.currency.strip().upper(),
        coupon_code=payload.coupon_code,
        redeem_azr=redeem_azr,
        country=payload.country,
        payment_method_id=payload.payment_method_id,
    )
    return Status(201, CheckoutOut.of(view))


@router.get("/orders/{uuid:order_id}", response=OrderOut, summary="One order (its buyer, instructors, admins)")
def order_get(request: HttpRequest, order_id: uuid.UUID) -> OrderOut:
    return OrderOut.of(checkout.order_get(order_id=order_id, viewer_id=_user_id(request)))


@router.get(
    "/courses/{uuid:course_id}/revenue-split",
    response=RevenueSplitOut,
    summary="How a course's instructor share is divided among its instructors (its instructors and admins)",
)
def revenue_split_get(request: HttpRequest, course_id: uuid.UUID) -> RevenueSplitOut:
    user_id = _user_id(request)
    view = checkout.course_revenue_split_get(course_id=course_id)
    if not order_selectors.may_view_course_split(user_id=user_id, course_id=course_id):
        raise checkout.RevenueSplitNotPermitted()
    return RevenueSplitOut.of(view)


@router.put(
    "/courses/{uuid:course_id}/revenue-split",
    response=RevenueSplitOut,
    summary="Divide a co-taught course's instructor share (its instructors; shares add up to 10000 bp)",
)
def revenue_split_put(request: HttpRequest, course_id: uuid.UUID, payload: RevenueSplitIn) -> RevenueSplitOut:
    user_id = _user_id(request)
    shares: dict[uuid.UUID, int] = {}
    for index, share in enumerate(payload.shares):
        if share.instructor_id in shares:
            message = "Each instructor appears once."
            raise ValidationFailed(
                message, extra={"errors": [{"field": f"body.shares.{index}.instructor_id", "message": message}]}
            )
        shares[share.instructor_id] = share.share_bp
    view = checkout.course_revenue_split_set(course_id=course_id, user_id=user_id, shares=shares)
    return RevenueSplitOut.of(view)


@router.get(
    "/instructor/earnings",
    response=EarningsOut,
    summary="Your earnings per currency (held, released, paid out) and recent sales with their split lines",
)
def instructor_earnings(request: HttpRequest, limit: int = 20) -> EarningsOut:
    view = checkout.earnings_of(user_id=_user_id(request), limit=max(1, min(limit, MAX_RECENT_SALES)))
    return EarningsOut.of(view)
