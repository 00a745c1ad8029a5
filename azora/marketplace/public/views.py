"""The frozen views the marketplace hands to other apps and portals; no model instance crosses the boundary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from azora.shared.money import Money

__all__ = [
    "ApplicationView",
    "ContractView",
    "DisputeView",
    "FacetCount",
    "FundResult",
    "ListingMatchView",
    "ListingPage",
    "ListingSkillInput",
    "ListingSkillView",
    "ListingView",
    "MatchView",
    "MessageView",
    "MilestoneInput",
    "MilestoneView",
    "ProfileView",
    "RatingSummary",
    "ReviewView",
    "SkillView",
    "TransitionView",
    "UserSkillView",
]

# --- Skills and profiles ---


@dataclass(frozen=True, slots=True)
class SkillView:
    id: uuid.UUID
    name: str
    slug: str
    category: str
    aliases: tuple[str, ...]
    status: str  # approved | suggested | rejected


@dataclass(frozen=True, slots=True)
class UserSkillView:
    skill: SkillView
    level: int  # 1 beginner .. 4 expert
    level_name: str  # "beginner" | "intermediate" | "advanced" | "expert"
    is_verified: bool
    certificate_id: uuid.UUID | None
    endorsement_count: int


@dataclass(frozen=True, slots=True)
class RatingSummary:
    average: float | None  # None with no published review; one decimal otherwise
    count: int


@dataclass(frozen=True, slots=True)
class ProfileView:
    user_id: uuid.UUID
    display_name: str
    headline: str
    bio: str
    location: str
    country: str
    is_remote_ok: bool
    years_experience: int
    expected_pay: Money | None
    is_public: bool
    skills: tuple[UserSkillView, ...]
    rating: RatingSummary


# --- Listings ---


@dataclass(frozen=True, slots=True)
class ListingSkillInput:
    skill: str  # a skill id, slug or name (an alias finds it too)
    level: int = 1
    is_required: bool = True


@dataclass(frozen=True, slots=True)
class MilestoneInput:
    title: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class ListingSkillView:
    skill_id: uuid.UUID
    name: str
    level: int
    level_name: str
    is_required: bool


@dataclass(frozen=True, slots=True)
class ListingView:
    id: uuid.UUID
    kind: str  # job | gig
    job_type: str  # full_time | part_time | contract | internship | "" (gig)
    title: str
    description: str  # Markdown as written
    description_html: str  # rendered and sanitised
    poster_id: uuid.UUID
    poster_name: str  # the organisation's name when posted for one, else the person's
    organisation_id: uuid.UUID | None
    location: str
    country: str
    is_remote: bool
    pay_min: Money
    pay_max: Money
    pay_period: str  # hour | month | year | project
    experience_years: int
    closes_at: datetime | None
    status: str  # draft | open | paused | filled | closed | expired
    published_at: datetime | None
    created_at: datetime
    skills: tuple[ListingSkillView, ...]
    milestones: tuple[MilestoneInput, ...]  # gigs only
    application_count: int


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class ListingPage:
    items: tuple[ListingView, ...]
    next_cursor: str | None
    # facet name (kind | job_type | remote | location | skill | currency | pay) -> counts over the filtered results
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    matches: dict[uuid.UUID, MatchView] = field(default_factory=dict)  # with a viewer: listing id -> match


# --- Matching ---


@dataclass(frozen=True, slots=True)
class MatchView:
    score: int  # 0..100
    skills: int  # each component 0..100
    experience: int
    location: int
    pay: int
    reasons: tuple[str, ...]  # translated sentences: "4 of 5 required skills, 3 verified", "Remote"


@dataclass(frozen=True, slots=True)
class ListingMatchView:
    listing: ListingView
    match: MatchView


# --- Applications ---


@dataclass(frozen=True, slots=True)
class TransitionView:
    from_status: str
    to_status: str
    actor_id: uuid.UUID
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationView:
    id: uuid.UUID
    listing_id: uuid.UUID
    listing_title: str
    listing_kind: str
    poster_id: uuid.UUID
    applicant_id: uuid.UUID
    applicant_name: str
    cover_letter: str
    portfolio_links: tuple[str, ...]
    expected_pay: Money | None
    availability: str
    available_from: date | None
    status: str
    created_at: datetime
    allowed_transitions: tuple[str, ...]  # what the viewer may move it to now
    match: MatchView | None  # shown to the poster (and the applicant)
    contract_id: uuid.UUID | None
    history: tuple[TransitionView, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageView:
    id: uuid.UUID
    application_id: uuid.UUID
    sender_id: uuid.UUID
    sender_name: str
    body: str
    created_at: datetime


# --- Contracts, escrow, disputes, reviews ---


@dataclass(frozen=True, slots=True)
class DisputeView:
    id: uuid.UUID
    milestone_id: uuid.UUID
    contract_id: uuid.UUID
    opened_by: uuid.UUID
    reason: str
    status: str  # open | resolved
    resolution: str  # "" | release | refund | split
    seller_amount: Money | None
    decision_note: str
    resolved_by: uuid.UUID | None
    resolved_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MilestoneView:
    id: uuid.UUID
    contract_id: uuid.UUID
    position: int
    title: str
    amount: Money
    fee: Money  # the marketplace fee taken on release (zero before)
    status: str  # pending | funding | funded | submitted | disputed | released | refunded | split | canceled
    funding_source: str  # "" | card | wallet
    payment_intent_id: uuid.UUID | None
    funded_at: datetime | None
    submitted_at: datetime | None
    submission_note: str
    auto_release_at: datetime | None
    released_at: datetime | None
    dispute: DisputeView | None


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: uuid.UUID
    contract_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str
    subject_id: uuid.UUID
    side: str  # client | seller
    rating: int
    text: str
    is_published: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ContractView:
    id: uuid.UUID
    listing_id: uuid.UUID
    listing_title: str
    application_id: uuid.UUID
    client_id: uuid.UUID
    client_name: str
    seller_id: uuid.UUID
    seller_name: str
    total: Money
    fee_bp: int
    status: str  # active | completed | canceled
    created_at: datetime
    ended_at: datetime | None
    milestones: tuple[MilestoneView, ...]
    held: Money  # in escrow now
    released: Money  # paid to the seller so far (after fees)
    reviews: tuple[ReviewView, ...]  # the viewer's own, and the other side's once published
    viewer_may_review: bool


@dataclass(frozen=True, slots=True)
class FundResult:
    milestone: MilestoneView
    payment_intent_id: uuid.UUID | None  # card funding
    payment_status: str  # "" (wallet) | the intent's status: succeeded | requires_action | failed ...
    next_action_url: str  # a 3-D Secure challenge to visit, or ""
    failure_message: str = ""
