"""The events Azora Marketplace publishes (past tense; append-only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

from azora.shared.events import DomainEvent
from azora.shared.money import Money

# --- Listings and skills ---


@dataclass(frozen=True, kw_only=True)
class ListingPublished(DomainEvent):
    event_type: ClassVar[str] = "marketplace.listing_published"

    listing_id: uuid.UUID
    poster_id: uuid.UUID
    kind: str


@dataclass(frozen=True, kw_only=True)
class ListingStatusChanged(DomainEvent):
    """Paused, reopened, filled, closed or expired."""

    event_type: ClassVar[str] = "marketplace.listing_status_changed"

    listing_id: uuid.UUID
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class SkillVerified(DomainEvent):
    """A certificate vouched for a skill of a person."""

    event_type: ClassVar[str] = "marketplace.skill_verified"

    user_id: uuid.UUID
    skill_id: uuid.UUID
    certificate_id: uuid.UUID


# --- Applications ---


@dataclass(frozen=True, kw_only=True)
class ApplicationSubmitted(DomainEvent):
    event_type: ClassVar[str] = "marketplace.application_submitted"

    application_id: uuid.UUID
    listing_id: uuid.UUID
    applicant_id: uuid.UUID
    poster_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ApplicationStatusChanged(DomainEvent):
    event_type: ClassVar[str] = "marketplace.application_status_changed"

    application_id: uuid.UUID
    listing_id: uuid.UUID
    applicant_id: uuid.UUID
    actor_id: uuid.UUID
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class ApplicationMessageSent(DomainEvent):
    """A message in an application's thread; `recipient_id` is the other party (for a notification)."""

    event_type: ClassVar[str] = "marketplace.application_message_sent"

    message_id: uuid.UUID
    application_id: uuid.UUID
    sender_id: uuid.UUID
    recipient_id: uuid.UUID


# --- Contracts, escrow, disputes and reviews ---


@dataclass(frozen=True, kw_only=True)
class ContractCreated(DomainEvent):
    event_type: ClassVar[str] = "marketplace.contract_created"

    contract_id: uuid.UUID
    listing_id: uuid.UUID
    client_id: uuid.UUID
    seller_id: uuid.UUID
    total: Money


@dataclass(frozen=True, kw_only=True)
class MilestoneFunded(DomainEvent):
    event_type: ClassVar[str] = "marketplace.milestone_funded"

    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    amount: Money
    hold_transfer_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MilestoneSubmitted(DomainEvent):
    event_type: ClassVar[str] = "marketplace.milestone_submitted"

    milestone_id: uuid.UUID
    contract_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class MilestoneReleased(DomainEvent):
    """The hold posted: the seller got `amount - fee`, the platform `fee`. `automatic` after the review period."""

    event_type: ClassVar[str] = "marketplace.milestone_released"

    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    seller_id: uuid.UUID
    amount: Money
    fee: Money
    automatic: bool


@dataclass(frozen=True, kw_only=True)
class MilestoneRefunded(DomainEvent):
    event_type: ClassVar[str] = "marketplace.milestone_refunded"

    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    amount: Money


@dataclass(frozen=True, kw_only=True)
class DisputeOpened(DomainEvent):
    event_type: ClassVar[str] = "marketplace.dispute_opened"

    dispute_id: uuid.UUID
    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    opened_by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class DisputeResolved(DomainEvent):
    event_type: ClassVar[str] = "marketplace.dispute_resolved"

    dispute_id: uuid.UUID
    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    resolution: str  # release | refund | split
    seller_amount: Money
    resolved_by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ContractEnded(DomainEvent):
    event_type: ClassVar[str] = "marketplace.contract_ended"

    contract_id: uuid.UUID
    status: str  # completed | canceled


@dataclass(frozen=True, kw_only=True)
class ReviewPublished(DomainEvent):
    event_type: ClassVar[str] = "marketplace.review_published"

    review_id: uuid.UUID
    contract_id: uuid.UUID
    subject_id: uuid.UUID
    rating: int
