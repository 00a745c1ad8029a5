"""The events the revenue engine publishes: subscription lifecycle first; other areas append theirs below."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent
from azora.shared.money import Money

# --- subscriptions (H2) ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SubscriptionStarted(DomainEvent):
    """A subscription began: a trial (nothing charged yet) or a first period that was paid."""

    event_type: ClassVar[str] = "revenue.subscription_started"

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    interval: str
    status: str  # "trialing" or "active"
    seats: int
    amount_charged: Money
    payment_intent_id: uuid.UUID | None
    current_period_start: dt.datetime
    current_period_end: dt.datetime
    trial_end: dt.datetime | None
    granted_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class SubscriptionRenewed(DomainEvent):
    """A new period was paid for (at the end of a period or of a trial, or on a dunning retry that succeeded)."""

    event_type: ClassVar[str] = "revenue.subscription_renewed"

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    seats: int
    amount_charged: Money
    credit_used: Money
    payment_intent_id: uuid.UUID | None
    current_period_start: dt.datetime
    current_period_end: dt.datetime
    attempt: int


@dataclass(frozen=True, kw_only=True)
class SubscriptionPastDue(DomainEvent):
    """A renewal charge failed; the plan stays until the last dunning retry fails."""

    event_type: ClassVar[str] = "revenue.subscription_past_due"

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    amount_due: Money
    failure_code: str
    attempt: int
    next_retry_at: dt.datetime | None


@dataclass(frozen=True, kw_only=True)
class SubscriptionCanceled(DomainEvent):
    """The subscription ended; its holder is back on FREE. `reason`: "canceled" (at period end, as asked),
    "trial_ended" (a trial without a payment method), "payment_failed" (dunning gave up), "converted" (a granted
    trial replaced by a paid subscription)."""

    event_type: ClassVar[str] = "revenue.subscription_canceled"

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    plan_code: str
    reason: str
    canceled_at: dt.datetime | None
    ended_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class SubscriptionChanged(DomainEvent):
    """The plan, interval or seats changed, a cancellation at period end was asked for or withdrawn, or the payment
    method was replaced. `change` names which; amounts are what was charged now and what became credit."""

    event_type: ClassVar[str] = "revenue.subscription_changed"

    subscription_id: uuid.UUID
    user_id: uuid.UUID
    organisation_id: uuid.UUID | None
    change: str  # "plan" | "interval" | "seats" | "cancel_scheduled" | "reactivated" | "payment_method"
    from_plan_code: str
    to_plan_code: str
    from_interval: str
    to_interval: str
    from_seats: int
    to_seats: int
    amount_charged: Money
    credit_added: Money
    changed_at: dt.datetime
