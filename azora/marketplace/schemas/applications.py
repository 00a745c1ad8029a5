"""Request and response schemas of the marketplace applications API: applying, transitions, the poster's ranked
list, my matches with their reasons, and message threads."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from ninja import Field, Schema

from azora.marketplace.public.views import (
    ApplicationView,
    ListingMatchView,
    ListingView,
    MatchView,
    MessageView,
    TransitionView,
)
from azora.marketplace.schemas.listings import ListingSkillOut, listing_json, match_json
from azora.shared.schemas import AmountOut, StrictIn, amount_out

ApplicationStatusName = Literal[
    "submitted", "reviewing", "shortlisted", "interviewing", "offered", "accepted", "rejected", "withdrawn"
]


class ApplicationCreateIn(StrictIn):
    cover_letter: str = Field(min_length=1, max_length=10_000)
    portfolio_links: list[str] = Field(default_factory=list, max_length=10, description="http(s) addresses.")
    expected_pay_minor: int | None = Field(
        default=None, ge=0, description="In minor units of the listing's currency (per month for jobs)."
    )
    availability: str = Field(default="", max_length=200)
    available_from: dt.date | None = None


class TransitionIn(StrictIn):
    to_status: ApplicationStatusName
    note: str = Field(default="", max_length=500)


class ApplicationMessageIn(StrictIn):
    body: str = Field(min_length=1, max_length=5_000)


class MatchOut(Schema):
    """The score 0..100 and its components, with the sentences that explain it."""

    score: int
    skills: int
    experience: int
    location: int
    pay: int
    reasons: list[str]

    @staticmethod
    def of(view: MatchView) -> MatchOut:
        return MatchOut(
            score=view.score,
            skills=view.skills,
            experience=view.experience,
            location=view.location,
            pay=view.pay,
            reasons=list(view.reasons),
        )


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor_id: uuid.UUID
    note: str
    at: dt.datetime

    @staticmethod
    def of(view: TransitionView) -> TransitionOut:
        return TransitionOut(
            from_status=view.from_status, to_status=view.to_status, actor_id=view.actor_id, note=view.note, at=view.at
        )


class ApplicationOut(Schema):
    id: uuid.UUID
    listing_id: uuid.UUID
    listing_title: str
    listing_kind: str
    poster_id: uuid.UUID
    applicant_id: uuid.UUID
    applicant_name: str
    cover_letter: str
    portfolio_links: list[str]
    expected_pay: AmountOut | None
    availability: str
    available_from: dt.date | None
    status: ApplicationStatusName
    created_at: dt.datetime
    allowed_transitions: list[str] = Field(description="What the caller may move it to now.")
    match: MatchOut | None
    contract_id: uuid.UUID | None = Field(description="The contract an accepted gig proposal became.")
    history: list[TransitionOut] = Field(description="Every status change, oldest first (one application only).")

    @staticmethod
    def of(view: ApplicationView) -> ApplicationOut:
        return ApplicationOut(
            id=view.id,
            listing_id=view.listing_id,
            listing_title=view.listing_title,
            listing_kind=view.listing_kind,
            poster_id=view.poster_id,
            applicant_id=view.applicant_id,
            applicant_name=view.applicant_name,
            cover_letter=view.cover_letter,
            portfolio_links=list(view.portfolio_links),
            expected_pay=None if view.expected_pay is None else amount_out(view.expected_pay),
            availability=view.availability,
            available_from=view.available_from,
            status=view.status,  # type: ignore[arg-type]  # an ApplicationStatus value, one of the Literal's
            created_at=view.created_at,
            allowed_transitions=list(view.allowed_transitions),
            match=None if view.match is None else MatchOut.of(view.match),
            contract_id=view.contract_id,
            history=[TransitionOut.of(step) for step in view.history],
        )


class ApplicationListOut(Schema):
    items: list[ApplicationOut]


class ListingSummaryOut(Schema):
    """A listing as a match shows it (the full listing: GET /listings/{id})."""

    id: uuid.UUID
    kind: str
    job_type: str
    title: str
    poster_name: str
    location: str
    country: str
    is_remote: bool
    pay_min: AmountOut
    pay_max: AmountOut
    pay_period: str
    experience_years: int
    closes_at: dt.datetime | None
    published_at: dt.datetime | None
    skills: list[ListingSkillOut]

    @staticmethod
    def of(view: ListingView) -> ListingSummaryOut:
        return ListingSummaryOut(
            id=view.id,
            kind=view.kind,
            job_type=view.job_type,
            title=view.title,
            poster_name=view.poster_name,
            location=view.location,
            country=view.country,
            is_remote=view.is_remote,
            pay_min=amount_out(view.pay_min),
            pay_max=amount_out(view.pay_max),
            pay_period=view.pay_period,
            experience_years=view.experience_years,
            closes_at=view.closes_at,
            published_at=view.published_at,
            skills=[
                ListingSkillOut(
                    skill_id=skill.skill_id,
                    name=skill.name,
                    level=skill.level,
                    level_name=skill.level_name,
                    is_required=skill.is_required,
                )
                for skill in view.skills
            ],
        )


class ListingMatchOut(Schema):
    listing: ListingSummaryOut
    match: MatchOut

    @staticmethod
    def of(view: ListingMatchView) -> ListingMatchOut:
        return ListingMatchOut(listing=ListingSummaryOut.of(view.listing), match=MatchOut.of(view.match))


class MatchListOut(Schema):
    items: list[ListingMatchOut] = Field(description="Open listings scoring at least the threshold, best first.")


class MatchQuery(Schema):
    kind: Literal["job", "gig"] | None = None
    limit: int = Field(default=20, ge=1, le=100)


class StatusQuery(Schema):
    status: ApplicationStatusName | None = None


class ApplicationMessageOut(Schema):
    id: uuid.UUID
    application_id: uuid.UUID
    sender_id: uuid.UUID
    sender_name: str
    body: str
    created_at: dt.datetime

    @staticmethod
    def of(view: MessageView) -> ApplicationMessageOut:
        return ApplicationMessageOut(
            id=view.id,
            application_id=view.application_id,
            sender_id=view.sender_id,
            sender_name=view.sender_name,
            body=view.body,
            created_at=view.created_at,
        )


class MessageListOut(Schema):
    items: list[ApplicationMessageOut]


# --- Trusted JSON (ADR 0016; proved equal to the schemas' dumps in azora/marketplace/tests/test_trusted_json.py) ---


def listing_summary_json(view: ListingView) -> dict[str, Any]:
    """ListingSummaryOut's dump: the fields it declares, taken from the full listing's JSON."""
    full = listing_json(view)
    return {name: full[name] for name in ListingSummaryOut.model_fields}


def match_list_json(views: Iterable[ListingMatchView]) -> dict[str, Any]:
    """MatchListOut's dump."""
    return {"items": [{"listing": listing_summary_json(v.listing), "match": match_json(v.match)} for v in views]}
