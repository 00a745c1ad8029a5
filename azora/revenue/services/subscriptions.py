"""The write side of subscriptions: start and trial, renewals and dunning, plan, interval and seat changes,
cancel at period end and reactivation, and the seats of organisations.

Money moves only through the Payment Service, never inside our own transaction: a charge row is written first
(pending, with the subscription locked), the intent is created and confirmed with an idempotency key derived from
the charge's id, and the outcome is recorded in a second transaction. A run that stops half-way leaves a pending
charge that `subscription_charges_settle` finishes with the same keys, so nothing is charged twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, cast

import structlog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

import azora.finance.public as finance
import azora.payments.public as payments
from azora.accounts.public import organisation_role_of, principal_for_user, require_organisation_role
from azora.payments.errors import PaymentMethodNotFound, ProviderUnavailable
from azora.revenue import proration
from azora.revenue.events import (
    SubscriptionCanceled,
    SubscriptionChanged,
    SubscriptionPastDue,
    SubscriptionRenewed,
    SubscriptionStarted,
)
from azora.revenue.models import (
    HELD_STATUSES,
    LIVE_STATUSES,
    ChargeKind,
    ChargeStatus,
    Plan,
    SeatAssignment,
    Subscription,
    SubscriptionCharge,
    SubscriptionStatus,
)
from azora.revenue.public import pricing
from azora.revenue.public.subscriptions import (
    NotAnOrganisationMember,
    PaymentMethodRequired,
    PlanNotSubscribable,
    SeatAssignmentNotFound,
    SeatsBelowAssigned,
    SeatsExhausted,
    SeatView,
    SubscriptionAlreadyLive,
    SubscriptionNotChangeable,
    SubscriptionPaymentFailed,
    SubscriptionView,
    TrialNotAvailable,
)
from azora.revenue.selectors import subscriptions as selectors
from azora.shared.errors import DomainError, ValidationFailed
from azora.shared.events import publish
from azora.shared.money import Money

logger = structlog.get_logger(__name__)

FREE_PLAN_CODE = "free"
REVENUE_ACCOUNT_CODE = "revenue:subscriptions"
MAX_SEATS = 10_000
MAX_TRIAL_GRANT_DAYS = 90


# Dunning: after a renewal fails, retry this many days after the renewal date (three retries over seven days);
# when the last one fails the subscription ends and its holder is back on FREE.
def _retry_days(value: str | Sequence[int]) -> tuple[int, ...]:
    """ "1,3,7" (as the environment gives it) or (1, 3, 7); strictly increasing whole days."""
    days = tuple(int(part) for part in (value.split(",") if isinstance(value, str) else value))
    if not days or any(day <= 0 for day in days) or list(days) != sorted(set(days)):
        raise ImproperlyConfigured(f"AZORA_REVENUE_DUNNING_RETRY_DAYS must be increasing days, not {value!r}.")
    return days


DUNNING_RETRY_DAYS: tuple[int, ...] = _retry_days(getattr(settings, "AZORA_REVENUE_DUNNING_RETRY_DAYS", (1, 3, 7)))
# A pending charge younger than this is left to the request that is still collecting it.
SETTLE_AFTER = dt.timedelta(minutes=2)

Outcome = Literal["succeeded", "failed", "pending"]
EmailKind = Literal["payment_failed", "ended"]


# --- terms: what a plan costs this customer (reads only, so bad input changes nothing) ------------------------


@dataclass(frozen=True, slots=True)
class _Terms:
    plan: Plan
    interval: str
    currency: str
    country: str
    seats: int
    discount_bp: int
    unit_minor: int  # per period and seat after the lasting (student) discount

    @property
    def total_minor(self) -> int:
        return self.unit_minor * self.seats


def _terms(
    *,
    user_id: uuid.UUID,
    plan_code: str,
    interval: str,
    currency: str,
    country: str | None,
    seats: int,
    organisation_id: uuid.UUID | None,
) -> _Terms:
    if interval not in {"month", "year"}:
        raise ValidationFailed(
            "The interval must be month or year.",
            extra={"errors": [{"field": "interval", "message": "month or year."}]},
        )
    view = pricing.plan_get(code=plan_code)
    if view.code == FREE_PLAN_CODE:
        raise PlanNotSubscribable("FREE needs no subscription: cancel the paid one instead.")
    if view.is_per_seat and organisation_id is None:
        raise PlanNotSubscribable(f"{view.name} is sold per seat to organisations: name the organisation.")
    if not view.is_per_seat and organisation_id is not None:
        raise PlanNotSubscribable(f"{view.name} is for one person, not an organisation.")
    if not 1 <= seats <= MAX_SEATS or (not view.is_per_seat and seats != 1):
        raise ValidationFailed(
            "The seat count is not valid for this plan.",
            extra={"errors": [{"field": "seats", "message": f"1 to {MAX_SEATS}, and 1 for a personal plan."}]},
        )
    price = pricing.plan_price(plan_code=view.code, interval=interval, currency=currency, country=country)
    if price.is_zero():
        raise PlanNotSubscribable(f"{view.name} costs nothing in {currency}.")
    discount_bp = pricing.student_discount_bp(user_id=user_id, plan_code=view.code) if organisation_id is None else 0
    return _Terms(
        plan=Plan.objects.get(pk=view.id),
        interval=interval,
        currency=price.currency,
        country=(country or "").upper(),
        seats=seats,
        discount_bp=discount_bp,
        unit_minor=proration.discounted(amount_minor=price.minor, discount_bp=discount_bp),
    )


def _check_payment_method(*, user_id: uuid.UUID, payment_method_id: uuid.UUID) -> None:
    if not any(method.id == payment_method_id for method in payments.payment_methods_of(customer_id=user_id)):
        raise PaymentMethodNotFound(extra={"errors": [{"field": "payment_method_id", "message": "Not yours."}]})


def _check_organisation(*, user_id: uuid.UUID, organisation_id: uuid.UUID) -> None:
    """NotFound outside the organisation, PermissionDenied inside it without a billing role (accounts decides)."""
    require_organisation_role(
        principal=principal_for_user(user_id=user_id),
        organisation_id=organisation_id,
        roles=selectors.BILLING_ROLES,
    )


def _held(*, user_id: uuid.UUID, organisation_id: uuid.UUID | None) -> Subscription | None:
    held = Subscription.objects.filter(status__in=HELD_STATUSES)
    if organisation_id is None:
        return held.filter(user_id=user_id, organisation_id__isnull=True).first()
    return held.filter(organisation_id=organisation_id).first()


def _is_granted_trial(subscription: Subscription) -> bool:
    return (
        subscription.status == SubscriptionStatus.TRIALING
        and subscription.payment_method_id is None
        and bool(subscription.granted_reason)
    )


# --- start and trial grant ----------------------------------------------------------------------------------


def subscription_start(
    *,
    user_id: uuid.UUID,
    plan_code: str,
    interval: str,
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
    """See `azora.revenue.public.subscription_start`. A granted trial (no card) is replaced by the new subscription."""
    now = now or timezone.now()
    if organisation_id is not None:
        _check_organisation(user_id=user_id, organisation_id=organisation_id)
    terms = _terms(
        user_id=user_id,
        plan_code=plan_code,
        interval=interval,
        currency=currency,
        country=country,
        seats=seats,
        organisation_id=organisation_id,
    )
    if payment_method_id is not None:
        _check_payment_method(user_id=user_id, payment_method_id=payment_method_id)
    elif not trial:
        raise PaymentMethodRequired(extra={"errors": [{"field": "payment_method_id", "message": "Required."}]})
    if trial:
        if coupon_code:
            raise ValidationFailed(
                "A coupon applies to a paid first period, not to a trial.",
                extra={"errors": [{"field": "coupon_code", "message": "Not with a trial."}]},
            )
        if terms.plan.trial_days <= 0 or _had_trial(user_id=user_id, organisation_id=organisation_id):
            raise TrialNotAvailable()
    first_minor = terms.total_minor
    coupon = None
    if coupon_code:
        coupon = pricing.coupon_apply_preview(
            code=coupon_code,
            user_id=user_id,
            plan_code=terms.plan.code,
            course_id=None,
            amount=Money(first_minor, terms.currency),
        )
        first_minor -= coupon.discount.minor
    if first_charge_discount is not None:
        if trial:
            raise ValidationFailed("A discount applies to a paid first period, not to a trial.")
        if first_charge_discount.currency != terms.currency or first_charge_discount.minor < 0:
            raise ValidationFailed(f"The first charge's discount must be a positive amount in {terms.currency}.")
        first_minor -= min(first_charge_discount.minor, first_minor)
    existing = _held(user_id=user_id, organisation_id=organisation_id)
    if existing is not None and not _is_granted_trial(existing):
        raise SubscriptionAlreadyLive(extra={"subscription_id": str(existing.id)})

    anchor = now
    if trial:
        period_end = now + dt.timedelta(days=terms.plan.trial_days)
    else:
        period_end = proration.period_end(start=now, interval=cast(Any, terms.interval), anchor_day=anchor.day)
    with transaction.atomic():
        if existing is not None:
            _end_granted_trial(existing_id=existing.id, now=now)
        subscription = Subscription(
            user_id=user_id,
            organisation_id=organisation_id,
            plan=terms.plan,
            interval=terms.interval,
            currency=terms.currency,
            country=terms.country,
            unit_amount_minor=terms.unit_minor,
            seats=terms.seats,
            status=SubscriptionStatus.TRIALING if trial else SubscriptionStatus.INCOMPLETE,
            current_period_start=now,
            current_period_end=period_end,
            billing_anchor_day=period_end.day if trial else anchor.day,
            trial_end=period_end if trial else None,
            payment_method_id=payment_method_id,
            discount_bp=terms.discount_bp,
        )
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError as error:  # a concurrent start won the one-live-subscription constraint
            raise SubscriptionAlreadyLive() from error
        if organisation_id is not None:
            SeatAssignment.objects.create(subscription=subscription, user_id=user_id, assigned_by_id=user_id)
        if trial:
            _publish_started(subscription, amount_minor=0, payment_intent_id=None)
            return selectors.subscription_view(subscription)
        charge = SubscriptionCharge.objects.create(
            subscription=subscription,
            kind=ChargeKind.START,
            amount_minor=first_minor,
            currency=terms.currency,
            period_start=now,
            period_end=period_end,
            change={"coupon_id": str(coupon.coupon_id)} if coupon is not None else {},
        )
        if first_minor == 0:  # a 100% coupon: nothing to ask the Payment Service for
            _settle_locked(subscription, charge, outcome="succeeded", failure_code="", now=now)
            return selectors.subscription_view(subscription)
    outcome = _collect(charge_id=charge.id, now=now)
    subscription.refresh_from_db()
    if outcome == "failed":
        charge.refresh_from_db()
        raise SubscriptionPaymentFailed(
            extra={
                "subscription_id": str(subscription.id),
                "payment_intent_id": str(charge.payment_intent_id) if charge.payment_intent_id else None,
                "failure_code": charge.failure_code,
            }
        )
    return selectors.subscription_view(subscription)


def _had_trial(*, user_id: uuid.UUID, organisation_id: uuid.UUID | None) -> bool:
    """One trial each: a person's earlier trials (granted ones too), or an organisation's."""
    trials = Subscription.objects.filter(trial_end__isnull=False)
    if organisation_id is None:
        return trials.filter(user_id=user_id, organisation_id__isnull=True).exists()
    return trials.filter(organisation_id=organisation_id).exists()


def _end_granted_trial(*, existing_id: uuid.UUID, now: dt.datetime) -> None:
    granted = Subscription.objects.select_for_update().select_related("plan").get(pk=existing_id)
    if not _is_granted_trial(granted):
        raise SubscriptionAlreadyLive(extra={"subscription_id": str(granted.id)})
    _end(granted, reason="converted", now=now)


def subscription_trial_grant(
    *,
    user_id: uuid.UUID,
    plan_code: str = "pro",
    days: int,
    reason: str,
    currency: str = "ZAR",
    now: dt.datetime | None = None,
) -> SubscriptionView:
    """See `azora.revenue.public.subscription_trial_grant`; inside the caller's transaction when there is one."""
    now = now or timezone.now()
    if not 1 <= days <= MAX_TRIAL_GRANT_DAYS:
        raise ValidationFailed(f"A granted trial lasts 1 to {MAX_TRIAL_GRANT_DAYS} days.")
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationFailed("A granted trial names its reason.")
    terms = _terms(
        user_id=user_id,
        plan_code=plan_code,
        interval="month",
        currency=currency,
        country=None,
        seats=1,
        organisation_id=None,
    )
    if _held(user_id=user_id, organisation_id=None) is not None:
        raise SubscriptionAlreadyLive()
    trial_end = now + dt.timedelta(days=days)
    with transaction.atomic():
        subscription = Subscription(
            user_id=user_id,
            plan=terms.plan,
            interval=terms.interval,
            currency=terms.currency,
            unit_amount_minor=terms.unit_minor,
            seats=1,
            status=SubscriptionStatus.TRIALING,
            current_period_start=now,
            current_period_end=trial_end,
            billing_anchor_day=trial_end.day,
            trial_end=trial_end,
            discount_bp=terms.discount_bp,
            granted_reason=reason,
        )
        try:
            with transaction.atomic():
                subscription.save()
        except IntegrityError as error:
            raise SubscriptionAlreadyLive() from error
        _publish_started(subscription, amount_minor=0, payment_intent_id=None)
    return selectors.subscription_view(subscription)


