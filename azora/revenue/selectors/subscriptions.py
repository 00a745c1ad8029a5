"""The read side of subscriptions: a user's plan, their subscription, one subscription as its owner sees it, seats."""

from __future__ import annotations

import uuid

from django.db.models import Q

from azora.accounts.public import organisation_role_of, user_profiles
from azora.revenue.models import (
    HELD_STATUSES,
    LIVE_STATUSES,
    SeatAssignment,
    Subscription,
    SubscriptionCharge,
)
from azora.revenue.public.subscriptions import ChargeView, SeatView, SubscriptionNotFound, SubscriptionView
from azora.shared.money import Money

# Organisation roles that may buy, change and assign the seats of the organisation's subscription.
BILLING_ROLES = frozenset({"owner", "admin", "billing"})


def charge_view(charge: SubscriptionCharge) -> ChargeView:
    return ChargeView(
        id=charge.id,
        kind=charge.kind,
        status=charge.status,
        amount=Money(charge.amount_minor, charge.currency),
        period_start=charge.period_start,
        period_end=charge.period_end,
        payment_intent_id=charge.payment_intent_id,
        attempt=charge.attempt,
        failure_code=charge.failure_code,
        created_at=charge.created_at,
    )


def subscription_view(subscription: Subscription) -> SubscriptionView:
    """The view of a subscription: two short reads besides it (its seats counted, its latest charge)."""
    latest = SubscriptionCharge.objects.filter(subscription=subscription).order_by("-created_at", "-id").first()
    seats_assigned = (
        SeatAssignment.objects.filter(subscription=subscription).count() if subscription.organisation_id else 0
    )
    return SubscriptionView(
        id=subscription.id,
        user_id=subscription.user_id,
        organisation_id=subscription.organisation_id,
        plan_code=subscription.plan.code,
        plan_name=subscription.plan.name,
        interval=subscription.interval,
        currency=subscription.currency,
        unit_amount=Money(subscription.unit_amount_minor, subscription.currency),
        seats=subscription.seats,
        seats_assigned=seats_assigned,
        status=subscription.status,
        current_period_start=subscription.current_period_start,
        current_period_end=subscription.current_period_end,
        trial_end=subscription.trial_end,
        cancel_at_period_end=subscription.cancel_at_period_end,
        canceled_at=subscription.canceled_at,
        ended_at=subscription.ended_at,
        cancel_reason=subscription.cancel_reason,
        payment_method_id=subscription.payment_method_id,
        discount_bp=subscription.discount_bp,
        credit=Money(subscription.credit_minor, subscription.currency),
        dunning_attempts=subscription.dunning_attempts,
        next_retry_at=subscription.next_retry_at,
        latest_charge=charge_view(latest) if latest is not None else None,
        created_at=subscription.created_at,
    )


def subscription_live_plan_code(*, user_id: uuid.UUID) -> str | None:
    """One query: the highest-ranked plan of the user's own live subscription or of a live seat they hold."""
    code = (
        Subscription.objects.filter(status__in=LIVE_STATUSES)
        .filter(
            Q(user_id=user_id, organisation_id__isnull=True)
            | Q(organisation_id__isnull=False, seat_assignments__user_id=user_id)
        )
        .order_by("-plan__rank", "-id")
        .values_list("plan__code", flat=True)
        .first()
    )
    return code


def subscription_get_for_user(*, user_id: uuid.UUID) -> SubscriptionView | None:
    subscription = (
        Subscription.objects.select_related("plan")
        .filter(user_id=user_id, organisation_id__isnull=True, status__in=HELD_STATUSES)
        .first()
    )
    return subscription_view(subscription) if subscription is not None else None


def subscription_for_owner(*, subscription_id: uuid.UUID, user_id: uuid.UUID) -> Subscription:
    """The subscription when `user_id` may manage it (their own, or their organisation's with a billing role);
    SubscriptionNotFound otherwise, so another person's subscription looks like none at all."""
    subscription = Subscription.objects.select_related("plan").filter(pk=subscription_id).first()
    if subscription is None or not may_manage(subscription, user_id=user_id):
        raise SubscriptionNotFound()
    return subscription


def may_manage(subscription: Subscription, *, user_id: uuid.UUID) -> bool:
    if subscription.organisation_id is None:
        return subscription.user_id == user_id
    return may_manage_organisation(organisation_id=subscription.organisation_id, user_id=user_id)


def may_manage_organisation(*, organisation_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the user may buy, change and assign the seats of the organisation's subscription (one query)."""
    role = organisation_role_of(user_id=user_id, organisation_id=organisation_id)
    return role in BILLING_ROLES


def subscription_get_for_organisation(*, organisation_id: uuid.UUID, viewer_id: uuid.UUID) -> SubscriptionView | None:
    """The organisation's subscription that holds its slot (incomplete, trialing, active or past due), if any.

    Only its billing managers see it, by the rule the seat functions use: anyone else (an outsider, or a member
    without a billing role) gets SubscriptionNotFound, whether the organisation subscribes or not."""
    if not may_manage_organisation(organisation_id=organisation_id, user_id=viewer_id):
        raise SubscriptionNotFound()
    subscription = (
        Subscription.objects.select_related("plan")
        .filter(organisation_id=organisation_id, status__in=HELD_STATUSES)
        .first()
    )
    return subscription_view(subscription) if subscription is not None else None


def subscription_get(*, subscription_id: uuid.UUID, viewer_id: uuid.UUID) -> SubscriptionView:
    return subscription_view(subscription_for_owner(subscription_id=subscription_id, user_id=viewer_id))


def seats_of(*, subscription_id: uuid.UUID, viewer_id: uuid.UUID) -> list[SeatView]:
    """The members holding the subscription's seats, in assignment order; their names and emails come from
    accounts in one more query (never a join into accounts' table)."""
    subscription = subscription_for_owner(subscription_id=subscription_id, user_id=viewer_id)
    rows = list(SeatAssignment.objects.filter(subscription=subscription).order_by("id"))
    people = user_profiles(user_ids=[row.user_id for row in rows])
    views = []
    for row in rows:
        person = people.get(row.user_id)  # None for a deactivated account: the seat is still held
        views.append(
            SeatView(
                subscription_id=subscription.id,
                user_id=row.user_id,
                email=person.email if person else "",
                display_name=person.display_name if person else "",
                assigned_by_id=row.assigned_by_id,
                assigned_at=row.created_at,
            )
        )
    return views


def seat_count(*, subscription_id: uuid.UUID) -> int:
    return SeatAssignment.objects.filter(subscription_id=subscription_id).count()


def pending_charge_ids(*, limit: int = 100) -> list[uuid.UUID]:
    """Charges whose outcome is not yet recorded (a payment in flight, or a run that stopped half-way)."""
    return list(
        SubscriptionCharge.objects.filter(status="pending").order_by("created_at").values_list("id", flat=True)[:limit]
    )


__all__ = [
    "BILLING_ROLES",
    "charge_view",
    "may_manage",
    "may_manage_organisation",
    "pending_charge_ids",
    "seat_count",
    "seats_of",
    "subscription_for_owner",
    "subscription_get",
    "subscription_get_for_organisation",
    "subscription_get_for_user",
    "subscription_live_plan_code",
    "subscription_view",
]
