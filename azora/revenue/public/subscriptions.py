"""The revenue engine's public functions for subscriptions to plans: their views, errors and lifecycle calls.

The dataclasses and errors are defined here; services and selectors import them, so the functions import those
modules inside each call, never at module load (as payments.public does).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from azora.shared.errors import Conflict, DomainError, NotFound, ValidationFailed
from azora.shared.money import Money

__all__ = [
    "ChargeView",
    "NotAnOrganisationMember",
    "PaymentMethodRequired",
    "PlanNotSubscribable",
    "SeatAssignmentNotFound",
    "SeatView",
    "SeatsBelowAssigned",
    "SeatsExhausted",
    "SubscriptionAlreadyLive",
    "SubscriptionNotChangeable",
    "SubscriptionNotFound",
    "SubscriptionPaymentFailed",
    "SubscriptionView",
    "TrialNotAvailable",
    "seat_assign",
    "seat_unassign",
    "seats_of",
    "subscription_cancel",
    "subscription_discount_next_charges",
    "subscription_get",
    "subscription_get_for_organisation",
    "subscription_get_for_user",
    "subscription_live_plan_code",
    "subscription_start",
    "subscription_trial_grant",
    "subscription_update",
]

Interval = Literal["month", "year"]


# --- errors ---------------------------------------------------------------------------------------------------


class SubscriptionNotFound(NotFound):
    """Also raised for someone else's subscription, so that it looks the same as one that does not exist."""

    code = "subscription_not_found"
    title = "The subscription does not exist."


class SubscriptionAlreadyLive(Conflict):
    code = "subscription_exists"
    title = "There is already a live subscription; change it instead of starting another."


class SubscriptionNotChangeable(Conflict):
    code = "subscription_not_changeable"
    title = "The subscription cannot make that change in its current state."


class PlanNotSubscribable(ValidationFailed):
    code = "plan_not_subscribable"
    title = "That plan cannot be subscribed to this way."


class PaymentMethodRequired(ValidationFailed):
    code = "payment_method_required"
    title = "A saved payment method is needed to pay for the subscription."


class TrialNotAvailable(Conflict):
    code = "trial_not_available"
    title = "The plan has no trial, or the trial was already used."


class SeatsBelowAssigned(Conflict):
    code = "seats_below_assigned"
    title = "The seat count cannot go below the number of seats assigned to members."


class SeatsExhausted(Conflict):
    code = "seats_exhausted"
    title = "Every seat of the subscription is assigned; add seats first."


class NotAnOrganisationMember(ValidationFailed):
    code = "seat_user_not_member"
    title = "Only members of the organisation can hold one of its seats."


class SeatAssignmentNotFound(NotFound):
    code = "seat_not_found"
    title = "That person holds no seat of the subscription."


class SubscriptionPaymentFailed(DomainError):
    """The Payment Service declined the charge; the change was not made (a start leaves a canceled subscription)."""

    code = "subscription_payment_failed"
    status = 402
    title = "The payment for the subscription failed."


# --- views ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChargeView:
    id: uuid.UUID
    kind: str  # "start" | "renewal" | "proration" | "seats"
    status: str  # "pending" | "paid" | "failed" | "credited"
    amount: Money  # negative for a credit
    period_start: dt.datetime
    period_end: dt.datetime
    payment_intent_id: uuid.UUID | None
    attempt: int
    failure_code: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    plan_name: str
    interval: str
    currency: str
    unit_amount: Money  # per period and per seat, after lasting discounts
    seats: int
    seats_assigned: int
    status: str  # "incomplete" | "trialing" | "active" | "past_due" | "canceled"
    current_period_start: dt.datetime
    current_period_end: dt.datetime
    trial_end: dt.datetime | None
    cancel_at_period_end: bool
    canceled_at: dt.datetime | None
    ended_at: dt.datetime | None
    cancel_reason: str
    payment_method_id: uuid.UUID | None
    discount_bp: int
    credit: Money
    dunning_attempts: int
    next_retry_at: dt.datetime | None
    latest_charge: ChargeView | None
    created_at: dt.datetime

    @property
    def amount_per_period(self) -> Money:
        return Money(self.unit_amount.minor * self.seats, self.currency)

    @property
    def is_live(self) -> bool:
        return self.status in {"trialing", "active", "past_due"}


@dataclass(frozen=True, slots=True)
class SeatView:
    subscription_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    display_name: str
    assigned_by_id: uuid.UUID | None
    assigned_at: dt.datetime


# --- functions --------------------------------------------------------------------------------------------------


def subscription_live_plan_code(*, user_id: uuid.UUID) -> str | None:
    """The code of the plan the user's live subscription (or a seat of an organisation's) gives; None = FREE.

    With both, the higher-ranked plan wins.
    """
    from azora.revenue.selectors import subscriptions as selectors

    return selectors.subscription_live_plan_code(user_id=user_id)


def subscription_get_for_user(*, user_id: uuid.UUID) -> SubscriptionView | None:
    """The user's own subscription that holds their slot (incomplete, trialing, active or past due), if any."""
    from azora.revenue.selectors import subscriptions as selectors

    return selectors.subscription_get_for_user(user_id=user_id)


