"""Upgrade offers' write side: making an offer on a learning milestone, accepting it, checkout's use of a discount
offer, and expiring offers."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Final

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from azora.revenue.models import OfferKind, OfferStatus, UpgradeOffer
from azora.revenue.public.offers import (
    OfferAlreadyUsed,
    OfferExpired,
    OfferNotADiscount,
    OfferNotFound,
    OfferView,
)
from azora.revenue.services.rewards import lock_learner

logger = structlog.get_logger(__name__)

# Settings (read at call time; the lead adds them to config/env.py).
OFFER_DAYS_SETTING: Final = "AZORA_REVENUE_OFFER_DAYS"
OFFER_DAYS_DEFAULT: Final = 7
OFFER_PROGRESS_PERCENT_SETTING: Final = "AZORA_REVENUE_OFFER_PROGRESS_PERCENT"
OFFER_PROGRESS_PERCENT_DEFAULT: Final = 40
OFFER_PLAN_CODE: Final = "pro"
FREE_PLAN_CODE: Final = "free"


@dataclass(frozen=True, slots=True)
class OfferTerms:
    percent_off_bp: int = 0
    trial_days: int = 0


# What each milestone offers (AZORA_REVENUE_OFFER_TERMS may replace a kind's terms: {"progress": {"percent_off_bp":
# 5000}}).
DEFAULT_TERMS: Final[dict[str, OfferTerms]] = {
    OfferKind.PROGRESS: OfferTerms(percent_off_bp=5000),
    OfferKind.FIRST_PASS: OfferTerms(trial_days=7),
    OfferKind.COMPLETION: OfferTerms(percent_off_bp=3000),
}


def offer_terms(kind: str) -> OfferTerms:
    configured = (getattr(settings, "AZORA_REVENUE_OFFER_TERMS", None) or {}).get(kind)
    if configured:
        return OfferTerms(
            percent_off_bp=int(configured.get("percent_off_bp", 0)), trial_days=int(configured.get("trial_days", 0))
        )
    return DEFAULT_TERMS[kind]


def offer_days() -> int:
    return int(getattr(settings, OFFER_DAYS_SETTING, OFFER_DAYS_DEFAULT))


def offer_progress_percent() -> int:
    return int(getattr(settings, OFFER_PROGRESS_PERCENT_SETTING, OFFER_PROGRESS_PERCENT_DEFAULT))


def offer_view(offer: UpgradeOffer, *, now: dt.datetime | None = None) -> OfferView:
    now = now or timezone.now()
    status = offer.status
    if status == OfferStatus.ACTIVE and offer.expires_at <= now:
        status = OfferStatus.EXPIRED
    return OfferView(
        id=offer.id,
        user_id=offer.user_id,
        kind=offer.kind,
        status=status,
        plan_code=offer.plan_code,
        percent_off_bp=offer.percent_off_bp,
        trial_days=offer.trial_days,
        course_id=offer.course_id,
        expires_at=offer.expires_at,
        accepted_at=offer.accepted_at,
        used_reference=offer.used_reference,
        created_at=offer.created_at,
    )


def _is_on_free(user_id: uuid.UUID) -> bool:
    from azora.revenue.public import subscription_live_plan_code

    return subscription_live_plan_code(user_id=user_id) in (None, FREE_PLAN_CODE)


def offer_make(
    *,
    user_id: uuid.UUID,
    kind: str,
    event_id: uuid.UUID,
    course_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> OfferView | None:
    """Makes the milestone's offer to a learner on FREE; None when no offer is made.

    No offer when the learner is not on FREE, already had an offer of this kind (each kind once per learner), or
    holds an active, unexpired offer: the first offer stands until it is accepted or expires (replacing it would
    take back what the learner was just shown). An active offer past its expiry is expired here first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_learner(user_id)
        UpgradeOffer.objects.filter(user_id=user_id, status=OfferStatus.ACTIVE, expires_at__lte=now).update(
            status=OfferStatus.EXPIRED, updated_at=now
        )
        if UpgradeOffer.objects.filter(user_id=user_id, status=OfferStatus.ACTIVE).exists():
            return None
        if UpgradeOffer.objects.filter(user_id=user_id, kind=kind).exists():
            return None
        if not _is_on_free(user_id):
            return None
        terms = offer_terms(kind)
        try:
            # A savepoint: a concurrent first offer (the unique constraints) must not spoil the caller's work.
            with transaction.atomic():
                offer = UpgradeOffer.objects.create(
                    user_id=user_id,
                    kind=kind,
                    plan_code=OFFER_PLAN_CODE,
                    percent_off_bp=terms.percent_off_bp,
                    trial_days=terms.trial_days,
                    course_id=course_id,
                    event_id=event_id,
                    expires_at=now + dt.timedelta(days=offer_days()),
                )
        except IntegrityError:
            return None
    logger.info("revenue.offer_made", offer_id=str(offer.id), kind=kind)
    return offer_view(offer, now=now)


