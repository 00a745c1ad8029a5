"""Reading contracts, milestones, disputes and reviews: parties-only (admins too), as frozen views."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

import azora.accounts.public as accounts
from azora.marketplace import errors
from azora.marketplace.models import (
    Contract,
    Dispute,
    DisputeStatus,
    Milestone,
    MilestoneStatus,
    Review,
    ReviewSide,
)
from azora.marketplace.public.views import (
    ContractView,
    DisputeView,
    MilestoneView,
    RatingSummary,
    ReviewView,
)
from azora.marketplace.services.escrow import HELD_STATUSES
from azora.marketplace.services.reviews import PAID_STATUSES
from azora.shared.money import Money
from azora.shared.pagination import Page, paginate_queryset

ADMIN_ROLE = "platform_admin"
MAX_CONTRACTS = 200
MAX_DISPUTES = 200
MAX_REVIEWS = 200


def _is_admin(user_id: uuid.UUID) -> bool:
    return accounts.user_has_platform_role(user_id=user_id, role=ADMIN_ROLE)


def _names(user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    profiles = accounts.user_profiles(user_ids=set(user_ids))
    return {user_id: profile.display_name for user_id, profile in profiles.items()}


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related("listing").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.select_related("dispute").order_by("position")),
        Prefetch("reviews", queryset=Review.objects.order_by("id")),
    )


def dispute_view(dispute: Dispute, *, contract: Contract) -> DisputeView:
    return DisputeView(
        id=dispute.id,
        milestone_id=dispute.milestone_id,
        contract_id=contract.id,
        opened_by=dispute.opened_by_id,
        reason=dispute.reason,
        status=dispute.status,
        resolution=dispute.resolution,
        seller_amount=Money(dispute.seller_amount_minor, contract.currency)
        if dispute.seller_amount_minor is not None
        else None,
        decision_note=dispute.decision_note,
        resolved_by=dispute.resolved_by_id,
        resolved_at=dispute.resolved_at,
        created_at=dispute.created_at,
    )


def _dispute_of(milestone: Milestone) -> Dispute | None:
    try:
        return milestone.dispute
    except Dispute.DoesNotExist:
        return None


def milestone_view(milestone: Milestone, *, contract: Contract) -> MilestoneView:
    currency = contract.currency
    dispute = _dispute_of(milestone)
    taken = milestone.status in (MilestoneStatus.RELEASED, MilestoneStatus.SPLIT)
    return MilestoneView(
        id=milestone.id,
        contract_id=contract.id,
        position=milestone.position,
        title=milestone.title,
        amount=Money(milestone.amount_minor, currency),
        fee=Money(milestone.fee_minor if taken else 0, currency),
        status=milestone.status,
        funding_source=milestone.funding_source,
        payment_intent_id=milestone.payment_intent_id,
        funded_at=milestone.funded_at,
        submitted_at=milestone.submitted_at,
        submission_note=milestone.submission_note,
        auto_release_at=milestone.auto_release_at,
        released_at=milestone.released_at,
        dispute=dispute_view(dispute, contract=contract) if dispute is not None else None,
    )


def review_view(review: Review, *, names: dict[uuid.UUID, str]) -> ReviewView:
    return ReviewView(
        id=review.id,
        contract_id=review.contract_id,
        author_id=review.author_id,
        author_name=names.get(review.author_id, ""),
        subject_id=review.subject_id,
        side=review.side,
        rating=review.rating,
        text=review.text,
        is_published=review.published_at is not None,
        created_at=review.created_at,
    )


def _seller_got(milestone: Milestone) -> int:
    """What the seller received for the milestone after the fee (a split: the seller's part minus its fee)."""
    if milestone.status == MilestoneStatus.RELEASED:
        return milestone.amount_minor - milestone.fee_minor
    if milestone.status == MilestoneStatus.SPLIT:
        dispute = _dispute_of(milestone)
        part = dispute.seller_amount_minor if dispute is not None and dispute.seller_amount_minor else 0
        return part - milestone.fee_minor
    return 0


def contract_view(contract: Contract, *, viewer_id: uuid.UUID, names: dict[uuid.UUID, str]) -> ContractView:
    milestones = list(contract.milestones.all())
    reviews = [
        review for review in contract.reviews.all() if review.author_id == viewer_id or review.published_at is not None
    ]
    is_party = viewer_id in (contract.client_id, contract.seller_id)
    ended = contract.status == "completed" or (
        contract.status == "canceled" and any(milestone.status in PAID_STATUSES for milestone in milestones)
    )
    viewer_side = ReviewSide.CLIENT if viewer_id == contract.client_id else ReviewSide.SELLER
    currency = contract.currency
    return ContractView(
        id=contract.id,
        listing_id=contract.listing_id,
        listing_title=contract.listing.title,
        application_id=contract.application_id,
        client_id=contract.client_id,
        client_name=names.get(contract.client_id, ""),
        seller_id=contract.seller_id,
        seller_name=names.get(contract.seller_id, ""),
        total=Money(contract.total_minor, currency),
        fee_bp=contract.fee_bp,
        status=contract.status,
        created_at=contract.created_at,
        ended_at=contract.ended_at,
        milestones=tuple(milestone_view(milestone, contract=contract) for milestone in milestones),
        held=Money(sum(m.amount_minor for m in milestones if m.status in HELD_STATUSES), currency),
        released=Money(sum(_seller_got(m) for m in milestones), currency),
        reviews=tuple(review_view(review, names=names) for review in reviews),
        viewer_may_review=is_party
        and ended
        and not any(review.side == viewer_side for review in contract.reviews.all()),
    )


def _may_view(contract: Contract, viewer_id: uuid.UUID) -> bool:
    return viewer_id in (contract.client_id, contract.seller_id) or _is_admin(viewer_id)


def contract_get(*, viewer_id: uuid.UUID, contract_id: uuid.UUID) -> ContractView:
    contract = _contracts().filter(id=contract_id).first()
    if contract is None or not _may_view(contract, viewer_id):
        raise errors.ContractNotFound()
    authors = {review.author_id for review in contract.reviews.all()}
    return contract_view(
        contract, viewer_id=viewer_id, names=_names({contract.client_id, contract.seller_id, *authors})
    )


def contract_id_of_milestone(*, milestone_id: uuid.UUID) -> uuid.UUID | None:
    return Milestone.objects.filter(id=milestone_id).values_list("contract_id", flat=True).first()


def milestone_get(*, viewer_id: uuid.UUID, milestone_id: uuid.UUID) -> MilestoneView:
    milestone = Milestone.objects.select_related("contract", "dispute").filter(id=milestone_id).first()
    if milestone is None or not _may_view(milestone.contract, viewer_id):
        raise errors.MilestoneNotFound()
    return milestone_view(milestone, contract=milestone.contract)


def contracts_of_user(*, user_id: uuid.UUID) -> list[ContractView]:
    """The user's contracts as client or seller, newest first (a fixed number of queries)."""
    contracts = list(_contracts().filter(Q(client_id=user_id) | Q(seller_id=user_id)).order_by("-id")[:MAX_CONTRACTS])
    people: set[uuid.UUID] = set()
    for contract in contracts:
        people |= {contract.client_id, contract.seller_id, *(r.author_id for r in contract.reviews.all())}
    names = _names(people)
    return [contract_view(contract, viewer_id=user_id, names=names) for contract in contracts]


def contracts_page_of_user(*, user_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> Page[ContractView]:
    """One page of the user's contracts, newest first (keyset cursor); a fixed number of queries per page."""
    page = paginate_queryset(
        _contracts().filter(Q(client_id=user_id) | Q(seller_id=user_id)),
        cursor=cursor,
        limit=limit,
        ordering=("-id",),
        to_item=lambda contract: contract,
    )
    people: set[uuid.UUID] = set()
    for contract in page.items:
        people |= {contract.client_id, contract.seller_id, *(r.author_id for r in contract.reviews.all())}
    names = _names(people)
    return Page(
        items=[contract_view(contract, viewer_id=user_id, names=names) for contract in page.items],
        next_cursor=page.next_cursor,
    )


def _disputes(*, admin_id: uuid.UUID, status: str | None) -> QuerySet[Dispute]:
    if not _is_admin(admin_id):
        raise errors.DisputesAdminOnly()
    disputes = Dispute.objects.select_related("milestone__contract")
    if status:
        if status not in DisputeStatus.values:
            raise errors.ResolutionInvalid("The status is open or resolved.")
        disputes = disputes.filter(status=status)
    return disputes


def disputes_list(*, admin_id: uuid.UUID, status: str | None = "open") -> list[DisputeView]:
    disputes = _disputes(admin_id=admin_id, status=status).order_by("-id")
    return [dispute_view(d, contract=d.milestone.contract) for d in disputes[:MAX_DISPUTES]]


def disputes_page(
    *, admin_id: uuid.UUID, status: str | None = "open", cursor: str | None = None, limit: int = 50
) -> Page[DisputeView]:
    return paginate_queryset(
        _disputes(admin_id=admin_id, status=status),
        cursor=cursor,
        limit=limit,
        ordering=("-id",),
        to_item=lambda d: dispute_view(d, contract=d.milestone.contract),
    )


def dispute_get(*, viewer_id: uuid.UUID, dispute_id: uuid.UUID) -> DisputeView:
    dispute = Dispute.objects.select_related("milestone__contract").filter(id=dispute_id).first()
    if dispute is None or not _may_view(dispute.milestone.contract, viewer_id):
        raise errors.DisputeNotFound()
    return dispute_view(dispute, contract=dispute.milestone.contract)


def review_get(*, review_id: uuid.UUID) -> ReviewView:
    review = Review.objects.get(id=review_id)
    return review_view(review, names=_names({review.author_id}))


def reviews_of_user(*, user_id: uuid.UUID) -> list[ReviewView]:
    """Published reviews about the user, newest first."""
    reviews = list(
        Review.objects.filter(subject_id=user_id, published_at__isnull=False).order_by("-published_at", "-id")[
            :MAX_REVIEWS
        ]
    )
    names = _names({review.author_id for review in reviews})
    return [review_view(review, names=names) for review in reviews]


def rating_summary(*, user_id: uuid.UUID) -> RatingSummary:
    """The average (one decimal, half up) and count of the published reviews about the user."""
    row = Review.objects.filter(subject_id=user_id, published_at__isnull=False).aggregate(
        total=Sum("rating"), count=Count("id")
    )
    if not row["count"]:
        return RatingSummary(average=None, count=0)
    # Exact: integer total over count, rounded once (half up) to one decimal.
    average = (Decimal(int(row["total"])) / Decimal(int(row["count"]))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return RatingSummary(average=float(average), count=int(row["count"]))