# --- cancel, reactivate, change ---------------------------------------------------------------------------------


def subscription_cancel(
    *, subscription_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime | None = None
) -> SubscriptionView:
    """Cancels at the end of the current period (or trial); the plan stays until then. Asking twice is harmless."""
    now = now or timezone.now()
    selectors.subscription_for_owner(subscription_id=subscription_id, user_id=user_id)
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if subscription.status not in LIVE_STATUSES:
            raise SubscriptionNotChangeable(f"A subscription that is {subscription.status} cannot be canceled.")
        if not subscription.cancel_at_period_end:
            subscription.cancel_at_period_end = True
            subscription.canceled_at = now
            subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
            _publish_changed(subscription, change="cancel_scheduled", before=_snapshot(subscription), now=now)
    return selectors.subscription_view(subscription)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    plan_code: str
    interval: str
    seats: int


def _snapshot(subscription: Subscription) -> _Snapshot:
    return _Snapshot(plan_code=subscription.plan.code, interval=subscription.interval, seats=subscription.seats)


def subscription_update(
    *,
    subscription_id: uuid.UUID,
    user_id: uuid.UUID,
    plan_code: str | None = None,
    interval: str | None = None,
    seats: int | None = None,
    cancel_at_period_end: bool | None = None,
    payment_method_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> SubscriptionView:
    """Changes what was asked for, validating everything before writing anything.

    - `payment_method_id`: the saved method future charges use (a past-due subscription is retried at once).
    - `cancel_at_period_end=False` reactivates a subscription canceled at period end (True is `subscription_cancel`).
    - `plan_code` / `interval` / `seats`: immediately, as Stripe's default proration does. An increase is charged
      now for the rest of the period (and applied once paid; SubscriptionPaymentFailed leaves it unchanged); a
      decrease applies now and the unused difference becomes credit taken off the next charges. A new interval
      starts a new period now, less the unused part of the old one. During a trial nothing is charged.
    """
    now = now or timezone.now()
    current = selectors.subscription_for_owner(subscription_id=subscription_id, user_id=user_id)
    if current.status not in LIVE_STATUSES:
        raise SubscriptionNotChangeable(f"A subscription that is {current.status} cannot be changed.")
    if payment_method_id is not None:
        _check_payment_method(user_id=current.user_id, payment_method_id=payment_method_id)
    changes_price = any(value is not None for value in (plan_code, interval, seats))
    terms = None
    if changes_price:
        if current.status == SubscriptionStatus.PAST_DUE:
            raise SubscriptionNotChangeable("Pay the amount due (update the payment method) before changing the plan.")
        terms = _terms(
            user_id=current.user_id,
            plan_code=plan_code or current.plan.code,
            interval=interval or current.interval,
            currency=current.currency,
            country=current.country or None,
            seats=seats if seats is not None else current.seats,
            organisation_id=current.organisation_id,
        )
        if current.organisation_id is not None and terms.seats < selectors.seat_count(subscription_id=current.id):
            raise SeatsBelowAssigned(extra={"seats_assigned": selectors.seat_count(subscription_id=current.id)})
    if cancel_at_period_end is True:
        return subscription_cancel(subscription_id=subscription_id, user_id=user_id, now=now)

    charge_id = None
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if subscription.status not in LIVE_STATUSES:
            raise SubscriptionNotChangeable(f"A subscription that is {subscription.status} cannot be changed.")
        before = _snapshot(subscription)
        if payment_method_id is not None and payment_method_id != subscription.payment_method_id:
            subscription.payment_method_id = payment_method_id
            if subscription.status == SubscriptionStatus.PAST_DUE:
                subscription.next_retry_at = now  # the next dunning pass tries the new method
            subscription.save(update_fields=["payment_method_id", "next_retry_at", "updated_at"])
            _publish_changed(subscription, change="payment_method", before=before, now=now)
        if cancel_at_period_end is False and subscription.cancel_at_period_end:
            subscription.cancel_at_period_end = False
            subscription.canceled_at = None
            subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
            _publish_changed(subscription, change="reactivated", before=before, now=now)
        if terms is not None:
            assigned = selectors.seat_count(subscription_id=subscription.id) if subscription.organisation_id else 0
            if terms.seats < assigned:  # a seat given away since the check above, now under the lock
                raise SeatsBelowAssigned(extra={"seats_assigned": assigned})
            charge_id = _change_locked(subscription, terms=terms, now=now)
    if charge_id is None:
        return selectors.subscription_view(subscription)
    if _collect(charge_id=charge_id, now=now) == "failed":
        charge = SubscriptionCharge.objects.get(pk=charge_id)
        raise SubscriptionPaymentFailed(
            extra={
                "subscription_id": str(subscription_id),
                "payment_intent_id": str(charge.payment_intent_id) if charge.payment_intent_id else None,
                "failure_code": charge.failure_code,
            }
        )
    return selectors.subscription_view(Subscription.objects.select_related("plan").get(pk=subscription_id))


def _change_locked(subscription: Subscription, *, terms: _Terms, now: dt.datetime) -> uuid.UUID | None:
    """Applies or prices a plan, interval or seat change of a LOCKED live subscription; the charge to collect."""
    new_interval = terms.interval != subscription.interval
    if (
        terms.plan.pk == subscription.plan_id
        and not new_interval
        and terms.seats == subscription.seats
        and terms.unit_minor == subscription.unit_amount_minor
    ):
        return None  # nothing changes
    if SubscriptionCharge.objects.filter(
        subscription=subscription, status=ChargeStatus.PENDING, kind__in=[ChargeKind.PRORATION, ChargeKind.SEATS]
    ).exists():
        raise SubscriptionNotChangeable("An earlier change is still being paid for.")
    kind = ChargeKind.SEATS if terms.plan.pk == subscription.plan_id and not new_interval else ChargeKind.PRORATION
    change = {
        "plan_id": str(terms.plan.pk),
        "interval": terms.interval,
        "seats": terms.seats,
        "unit_amount_minor": terms.unit_minor,
        "discount_bp": terms.discount_bp,
    }
    if subscription.status == SubscriptionStatus.TRIALING:
        _apply_change(subscription, change=change, now=now, charged_minor=0, credit_minor=0)
        return None
    old_total = subscription.unit_amount_minor * subscription.seats
    period = subscription.current_period_end - subscription.current_period_start
    if new_interval:
        unused = proration.prorate(
            amount_minor=old_total, remaining=subscription.current_period_end - now, period=period
        )
        net = terms.total_minor - unused
        change["period_start"] = now.isoformat()
    else:
        net = proration.proration_for_change(
            old_amount_minor=old_total,
            new_amount_minor=terms.total_minor,
            period_start=subscription.current_period_start,
            period_end=subscription.current_period_end,
            at=now,
        ).net_minor
    if net <= 0:
        _apply_change(subscription, change=change, now=now, charged_minor=0, credit_minor=-net)
        if net < 0:
            SubscriptionCharge.objects.create(
                subscription=subscription,
                kind=kind,
                status=ChargeStatus.CREDITED,
                amount_minor=net,
                currency=subscription.currency,
                period_start=now,
                period_end=subscription.current_period_end,
                change=change,
            )
        return None
    due, credit_left = proration.apply_credit(amount_minor=net, credit_minor=subscription.credit_minor)
    change["credit_used"] = subscription.credit_minor - credit_left
    charge = SubscriptionCharge.objects.create(
        subscription=subscription,
        kind=kind,
        amount_minor=due,
        currency=subscription.currency,
        period_start=now,
        period_end=subscription.current_period_end,
        change=change,
    )
    if due == 0:  # credit paid for all of it
        _settle_locked(subscription, charge, outcome="succeeded", failure_code="", now=now)
        return None
    return charge.id


def _apply_change(
    subscription: Subscription, *, change: dict[str, Any], now: dt.datetime, charged_minor: int, credit_minor: int
) -> None:
    before = _snapshot(subscription)
    subscription.plan = Plan.objects.get(pk=change["plan_id"])
    subscription.unit_amount_minor = int(change["unit_amount_minor"])
    subscription.discount_bp = int(change["discount_bp"])
    subscription.seats = int(change["seats"])
    subscription.credit_minor = subscription.credit_minor - int(change.get("credit_used", 0)) + credit_minor
    if change["interval"] != subscription.interval:
        subscription.interval = change["interval"]
        if subscription.status != SubscriptionStatus.TRIALING:
            start = dt.datetime.fromisoformat(change["period_start"])
            subscription.current_period_start = start
            subscription.billing_anchor_day = start.day
            subscription.current_period_end = proration.period_end(
                start=start, interval=cast(Any, subscription.interval), anchor_day=start.day
            )
    subscription.save()
    if before.plan_code != subscription.plan.code:
        what = "plan"
    elif before.interval != subscription.interval:
        what = "interval"
    else:
        what = "seats"
    _publish_changed(subscription, change=what, before=before, now=now, charged=charged_minor, credit=credit_minor)


def subscription_discount_next_charges(
    *, subscription_id: uuid.UUID, percent_bp: int, reason: str, charges: int = 1
) -> None:
    """Takes `percent_bp` off the next `charges` renewals of a live subscription (an upgrade offer's discount);
    a later call replaces an earlier one. Inside the caller's transaction when there is one."""
    if not 1 <= percent_bp <= 10_000 or not 1 <= charges <= 36:
        raise ValidationFailed("A discount is 1 to 10000 basis points on 1 to 36 charges.")
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationFailed("A discount names its reason.")
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if subscription.status not in LIVE_STATUSES:
            raise SubscriptionNotChangeable(f"A subscription that is {subscription.status} has no next charges.")
        subscription.next_charges_discount_bp = percent_bp
        subscription.next_charges_discount_count = charges
        subscription.next_charges_discount_reason = reason
        subscription.save(
            update_fields=[
                "next_charges_discount_bp",
                "next_charges_discount_count",
                "next_charges_discount_reason",
                "updated_at",
            ]
        )


# --- seats ------------------------------------------------------------------------------------------------------


def seat_assign(*, subscription_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID) -> SeatView:
    """Gives a member of the organisation one of its subscription's seats (the same member again: the same seat)."""
    subscription = selectors.subscription_for_owner(subscription_id=subscription_id, user_id=actor_id)
    if subscription.organisation_id is None:
        raise SubscriptionNotChangeable("Only an organisation's subscription has seats to assign.")
    if subscription.status not in LIVE_STATUSES:
        raise SubscriptionNotChangeable(f"A subscription that is {subscription.status} has no seats to assign.")
    if organisation_role_of(user_id=user_id, organisation_id=subscription.organisation_id) is None:
        raise NotAnOrganisationMember(extra={"errors": [{"field": "user_id", "message": "Not a member."}]})
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if not SeatAssignment.objects.filter(subscription=subscription, user_id=user_id).exists():
            if selectors.seat_count(subscription_id=subscription.id) >= subscription.seats:
                raise SeatsExhausted(extra={"seats": subscription.seats})
            SeatAssignment.objects.create(subscription=subscription, user_id=user_id, assigned_by_id=actor_id)
    return next(
        seat
        for seat in selectors.seats_of(subscription_id=subscription_id, viewer_id=actor_id)
        if seat.user_id == user_id
    )


def seat_unassign(*, subscription_id: uuid.UUID, actor_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Takes a member's seat back; the seat stays paid for and can be given to someone else."""
    selectors.subscription_for_owner(subscription_id=subscription_id, user_id=actor_id)
    with transaction.atomic():
        subscription = _locked(subscription_id)
        deleted, _ = SeatAssignment.objects.filter(subscription=subscription, user_id=user_id).delete()
        if not deleted:
            raise SeatAssignmentNotFound()


# --- renewals, dunning and settling charges (the periodic jobs) -------------------------------------------------


def subscriptions_renew_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Renews (or ends, when canceled or a card-less trial) every live subscription whose period has ended.

    Returns how many subscriptions it handled. Each is renewed in its own transaction, so one failure does not
    hold up the others, and a second run finds nothing left to do.
    """
    now = now or timezone.now()
    due = list(
        Subscription.objects.filter(
            status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING], current_period_end__lte=now
        )
        .order_by("current_period_end", "id")
        .values_list("id", flat=True)[:limit]
    )
    for subscription_id in due:
        charge_id = _renew_one(subscription_id=subscription_id, now=now)
        if charge_id is not None:
            _collect(charge_id=charge_id, now=now)
    return len(due)


def _renew_one(*, subscription_id: uuid.UUID, now: dt.datetime) -> uuid.UUID | None:
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if (
            subscription.status not in {SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING}
            or subscription.current_period_end > now
        ):
            return None  # another run got here first
        if subscription.cancel_at_period_end:
            _end(subscription, reason="canceled", now=subscription.current_period_end)
            return None
        # A trial nobody added a card to ends; a complimentary R0 subscription (no card, nothing to charge) renews
        # below with a paid R0 charge and never asks the Payment Service for 0.
        if subscription.payment_method_id is None and subscription.unit_amount_minor > 0:
            _end(subscription, reason="trial_ended", now=subscription.current_period_end)
            return None
        start = subscription.current_period_end
        subscription.current_period_start = start
        subscription.current_period_end = proration.period_end(
            start=start, interval=cast(Any, subscription.interval), anchor_day=subscription.billing_anchor_day
        )
        amount = subscription.unit_amount_minor * subscription.seats
        change: dict[str, Any] = {}
        if subscription.next_charges_discount_count > 0:
            amount = proration.discounted(amount_minor=amount, discount_bp=subscription.next_charges_discount_bp)
            change["discount_bp"] = subscription.next_charges_discount_bp
            change["discount_reason"] = subscription.next_charges_discount_reason
            subscription.next_charges_discount_count -= 1
        due, credit_left = proration.apply_credit(amount_minor=amount, credit_minor=subscription.credit_minor)
        change["credit_used"] = subscription.credit_minor - credit_left
        charge = SubscriptionCharge.objects.create(
            subscription=subscription,
            kind=ChargeKind.RENEWAL,
            amount_minor=due,
            currency=subscription.currency,
            period_start=subscription.current_period_start,
            period_end=subscription.current_period_end,
            change=change,
        )
        subscription.credit_minor = credit_left
        subscription.save()
        if due == 0:
            _settle_locked(subscription, charge, outcome="succeeded", failure_code="", now=now)
            return None
        return charge.id


def subscriptions_retry_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Retries the renewal of every past-due subscription whose next dunning retry has come."""
    now = now or timezone.now()
    due = list(
        Subscription.objects.filter(status=SubscriptionStatus.PAST_DUE, next_retry_at__lte=now)
        .order_by("next_retry_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for subscription_id in due:
        charge_id = _retry_one(subscription_id=subscription_id, now=now)
        if charge_id is not None:
            _collect(charge_id=charge_id, now=now)
    return len(due)


def _retry_one(*, subscription_id: uuid.UUID, now: dt.datetime) -> uuid.UUID | None:
    with transaction.atomic():
        subscription = _locked(subscription_id)
        if (
            subscription.status != SubscriptionStatus.PAST_DUE
            or subscription.next_retry_at is None
            or subscription.next_retry_at > now
        ):
            return None
        if subscription.cancel_at_period_end:  # they asked to leave: stop asking them to pay
            _end(subscription, reason="canceled", now=now)
            return None
        if SubscriptionCharge.objects.filter(subscription=subscription, status=ChargeStatus.PENDING).exists():
            return None  # a retry is in flight; the settle job records it
        failed = (
            SubscriptionCharge.objects.filter(subscription=subscription, kind=ChargeKind.RENEWAL)
            .order_by("-created_at", "-id")
            .first()
        )
        if failed is None:  # cannot happen: past due is entered only through a failed renewal
            return None
        subscription.next_retry_at = None
        subscription.save(update_fields=["next_retry_at", "updated_at"])
        charge = SubscriptionCharge.objects.create(
            subscription=subscription,
            kind=ChargeKind.RENEWAL,
            amount_minor=failed.amount_minor,
            currency=failed.currency,
            period_start=failed.period_start,
            period_end=failed.period_end,
            attempt=subscription.dunning_attempts + 2,
            change={"credit_used": 0},
        )
        return charge.id


def subscription_charges_settle(
    *, now: dt.datetime | None = None, settle_after: dt.timedelta = SETTLE_AFTER, limit: int = 200
) -> int:
    """Finishes charges left pending (a payment still processing, or a run that stopped before recording its
    outcome) with the same idempotency keys; returns how many it recorded.

    Only charges written more than `settle_after` ago by the wall clock: a younger one belongs to a request that
    is still collecting it. (`now` dates what is recorded, as in the other jobs.)
    """
    now = now or timezone.now()
    recorded = 0
    for charge_id in (
        SubscriptionCharge.objects.filter(status=ChargeStatus.PENDING, created_at__lte=timezone.now() - settle_after)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    ):
        if _collect(charge_id=charge_id, now=now) != "pending":
            recorded += 1
    return recorded


# --- collecting a charge through the Payment Service and recording the outcome ----------------------------------


def _collect(*, charge_id: uuid.UUID, now: dt.datetime) -> Outcome:
    """Asks the Payment Service for a pending charge (create + confirm with the saved method), then records it.

    Never inside a transaction of ours: the provider is called between our two short transactions.
    """
    charge = SubscriptionCharge.objects.select_related("subscription", "subscription__plan").get(pk=charge_id)
    if charge.status != ChargeStatus.PENDING:
        return "succeeded" if charge.status == ChargeStatus.PAID else "failed"
    subscription = charge.subscription
    key = f"subscription-charge-{charge.id}"
    if subscription.payment_method_id is None:
        return _settle(charge_id=charge.id, outcome="failed", failure_code="payment_method_missing", now=now)
    try:
        intent_id = charge.payment_intent_id
        if intent_id is None:
            account = finance.platform_account(code=REVENUE_ACCOUNT_CODE, currency=charge.currency)
            intent = payments.payment_intent_create(
                customer_id=subscription.user_id,
                amount=Money(charge.amount_minor, charge.currency),
                purpose="subscription",
                description=_description(charge),
                credit_account_id=account.id,
                metadata={
                    "subscription_id": str(subscription.id),
                    "subscription_charge_id": str(charge.id),
                    "kind": charge.kind,
                    "plan_code": subscription.plan.code,
                },
                idempotency_key=key,
            )
            intent_id = intent.id
            SubscriptionCharge.objects.filter(pk=charge.pk).update(payment_intent_id=intent_id)
        result = payments.payment_intent_confirm_saved(
            intent_id=intent_id,
            customer_id=subscription.user_id,
            method_id=subscription.payment_method_id,
            idempotency_key=key,
        )
    except ProviderUnavailable:
        logger.warning("subscription_charge_provider_unavailable", charge_id=str(charge.id))
        return "pending"  # the settle job asks again with the same keys
    except DomainError as error:  # the Payment Service refused (a deleted method, an intent it will not confirm)
        logger.warning("subscription_charge_refused", charge_id=str(charge.id), code=error.code)
        return _settle(charge_id=charge.id, outcome="failed", failure_code=error.code, now=now)
    if result.status == "succeeded":
        return _settle(charge_id=charge.id, outcome="succeeded", failure_code="", now=now)
    if result.status in {"failed", "canceled"}:
        return _settle(charge_id=charge.id, outcome="failed", failure_code=result.failure_code or "failed", now=now)
    return "pending"


def _description(charge: SubscriptionCharge) -> str:
    subscription = charge.subscription
    what = {
        ChargeKind.START: "first period",
        ChargeKind.RENEWAL: "renewal",
        ChargeKind.PRORATION: "plan change, rest of period",
        ChargeKind.SEATS: "added seats, rest of period",
    }[ChargeKind(charge.kind)]
    return (
        f"Azora {subscription.plan.name} ({subscription.interval}ly, {charge.period_start:%Y-%m-%d} to "
        f"{charge.period_end:%Y-%m-%d}): {what}"
    )


def _settle(*, charge_id: uuid.UUID, outcome: Outcome, failure_code: str, now: dt.datetime) -> Outcome:
    if outcome == "pending":
        return outcome
    with transaction.atomic():
        subscription_id = SubscriptionCharge.objects.values_list("subscription_id", flat=True).get(pk=charge_id)
        subscription = _locked(subscription_id)  # the subscription first, then its charge: one lock order
        charge = SubscriptionCharge.objects.select_for_update().get(pk=charge_id)
        if charge.status != ChargeStatus.PENDING:  # recorded by a concurrent run
            return "succeeded" if charge.status == ChargeStatus.PAID else "failed"
        _settle_locked(subscription, charge, outcome=outcome, failure_code=failure_code, now=now)
    return outcome


def _settle_locked(
    subscription: Subscription,
    charge: SubscriptionCharge,
    *,
    outcome: Literal["succeeded", "failed"],
    failure_code: str,
    now: dt.datetime,
) -> None:
    """Records a charge's outcome on the LOCKED subscription and charge, with its event, in the caller's transaction."""
    charge.status = ChargeStatus.PAID if outcome == "succeeded" else ChargeStatus.FAILED
    charge.failure_code = failure_code[:100]
    charge.save(update_fields=["status", "failure_code", "updated_at"])
    kind = ChargeKind(charge.kind)
    if kind == ChargeKind.START:
        if outcome == "succeeded":
            subscription.status = SubscriptionStatus.ACTIVE
            subscription.save(update_fields=["status", "updated_at"])
            _redeem_coupon(subscription, charge)
            _publish_started(subscription, amount_minor=charge.amount_minor, payment_intent_id=charge.payment_intent_id)
        else:  # the first payment failed: the subscription never began (Stripe's incomplete_expired)
            subscription.status = SubscriptionStatus.CANCELED
            subscription.ended_at = now
            subscription.cancel_reason = "payment_failed"
            subscription.save(update_fields=["status", "ended_at", "cancel_reason", "updated_at"])
    elif kind == ChargeKind.RENEWAL:
        if outcome == "succeeded":
            _renewed(subscription, charge)
        else:
            _renewal_failed(subscription, charge, now=now)
    elif outcome == "succeeded":  # a prorated plan or seat change: it applies once paid
        _apply_change(subscription, change=charge.change, now=now, charged_minor=charge.amount_minor, credit_minor=0)


def _redeem_coupon(subscription: Subscription, charge: SubscriptionCharge) -> None:
    coupon_id = charge.change.get("coupon_id")
    if not coupon_id:
        return
    try:
        with transaction.atomic():
            pricing.coupon_redeem(
                coupon_id=uuid.UUID(coupon_id),
                user_id=subscription.user_id,
                reference=f"subscription:{subscription.id}",
            )
    except pricing.CouponInvalid as error:
        # The customer was quoted the discount and has paid: honour it, and leave a trace for finance.
        logger.warning("subscription_coupon_not_redeemed", subscription_id=str(subscription.id), code=error.code)
    else:
        Subscription.objects.filter(pk=subscription.pk).update(coupon_id=uuid.UUID(coupon_id))


def _renewed(subscription: Subscription, charge: SubscriptionCharge) -> None:
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.dunning_attempts = 0
    subscription.next_retry_at = None
    subscription.save(update_fields=["status", "dunning_attempts", "next_retry_at", "updated_at"])
    publish(
        SubscriptionRenewed(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            organisation_id=subscription.organisation_id,
            plan_code=subscription.plan.code,
            seats=subscription.seats,
            amount_charged=Money(charge.amount_minor, charge.currency),
            credit_used=Money(int(charge.change.get("credit_used", 0)), charge.currency),
            payment_intent_id=charge.payment_intent_id,
            current_period_start=subscription.current_period_start,
            current_period_end=subscription.current_period_end,
            attempt=charge.attempt,
        )
    )


def _renewal_failed(subscription: Subscription, charge: SubscriptionCharge, *, now: dt.datetime) -> None:
    """The first failure makes the subscription past due; each failed retry moves to the next; the last ends it."""
    base = subscription.current_period_start  # the renewal date: retries fall on day 1, 3 and 7 after it
    if subscription.status != SubscriptionStatus.PAST_DUE:
        subscription.status = SubscriptionStatus.PAST_DUE
        subscription.dunning_attempts = 0
        subscription.next_retry_at = max(base + dt.timedelta(days=DUNNING_RETRY_DAYS[0]), now)
        subscription.save(update_fields=["status", "dunning_attempts", "next_retry_at", "updated_at"])
        publish(
            SubscriptionPastDue(
                subscription_id=subscription.id,
                user_id=subscription.user_id,
                organisation_id=subscription.organisation_id,
                plan_code=subscription.plan.code,
                amount_due=Money(charge.amount_minor, charge.currency),
                failure_code=charge.failure_code,
                attempt=charge.attempt,
                next_retry_at=subscription.next_retry_at,
            )
        )
        _email_after_commit(subscription_id=subscription.id, kind="payment_failed", charge_id=charge.id)
        return
    subscription.dunning_attempts += 1
    if subscription.dunning_attempts >= len(DUNNING_RETRY_DAYS):
        subscription.save(update_fields=["dunning_attempts", "updated_at"])
        _end(subscription, reason="payment_failed", now=now)
        return
    subscription.next_retry_at = max(base + dt.timedelta(days=DUNNING_RETRY_DAYS[subscription.dunning_attempts]), now)
    subscription.save(update_fields=["dunning_attempts", "next_retry_at", "updated_at"])
    _email_after_commit(subscription_id=subscription.id, kind="payment_failed", charge_id=charge.id)


def _end(subscription: Subscription, *, reason: str, now: dt.datetime) -> None:
    """Ends a LOCKED subscription: its holder (and its seats) are back on FREE."""
    subscription.status = SubscriptionStatus.CANCELED
    subscription.ended_at = now
    subscription.canceled_at = subscription.canceled_at or now
    subscription.cancel_reason = reason
    subscription.next_retry_at = None
    subscription.save(
        update_fields=["status", "ended_at", "canceled_at", "cancel_reason", "next_retry_at", "updated_at"]
    )
    publish(
        SubscriptionCanceled(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            organisation_id=subscription.organisation_id,
            plan_code=subscription.plan.code,
            reason=reason,
            canceled_at=subscription.canceled_at,
            ended_at=now,
        )
    )
    if reason == "payment_failed":
        _email_after_commit(subscription_id=subscription.id, kind="ended", charge_id=None)


# --- helpers ------------------------------------------------------------------------------------------------------


def _locked(subscription_id: uuid.UUID) -> Subscription:
    return Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=subscription_id)


def _publish_started(subscription: Subscription, *, amount_minor: int, payment_intent_id: uuid.UUID | None) -> None:
    publish(
        SubscriptionStarted(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            organisation_id=subscription.organisation_id,
            plan_code=subscription.plan.code,
            interval=subscription.interval,
            status=subscription.status,
            seats=subscription.seats,
            amount_charged=Money(amount_minor, subscription.currency),
            payment_intent_id=payment_intent_id,
            current_period_start=subscription.current_period_start,
            current_period_end=subscription.current_period_end,
            trial_end=subscription.trial_end,
            granted_reason=subscription.granted_reason,
        )
    )


def _publish_changed(
    subscription: Subscription,
    *,
    change: str,
    before: _Snapshot,
    now: dt.datetime,
    charged: int = 0,
    credit: int = 0,
) -> None:
    publish(
        SubscriptionChanged(
            subscription_id=subscription.id,
            user_id=subscription.user_id,
            organisation_id=subscription.organisation_id,
            change=change,
            from_plan_code=before.plan_code,
            to_plan_code=subscription.plan.code,
            from_interval=before.interval,
            to_interval=subscription.interval,
            from_seats=before.seats,
            to_seats=subscription.seats,
            amount_charged=Money(charged, subscription.currency),
            credit_added=Money(credit, subscription.currency),
            changed_at=now,
        )
    )


def _email_after_commit(*, subscription_id: uuid.UUID, kind: EmailKind, charge_id: uuid.UUID | None) -> None:
    transaction.on_commit(
        partial(_enqueue_email, subscription_id=subscription_id, kind=kind, charge_id=charge_id), robust=True
    )


def _enqueue_email(*, subscription_id: uuid.UUID, kind: EmailKind, charge_id: uuid.UUID | None) -> None:
    from azora.revenue.jobs import send_subscription_email_task  # the jobs module imports this one

    send_subscription_email_task.enqueue(
        subscription_id=str(subscription_id), kind=kind, charge_id=str(charge_id) if charge_id else ""
    )


def subscription_email_send(*, subscription_id: uuid.UUID, kind: EmailKind, charge_id: uuid.UUID | None) -> bool:
    """Sends one dunning email (re-reading the subscription); False when there is nothing to tell any more."""
    from azora.revenue import emails

    subscription = Subscription.objects.select_related("plan").filter(pk=subscription_id).first()
    if subscription is None:
        return False
    charge = SubscriptionCharge.objects.filter(pk=charge_id).first() if charge_id else None
    if kind == "payment_failed" and subscription.status != SubscriptionStatus.PAST_DUE:
        return False  # paid or ended since: the email would be wrong
    emails.send_subscription_email(subscription=subscription, kind=kind, charge=charge)
    return True