def _locked_own_offer(*, offer_id: uuid.UUID, user_id: uuid.UUID) -> UpgradeOffer:
    offer = UpgradeOffer.objects.select_for_update().filter(id=offer_id, user_id=user_id).first()
    if offer is None:
        raise OfferNotFound()
    return offer


def offer_accept(*, offer_id: uuid.UUID, user_id: uuid.UUID, now: dt.datetime | None = None) -> OfferView:
    """Accepts the learner's own offer (see public.offer_accept); refusals change nothing."""
    from azora.revenue.public import subscription_trial_grant

    now = now or timezone.now()
    with transaction.atomic():
        offer = _locked_own_offer(offer_id=offer_id, user_id=user_id)
        if offer.status == OfferStatus.ACCEPTED:
            return offer_view(offer, now=now)
        if offer.status == OfferStatus.EXPIRED or offer.expires_at <= now:
            raise OfferExpired(extra={"expired_at": offer.expires_at.isoformat()})
        if offer.trial_days:
            # The trial is the offer's use: granted in this transaction, so a refused grant accepts nothing.
            subscription = subscription_trial_grant(
                user_id=user_id, plan_code=offer.plan_code, days=offer.trial_days, reason=f"offer:{offer.id}"
            )
            offer.used_reference = f"subscription:{subscription.id}"
        offer.status = OfferStatus.ACCEPTED
        offer.accepted_at = now
        offer.save(update_fields=["status", "accepted_at", "used_reference", "updated_at"])
    logger.info("revenue.offer_accepted", offer_id=str(offer.id), kind=offer.kind)
    return offer_view(offer, now=now)


def offer_mark_accepted(
    *, offer_id: uuid.UUID, user_id: uuid.UUID, reference: str, now: dt.datetime | None = None
) -> OfferView:
    """Checkout used the discount offer for order `reference` (see public.offer_mark_accepted)."""
    now = now or timezone.now()
    with transaction.atomic():
        offer = _locked_own_offer(offer_id=offer_id, user_id=user_id)
        if offer.used_reference == reference:
            return offer_view(offer, now=now)
        if not offer.percent_off_bp:
            raise OfferNotADiscount()
        if offer.used_reference:
            raise OfferAlreadyUsed(extra={"used_reference": offer.used_reference})
        if offer.status == OfferStatus.EXPIRED or offer.expires_at <= now:
            raise OfferExpired(extra={"expired_at": offer.expires_at.isoformat()})
        if offer.status == OfferStatus.ACTIVE:
            offer.status = OfferStatus.ACCEPTED
            offer.accepted_at = now
        offer.used_reference = reference
        offer.save(update_fields=["status", "accepted_at", "used_reference", "updated_at"])
    return offer_view(offer, now=now)


def offer_release(*, offer_id: uuid.UUID, user_id: uuid.UUID, reference: str) -> bool:
    """The order `reference` that used the discount offer failed before any charge succeeded: the offer is unused
    again and discounts the learner's next order while it lasts (see public.offer_release). Its status stays as it
    was (accepted: the learner did choose it). Another order's use is left alone; returns whether it was released."""
    with transaction.atomic():
        offer = UpgradeOffer.objects.select_for_update().filter(id=offer_id, user_id=user_id).first()
        if offer is None or not reference or offer.used_reference != reference:
            return False
        offer.used_reference = ""
        offer.save(update_fields=["used_reference", "updated_at"])
    logger.info("revenue.offer_released", offer_id=str(offer_id), reference=reference)
    return True


def offers_expire_due(*, now: dt.datetime | None = None) -> int:
    """Active offers past their expiry become expired; returns how many (safe to run any number of times)."""
    now = now or timezone.now()
    return UpgradeOffer.objects.filter(status=OfferStatus.ACTIVE, expires_at__lte=now).update(
        status=OfferStatus.EXPIRED, updated_at=now
    )
