"""Two-sided reviews of ended contracts: written once per side, checked by the constitution, published blind."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

import azora.constitution.public as constitution
from azora.marketplace import errors
from azora.marketplace.config import marketplace_config
from azora.marketplace.events import ReviewPublished
from azora.marketplace.models import Contract, ContractStatus, MilestoneStatus, Review, ReviewSide
from azora.marketplace.services import escrow
from azora.shared.events import publish

logger = structlog.get_logger(__name__)

MAX_REVIEW_LENGTH = 5_000
# A canceled contract is reviewable only when some work was paid for.
PAID_STATUSES = frozenset({MilestoneStatus.RELEASED, MilestoneStatus.SPLIT})


def contract_has_ended_for_reviews(contract: Contract) -> bool:
    """Completed, or canceled after at least one milestone paid the seller."""
    if contract.status == ContractStatus.COMPLETED:
        return True
    if contract.status == ContractStatus.CANCELED:
        return contract.milestones.filter(status__in=PAID_STATUSES).exists()
    return False


def side_of(contract: Contract, user_id: uuid.UUID) -> str:
    return ReviewSide.CLIENT if user_id == contract.client_id else ReviewSide.SELLER


def review_create(*, author_id: uuid.UUID, contract_id: uuid.UUID, rating: int, text: str = "") -> uuid.UUID:
    """One review per side, after the contract ended. The text goes through the constitution's output rails
    first (outside the transaction, so the audit keeps its decision even when the review is refused): personal
    data is redacted; a refused text is ReviewRejected and nothing is written here."""
    contract = Contract.objects.filter(id=contract_id).first()
    if contract is None:
        raise errors.ContractNotFound()
    escrow.require_party(contract, author_id, role=None, missing=errors.ContractNotFound)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise errors.RatingInvalid()
    cleaned = text.strip() if isinstance(text, str) else ""
    if len(cleaned) > MAX_REVIEW_LENGTH:
        raise errors.ReviewRejected(f"A review is at most {MAX_REVIEW_LENGTH} characters.")
    if not contract_has_ended_for_reviews(contract):
        raise errors.ContractNotEnded()
    side = side_of(contract, author_id)
    if Review.objects.filter(contract=contract, side=side).exists():
        raise errors.AlreadyReviewed()
    if cleaned:
        result = constitution.text_validate(
            text=cleaned, role="output", user_id=author_id, purpose="marketplace_review"
        )
        # Allow and redact keep the (redacted) text; refuse or revise (abuse, hazards) reject the review: there is
        # no model here to revise a person's words.
        if result.action not in (constitution.Action.ALLOW, constitution.Action.REDACT):
            raise errors.ReviewRejected(extra={"violations": list(result.violations)})
        cleaned = result.text
    now = timezone.now()
    ended_at = contract.ended_at or now
    publish_after = ended_at + dt.timedelta(days=marketplace_config().review_blind_days)
    try:
        with transaction.atomic():
            locked = Contract.objects.select_for_update().get(id=contract_id)
            review = Review.objects.create(
                contract=locked,
                author_id=author_id,
                subject_id=locked.seller_id if side == ReviewSide.CLIENT else locked.client_id,
                side=side,
                rating=rating,
                text=cleaned,
                publish_after=publish_after,
            )
            other = Review.objects.filter(contract=locked, published_at__isnull=True).exclude(id=review.id)
            if other.exists() or publish_after <= now:
                # Both sides are in (or the blind period is already over): neither can be swayed by the other now.
                for hidden in [review, *other]:
                    _publish(hidden, now)
    except IntegrityError as error:
        # The same side reviewed in a concurrent request: the unique constraint refused the second.
        raise errors.AlreadyReviewed() from error
    logger.info("review_created", review_id=str(review.id), contract_id=str(contract_id), side=side)
    return review.id


def _publish(review: Review, now: dt.datetime) -> None:
    review.published_at = now
    review.save(update_fields=["published_at", "updated_at"])
    publish(
        ReviewPublished(
            review_id=review.id, contract_id=review.contract_id, subject_id=review.subject_id, rating=review.rating
        )
    )


def reviews_publish_due(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Publishes the hidden reviews whose blind period has passed (the other side never wrote one)."""
    now = now or timezone.now()
    published = 0
    with transaction.atomic():
        due = list(
            Review.objects.select_for_update()
            .filter(published_at__isnull=True, publish_after__lte=now)
            .order_by("publish_after", "id")[:batch]
        )
        for review in due:
            _publish(review, now)
            published += 1
    if published:
        logger.info("reviews_published", count=published)
    return published
