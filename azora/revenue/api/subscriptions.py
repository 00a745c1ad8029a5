"""The revenue /api/v1 routes for subscriptions: start, change, cancel, the caller's plan, organisation seats.

An Idempotency-Key on a POST or PATCH is honoured by the gateway's middleware (the first response is replayed and
nothing is charged twice); the charges themselves also carry keys derived from their ids.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.revenue.schemas.subscriptions import (
    MySubscriptionOut,
    SeatAssignIn,
    SeatListOut,
    SeatOut,
    SubscriptionCreateIn,
    SubscriptionOut,
    SubscriptionUpdateIn,
)
from azora.revenue.selectors import subscriptions as selectors
from azora.revenue.services import subscriptions as services

router = Router(tags=["subscriptions"])
FREE_PLAN_CODE = "free"


def _user_id(request: HttpRequest, scope: str) -> uuid.UUID:
    """The signed-in user calling; API keys need the subscriptions scope, organisation keys cannot subscribe."""
    return request_user_id(request, scope=scope)


@router.post("/subscriptions", response={201: SubscriptionOut}, summary="Start a subscription (optionally a trial)")
def subscription_create(request: HttpRequest, payload: SubscriptionCreateIn) -> Status[SubscriptionOut]:
    user_id = _user_id(request, "subscriptions:write")
    view = services.subscription_start(
        user_id=user_id,
        plan_code=payload.plan_code,
        interval=payload.interval,
        currency=payload.currency.upper(),
        payment_method_id=payload.payment_method_id,
        coupon_code=payload.coupon_code,
        trial=payload.trial,
        organisation_id=payload.organisation_id,
        seats=payload.seats,
        country=payload.country,
    )
    return Status(201, SubscriptionOut.of(view))


@router.get("/me/subscription", response=MySubscriptionOut, summary="The caller's plan and own subscription")
def my_subscription(request: HttpRequest) -> MySubscriptionOut:
    user_id = _user_id(request, "subscriptions:read")
    view = selectors.subscription_get_for_user(user_id=user_id)
    return MySubscriptionOut(
        plan_code=selectors.subscription_live_plan_code(user_id=user_id) or FREE_PLAN_CODE,
        subscription=SubscriptionOut.of(view) if view is not None else None,
    )


@router.get("/subscriptions/{subscription_id}", response=SubscriptionOut, summary="One subscription")
def subscription_get(request: HttpRequest, subscription_id: uuid.UUID) -> SubscriptionOut:
    user_id = _user_id(request, "subscriptions:read")
    return SubscriptionOut.of(selectors.subscription_get(subscription_id=subscription_id, viewer_id=user_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response=SubscriptionOut,
    summary="Change plan, interval, seats or payment method, or reactivate",
)
def subscription_update(
    request: HttpRequest, subscription_id: uuid.UUID, payload: SubscriptionUpdateIn
) -> SubscriptionOut:
    user_id = _user_id(request, "subscriptions:write")
    view = services.subscription_update(
        subscription_id=subscription_id,
        user_id=user_id,
        plan_code=payload.plan_code,
        interval=payload.interval,
        seats=payload.seats,
        cancel_at_period_end=payload.cancel_at_period_end,
        payment_method_id=payload.payment_method_id,
    )
    return SubscriptionOut.of(view)


@router.post(
    "/subscriptions/{subscription_id}/cancel", response=SubscriptionOut, summary="Cancel at the end of the period"
)
def subscription_cancel(request: HttpRequest, subscription_id: uuid.UUID) -> SubscriptionOut:
    user_id = _user_id(request, "subscriptions:write")
    return SubscriptionOut.of(services.subscription_cancel(subscription_id=subscription_id, user_id=user_id))


@router.get("/subscriptions/{subscription_id}/seats", response=SeatListOut, summary="Who holds the seats")
def seat_list(request: HttpRequest, subscription_id: uuid.UUID) -> SeatListOut:
    user_id = _user_id(request, "subscriptions:read")
    seats = selectors.seats_of(subscription_id=subscription_id, viewer_id=user_id)
    return SeatListOut(items=[SeatOut.of(seat) for seat in seats])


@router.post(
    "/subscriptions/{subscription_id}/seats",
    response={201: SeatOut},
    summary="Give a member of the organisation a seat",
)
def seat_assign(request: HttpRequest, subscription_id: uuid.UUID, payload: SeatAssignIn) -> Status[SeatOut]:
    user_id = _user_id(request, "subscriptions:write")
    seat = services.seat_assign(subscription_id=subscription_id, actor_id=user_id, user_id=payload.user_id)
    return Status(201, SeatOut.of(seat))


@router.delete(
    "/subscriptions/{subscription_id}/seats/{member_id}", response={204: None}, summary="Take a member's seat back"
)
def seat_unassign(request: HttpRequest, subscription_id: uuid.UUID, member_id: uuid.UUID) -> Status[None]:
    user_id = _user_id(request, "subscriptions:write")
    services.seat_unassign(subscription_id=subscription_id, actor_id=user_id, user_id=member_id)
    return Status(204, None)
