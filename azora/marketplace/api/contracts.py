"""The marketplace contracts API: contracts, escrow funding, submit, release, disputes and reviews (/api/v1).

Only the parties see or act on a contract (platform admins see it and decide disputes); anyone else gets 404.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

from azora.accounts.public import request_user_id
from azora.marketplace.public import contracts
from azora.marketplace.schemas.contracts import (
    ContractMilestoneOut,
    ContractOut,
    ContractPageOut,
    DisputeOut,
    DisputePageOut,
    DisputeResolveIn,
    FundOut,
    MilestoneFundIn,
    MilestoneSubmitIn,
    ReasonIn,
    ReviewCreateIn,
    ReviewOut,
    ReviewRatingOut,
    UserReviewsOut,
)
from azora.shared.pagination import PageParams

router = Router()

__all__ = ["router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no marketplace scope, so money moves need a person."""
    return request_user_id(request, scope="marketplace")


@router.get("/contracts/{uuid:contract_id}", response=ContractOut, summary="One contract (its parties and admins)")
def contract_get(request: HttpRequest, contract_id: uuid.UUID) -> ContractOut:
    return ContractOut.of(contracts.contract_get(viewer_id=_user_id(request), contract_id=contract_id))


@router.get("/me/contracts", response=ContractPageOut, summary="My contracts as client or seller, newest first")
def my_contracts(request: HttpRequest, page: Query[PageParams]) -> ContractPageOut:
    result = contracts.contracts_page_of_user(user_id=_user_id(request), cursor=page.cursor, limit=page.limit)
    return ContractPageOut(items=[ContractOut.of(view) for view in result.items], next_cursor=result.next_cursor)


@router.post(
    "/contracts/{uuid:contract_id}/cancel",
    response=ContractOut,
    summary="Cancel an active contract (either party): every unreleased hold is voided",
)
def contract_cancel(request: HttpRequest, contract_id: uuid.UUID, payload: ReasonIn) -> ContractOut:
    view = contracts.contract_cancel(actor_id=_user_id(request), contract_id=contract_id, reason=payload.reason)
    return ContractOut.of(view)


@router.post(
    "/milestones/{uuid:milestone_id}/fund",
    response=FundOut,
    summary="Put a milestone's amount in escrow (the client): from the wallet, or by card into the wallet first",
)
def milestone_fund(request: HttpRequest, milestone_id: uuid.UUID, payload: MilestoneFundIn) -> FundOut:
    card = None
    if payload.card is not None:
        card = {"type": "card", **payload.card.model_dump()}
    result = contracts.milestone_fund(
        actor_id=_user_id(request),
        milestone_id=milestone_id,
        source=payload.source,
        payment_method=card,
        saved_method_id=payload.saved_method_id,
    )
    return FundOut.of(result)


@router.post(
    "/milestones/{uuid:milestone_id}/submit", response=ContractMilestoneOut, summary="Hand in the work (the seller)"
)
def milestone_submit(request: HttpRequest, milestone_id: uuid.UUID, payload: MilestoneSubmitIn) -> ContractMilestoneOut:
    view = contracts.milestone_submit(actor_id=_user_id(request), milestone_id=milestone_id, note=payload.note)
    return ContractMilestoneOut.of(view)


@router.post(
    "/milestones/{uuid:milestone_id}/release",
    response=ContractMilestoneOut,
    summary="Release the held money to the seller, minus the marketplace fee (the client)",
)
def milestone_release(request: HttpRequest, milestone_id: uuid.UUID) -> ContractMilestoneOut:
    return ContractMilestoneOut.of(contracts.milestone_release(actor_id=_user_id(request), milestone_id=milestone_id))


@router.post(
    "/milestones/{uuid:milestone_id}/dispute",
    response={201: DisputeOut},
    summary="Dispute a funded or submitted milestone (either party); an admin decides",
)
def milestone_dispute(request: HttpRequest, milestone_id: uuid.UUID, payload: ReasonIn) -> Status[DisputeOut]:
    view = contracts.milestone_dispute(actor_id=_user_id(request), milestone_id=milestone_id, reason=payload.reason)
    return Status(201, DisputeOut.of(view))


@router.get("/disputes", response=DisputePageOut, summary="Disputes, newest first (platform admins)")
def disputes_list(request: HttpRequest, page: Query[PageParams], status: str = "open") -> DisputePageOut:
    result = contracts.disputes_page(
        admin_id=_user_id(request), status=status or None, cursor=page.cursor, limit=page.limit
    )
    return DisputePageOut(items=[DisputeOut.of(view) for view in result.items], next_cursor=result.next_cursor)


@router.post(
    "/disputes/{uuid:dispute_id}/resolve",
    response=DisputeOut,
    summary="Decide a dispute as release, refund or split (platform admins)",
)
def dispute_resolve(request: HttpRequest, dispute_id: uuid.UUID, payload: DisputeResolveIn) -> DisputeOut:
    view = contracts.dispute_resolve(
        admin_id=_user_id(request),
        dispute_id=dispute_id,
        resolution=payload.resolution,
        seller_amount=payload.seller_amount,
        note=payload.note,
    )
    return DisputeOut.of(view)


@router.post(
    "/contracts/{uuid:contract_id}/reviews",
    response={201: ReviewOut},
    summary="Review the other party of an ended contract (once per side; hidden until both are in or 14 days pass)",
)
def review_create(request: HttpRequest, contract_id: uuid.UUID, payload: ReviewCreateIn) -> Status[ReviewOut]:
    view = contracts.review_create(
        author_id=_user_id(request), contract_id=contract_id, rating=payload.rating, text=payload.text
    )
    return Status(201, ReviewOut.of(view))


@router.get(
    "/users/{uuid:user_id}/reviews",
    response=UserReviewsOut,
    summary="Published reviews about a person, newest first, with their average rating",
)
def user_reviews(request: HttpRequest, user_id: uuid.UUID) -> UserReviewsOut:
    _user_id(request)
    return UserReviewsOut(
        rating=ReviewRatingOut.of(contracts.rating_summary_of_user(user_id=user_id)),
        items=[ReviewOut.of(view) for view in contracts.reviews_of_user(user_id=user_id)],
    )