def subscription_get_for_organisation(*, organisation_id: uuid.UUID, viewer_id: uuid.UUID) -> SubscriptionView | None:
    """The organisation's subscription that holds its slot (incomplete, trialing, active or past due), if any, for
    one of its billing managers (owner, admin, billing); SubscriptionNotFound for anyone else, as the seat
    functions refuse them."""
    from azora.revenue.selectors import subscriptions as selectors

    return selectors.subscription_get_for_organisation(organisation_id=organisation_id, viewer_id=viewer_id)


def subscription_start(
    *,
    user_id: uuid.UUID,
    plan_code: str,
    interval: Interval,
    currency: str,
    payment_method_id: uuid.UUID | None,
    coupon_code: str | None = None,
    trial: bool = False,
    organisation_id: uuid.UUID | None = None,
    seats: int = 1,
    country: str | None = None,
    first_charge_discount: Money | None = None,
    now: dt.datetime | None = None,
) -> SubscriptionView:
    """Starts a subscription: with `trial`, nothing is charged until the trial ends; otherwise the first period is
    charged at once to the saved payment method through the Payment Service (SubscriptionPaymentFailed when
    declined). Bad input raises before anything is written.

    `first_charge_discount` is taken off the first charge after any coupon (never below zero), for a discount the
    caller accounts for itself (an upgrade offer, redeemed AZR)."""
    from azora.revenue.services.subscriptions import subscription_start as start

    return start(
        user_id=user_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        payment_method_id=payment_method_id,
        coupon_code=coupon_code,
        trial=trial,
        organisation_id=organisation_id,
        seats=seats,
        country=country,
        first_charge_discount=first_charge_discount,
        now=now,
    )


def subscription_trial_grant(
    *,
    user_id: uuid.UUID,
    plan_code: str = "pro",
    days: int,
    reason: str,
    currency: str = "ZAR",
    now: dt.datetime | None = None,
) -> SubscriptionView:
    """A trial of `plan_code` for `days`, without a card, for someone on FREE (an upgrade offer). It ends back on
    FREE unless they add a payment method before the trial ends. SubscriptionAlreadyLive when they subscribe."""
    from azora.revenue.services.subscriptions import subscription_trial_grant as grant

    return grant(user_id=user_id, plan_code=plan_code, days=days, reason=reason, currency=currency, now=now)


def subscription_get(*, subscription_id: uuid.UUID, viewer_id: uuid.UUID) -> SubscriptionView:
    """One subscription its owner (or a billing manager of its organisation) may see; SubscriptionNotFound else."""
    from azora.revenue.selectors.subscriptions import subscription_get as get

    return get(subscription_id=subscription_id, viewer_id=viewer_id)


def subscription_cancel(*, subscription_id: uuid.UUID, user_id: uuid.UUID) -> SubscriptionView:
    """Cancels at the end of the current period (or trial); the plan stays until then."""
    from azora.revenue.services.subscriptions import subscription_cancel as cancel

    return cancel(subscription_id=subscription_id, user_id=user_id)


def subscription_update(
    *,
    subscription_id: uuid.UUID,
    user_id: uuid.UUID,
    plan_code: str | None = None,
    interval: Interval | None = None,
    seats: int | None = None,
    cancel_at_period_end: Literal[False] | None = None,
    payment_method_id: uuid.UUID | None = None,
) -> SubscriptionView:
    """Upgrade (charged now, prorated), downgrade (now, the difference becomes credit), a new interval or seat
    count, a new payment method, or `cancel_at_period_end=False` to reactivate. Bad input changes nothing."""
    from azora.revenue.services.subscriptions import subscription_update as update

    return update(
        subscription_id=subscription_id,
        user_id=user_id,
        plan_code=plan_code,
        interval=interval,
        seats=seats,
        cancel_at_period_end=cancel_at_period_end,
        payment_method_id=payment_method_id,
    )


def seats_of(*, subscription_id: uuid.UUID, viewer_id: uuid.UUID) -> list[SeatView]:
    from azora.revenue.selectors.subscriptions import seats_of as seats

    return seats(subscription_id=subscription_id, viewer_id=viewer_id)


def seat_assign(*, subscription_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID) -> SeatView:
    """Gives a member of the organisation a seat (NotAnOrganisationMember, SeatsExhausted)."""
    from azora.revenue.services.subscriptions import seat_assign as assign

    return assign(subscription_id=subscription_id, actor_id=actor_id, user_id=user_id)


def seat_unassign(*, subscription_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID) -> None:
    from azora.revenue.services.subscriptions import seat_unassign as unassign

    unassign(subscription_id=subscription_id, actor_id=actor_id, user_id=user_id)


def subscription_discount_next_charges(
    *, subscription_id: uuid.UUID, percent_bp: int, reason: str, charges: int = 1
) -> None:
    """Takes `percent_bp` off the next `charges` renewals (an upgrade offer); SubscriptionNotChangeable when the
    subscription is not live. Inside the caller's transaction when there is one."""
    from azora.revenue.services.subscriptions import subscription_discount_next_charges as discount

    discount(subscription_id=subscription_id, percent_bp=percent_bp, reason=reason, charges=charges)
