"""Request and response shapes of the subscriptions API: requests refuse unknown fields, amounts are exact."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.revenue.public.subscriptions import ChargeView, SeatView, SubscriptionView
from azora.shared.schemas import AmountOut, StrictIn, amount_out


class SubscriptionCreateIn(StrictIn):
    plan_code: str = Field(min_length=1, max_length=32, description='A plan of GET /plans, e.g. "pro".')
    interval: Literal["month", "year"] = "month"
    currency: str = Field(min_length=3, max_length=8, description='ISO 4217 code such as "ZAR".')
    payment_method_id: uuid.UUID | None = Field(
        default=None, description="A saved payment method of the caller; required unless `trial` is true."
    )
    coupon_code: str | None = Field(default=None, min_length=1, max_length=40)
    trial: bool = Field(default=False, description="Start with the plan's trial: nothing is charged until it ends.")
    organisation_id: uuid.UUID | None = Field(default=None, description="For a per-seat plan of an organisation.")
    seats: int = Field(default=1, ge=1, le=10_000)
    country: str | None = Field(default=None, min_length=2, max_length=2, description="ISO 3166 code, e.g. ZA.")


class SubscriptionUpdateIn(StrictIn):
    plan_code: str | None = Field(default=None, min_length=1, max_length=32)
    interval: Literal["month", "year"] | None = None
    seats: int | None = Field(default=None, ge=1, le=10_000)
    cancel_at_period_end: Literal[False] | None = Field(
        default=None,
        description="false reactivates a subscription canceled at period end (cancel with POST .../cancel).",
    )
    payment_method_id: uuid.UUID | None = None


class SeatAssignIn(StrictIn):
    user_id: uuid.UUID


class ChargeOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    amount: AmountOut
    period_start: datetime
    period_end: datetime
    payment_intent_id: uuid.UUID | None
    attempt: int
    failure_code: str
    created_at: datetime

    @staticmethod
    def of(view: ChargeView) -> ChargeOut:
        return ChargeOut(
            id=view.id,
            kind=view.kind,
            status=view.status,
            amount=amount_out(view.amount),
            period_start=view.period_start,
            period_end=view.period_end,
            payment_intent_id=view.payment_intent_id,
            attempt=view.attempt,
            failure_code=view.failure_code,
            created_at=view.created_at,
        )


class SubscriptionOut(Schema):
    id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    plan_name: str
    interval: str
    status: str
    unit_amount: AmountOut = Field(description="Per period and per seat, after lasting discounts.")
    amount_per_period: AmountOut
    seats: int
    seats_assigned: int
    current_period_start: datetime
    current_period_end: datetime
    trial_end: datetime | None
    cancel_at_period_end: bool
    canceled_at: datetime | None
    ended_at: datetime | None
    cancel_reason: str
    payment_method_id: uuid.UUID | None
    discount_bp: int
    credit: AmountOut = Field(description="Credit from downgrades, taken off the next charges.")
    dunning_attempts: int
    next_retry_at: datetime | None
    latest_charge: ChargeOut | None
    created_at: datetime

    @staticmethod
    def of(view: SubscriptionView) -> SubscriptionOut:
        return SubscriptionOut(
            id=view.id,
            user_id=view.user_id,
            organisation_id=view.organisation_id,
            plan_code=view.plan_code,
            plan_name=view.plan_name,
            interval=view.interval,
            status=view.status,
            unit_amount=amount_out(view.unit_amount),
            amount_per_period=amount_out(view.amount_per_period),
            seats=view.seats,
            seats_assigned=view.seats_assigned,
            current_period_start=view.current_period_start,
            current_period_end=view.current_period_end,
            trial_end=view.trial_end,
            cancel_at_period_end=view.cancel_at_period_end,
            canceled_at=view.canceled_at,
            ended_at=view.ended_at,
            cancel_reason=view.cancel_reason,
            payment_method_id=view.payment_method_id,
            discount_bp=view.discount_bp,
            credit=amount_out(view.credit),
            dunning_attempts=view.dunning_attempts,
            next_retry_at=view.next_retry_at,
            latest_charge=ChargeOut.of(view.latest_charge) if view.latest_charge is not None else None,
            created_at=view.created_at,
        )


class MySubscriptionOut(Schema):
    plan_code: str = Field(description='The plan the caller has now, from their own subscription or a seat; "free".')
    subscription: SubscriptionOut | None = Field(description="The caller's own subscription, if they hold one.")


class SeatOut(Schema):
    subscription_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    assigned_by_id: uuid.UUID | None
    assigned_at: datetime

    @staticmethod
    def of(view: SeatView) -> SeatOut:
        return SeatOut(
            subscription_id=view.subscription_id,
            user_id=view.user_id,
            email=view.email,
            display_name=view.display_name,
            assigned_by_id=view.assigned_by_id,
            assigned_at=view.assigned_at,
        )


class SeatListOut(Schema):
    items: list[SeatOut]
