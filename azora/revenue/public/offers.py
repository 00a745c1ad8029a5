"""The revenue engine's public functions for upgrade offers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from azora.shared.errors import Conflict, NotFound

__all__ = [
    "OfferAcceptanceMonth",
    "OfferAlreadyUsed",
    "OfferExpired",
    "OfferNotADiscount",
    "OfferNotFound",
    "OfferView",
    "offer_accept",
    "offer_acceptance_report",
    "offer_discount_for",
    "offer_mark_accepted",
    "offer_release",
    "offers_of",
]


@dataclass(frozen=True, slots=True)
class OfferView:
    """An upgrade offer as its learner sees it. `status` is "expired" as soon as `expires_at` has passed, even
    before the expiry job has run. A discount offer has `percent_off_bp` (5000 = 50%), a trial `trial_days`."""

    id: uuid.UUID
    user_id: uuid.UUID
    kind: str  # progress, first_pass or completion
    status: str  # active, accepted or expired
    plan_code: str
    percent_off_bp: int
    trial_days: int
    course_id: uuid.UUID | None
    expires_at: datetime
    accepted_at: datetime | None
    used_reference: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OfferAcceptanceMonth:
    """Offers made in one UTC month and how many of them were accepted (rate in basis points, 0 when none)."""

    month: date
    offered: int
    accepted: int
    rate_bp: int


class OfferNotFound(NotFound):
    """Also for another learner's offer, so that offers cannot be probed."""

    code = "offer_not_found"
    title = "No such offer."


class OfferExpired(Conflict):
    code = "offer_expired"
    title = "This offer has expired."


class OfferAlreadyUsed(Conflict):
    code = "offer_already_used"
    title = "This offer was already used for another order."


class OfferNotADiscount(Conflict):
    code = "offer_not_a_discount"
    title = "This offer is a trial, not a discount a checkout can apply."


def offers_of(*, user_id: uuid.UUID) -> list[OfferView]:
    """The learner's offers, newest first (at most one of each kind, so a short list)."""
    from azora.revenue.selectors import offers

    return offers.offers_of(user_id=user_id)


def offer_accept(*, offer_id: uuid.UUID, user_id: uuid.UUID) -> OfferView:
    """Accepts the learner's own active offer: a trial starts PRO for its days at once (subscriptions'
    trial grant, same transaction); a discount is kept for the learner's next checkout of the plan.
    OfferNotFound (someone else's or unknown), OfferExpired; accepting an accepted offer returns it unchanged."""
    from azora.revenue.services import offers

    return offers.offer_accept(offer_id=offer_id, user_id=user_id)


def offer_discount_for(*, user_id: uuid.UUID, plan_code: str) -> tuple[uuid.UUID, int] | None:
    """(offer id, percent off in basis points) of the learner's unexpired, unused discount offer for `plan_code`
    (active or accepted), for checkout to apply; None when there is none."""
    from azora.revenue.selectors import offers

    return offers.offer_discount_for(user_id=user_id, plan_code=plan_code)


def offer_mark_accepted(*, offer_id: uuid.UUID, user_id: uuid.UUID, reference: str) -> OfferView:
    """Checkout used the discount offer for order `reference` (call inside checkout's transaction): accepted and
    used. The same reference again returns it; another reference raises OfferAlreadyUsed; a trial offer
    OfferNotADiscount; OfferNotFound, OfferExpired as for accepting."""
    from azora.revenue.services import offers

    return offers.offer_mark_accepted(offer_id=offer_id, user_id=user_id, reference=reference)


def offer_release(*, offer_id: uuid.UUID, user_id: uuid.UUID, reference: str) -> bool:
    """Give the discount offer back after order `reference`, which used it, failed before any charge succeeded (a
    declined first charge): unused again until its own expiry. Returns whether anything changed."""
    from azora.revenue.services import offers

    return offers.offer_release(offer_id=offer_id, user_id=user_id, reference=reference)


def offer_acceptance_report(*, start: date, end: date) -> list[OfferAcceptanceMonth]:
    """One row per UTC month from `start`'s month to `end`'s month (both included, months without offers too):
    offers made that month and how many were accepted (by now)."""
    from azora.revenue.selectors import offers

    return offers.offer_acceptance_report(start=start, end=end)
