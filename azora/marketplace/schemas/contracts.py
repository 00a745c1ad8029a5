"""Request and response schemas of the marketplace contracts API: contracts, milestones, disputes, reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.marketplace.public.views import (
    ContractView,
    DisputeView,
    FundResult,
    MilestoneView,
    RatingSummary,
    ReviewView,
)
from azora.shared.schemas import AmountOut, StrictIn, amount_out


class CardIn(StrictIn):
    """A card as the sandbox takes it (4242424242424242 succeeds); never stored by Azora."""

    number: str = Field(min_length=12, max_length=23)
    exp_month: str = Field(min_length=1, max_length=2)
    exp_year: str = Field(min_length=2, max_length=4)
    cvc: str = Field(min_length=3, max_length=4)


class MilestoneFundIn(StrictIn):
    source: Literal["wallet", "card"]
    card: CardIn | None = None
    saved_method_id: uuid.UUID | None = Field(default=None, description="A saved card (payments API).")


class MilestoneSubmitIn(StrictIn):
    note: str = Field(default="", max_length=5000)


class ReasonIn(StrictIn):
    reason: str = Field(default="", max_length=5000)


class DisputeResolveIn(StrictIn):
    resolution: Literal["release", "refund", "split"]
    seller_amount: str | None = Field(
        default=None, description='Split only: what the seller gets before the fee, e.g. "800.00".'
    )
    note: str = Field(default="", max_length=5000)


class ReviewCreateIn(StrictIn):
    rating: int = Field(ge=1, le=5)
    text: str = Field(default="", max_length=5000)


class DisputeOut(Schema):
    id: uuid.UUID
    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    opened_by: uuid.UUID
    reason: str
    status: str
    resolution: str
    seller_amount: AmountOut | None
    decision_note: str
    resolved_by: uuid.UUID | None
    resolved_at: datetime | None
    created_at: datetime

    @staticmethod
    def of(view: DisputeView) -> DisputeOut:
        return DisputeOut(
            id=view.id,
            milestone_id=view.milestone_id,
            contract_id=view.contract_id,
            opened_by=view.opened_by,
            reason=view.reason,
            status=view.status,
            resolution=view.resolution,
            seller_amount=amount_out(view.seller_amount) if view.seller_amount is not None else None,
            decision_note=view.decision_note,
            resolved_by=view.resolved_by,
            resolved_at=view.resolved_at,
            created_at=view.created_at,
        )


class ContractMilestoneOut(Schema):
    id: uuid.UUID
    contract_id: uuid.UUID
    position: int
    title: str
    amount: AmountOut
    fee: AmountOut = Field(description="The marketplace fee taken on release (zero before).")
    status: str
    funding_source: str
    payment_intent_id: uuid.UUID | None
    funded_at: datetime | None
    submitted_at: datetime | None
    submission_note: str
    auto_release_at: datetime | None
    released_at: datetime | None
    dispute: DisputeOut | None

    @staticmethod
    def of(view: MilestoneView) -> ContractMilestoneOut:
        return ContractMilestoneOut(
            id=view.id,
            contract_id=view.contract_id,
            position=view.position,
            title=view.title,
            amount=amount_out(view.amount),
            fee=amount_out(view.fee),
            status=view.status,
            funding_source=view.funding_source,
            payment_intent_id=view.payment_intent_id,
            funded_at=view.funded_at,
            submitted_at=view.submitted_at,
            submission_note=view.submission_note,
            auto_release_at=view.auto_release_at,
            released_at=view.released_at,
            dispute=DisputeOut.of(view.dispute) if view.dispute is not None else None,
        )


class ReviewOut(Schema):
    id: uuid.UUID
    contract_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str
    subject_id: uuid.UUID
    side: str
    rating: int
    text: str
    is_published: bool
    created_at: datetime

    @staticmethod
    def of(view: ReviewView) -> ReviewOut:
        return ReviewOut(
            id=view.id,
            contract_id=view.contract_id,
            author_id=view.author_id,
            author_name=view.author_name,
            subject_id=view.subject_id,
            side=view.side,
            rating=view.rating,
            text=view.text,
            is_published=view.is_published,
            created_at=view.created_at,
        )


class ContractOut(Schema):
    id: uuid.UUID
    listing_id: uuid.UUID
    listing_title: str
    application_id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    seller_id: uuid.UUID
    seller_name: str
    total: AmountOut
    fee_bp: int
    status: str
    created_at: datetime
    ended_at: datetime | None
    milestones: list[ContractMilestoneOut]
    held: AmountOut = Field(description="In escrow now.")
    released: AmountOut = Field(description="Paid to the seller so far, after fees.")
    reviews: list[ReviewOut]
    viewer_may_review: bool

    @staticmethod
    def of(view: ContractView) -> ContractOut:
        return ContractOut(
            id=view.id,
            listing_id=view.listing_id,
            listing_title=view.listing_title,
            application_id=view.application_id,
            client_id=view.client_id,
            client_name=view.client_name,
            seller_id=view.seller_id,
            seller_name=view.seller_name,
            total=amount_out(view.total),
            fee_bp=view.fee_bp,
            status=view.status,
            created_at=view.created_at,
            ended_at=view.ended_at,
            milestones=[ContractMilestoneOut.of(milestone) for milestone in view.milestones],
            held=amount_out(view.held),
            released=amount_out(view.released),
            reviews=[ReviewOut.of(review) for review in view.reviews],
            viewer_may_review=view.viewer_may_review,
        )


class ContractPageOut(Schema):
    items: list[ContractOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class DisputePageOut(Schema):
    items: list[DisputeOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class FundOut(Schema):
    milestone: ContractMilestoneOut
    payment_intent_id: uuid.UUID | None
    payment_status: str = Field(description='"" for a wallet; the intent\'s status for a card.')
    next_action_url: str = Field(description="A 3-D Secure challenge page to visit, or empty.")
    failure_message: str

    @staticmethod
    def of(result: FundResult) -> FundOut:
        return FundOut(
            milestone=ContractMilestoneOut.of(result.milestone),
            payment_intent_id=result.payment_intent_id,
            payment_status=result.payment_status,
            next_action_url=result.next_action_url,
            failure_message=result.failure_message,
        )


class ReviewRatingOut(Schema):
    average: float | None
    count: int

    @staticmethod
    def of(summary: RatingSummary) -> ReviewRatingOut:
        return ReviewRatingOut(average=summary.average, count=summary.count)


class UserReviewsOut(Schema):
    rating: ReviewRatingOut
    items: list[ReviewOut]
