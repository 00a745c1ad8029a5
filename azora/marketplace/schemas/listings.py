"""Request and response schemas of the marketplace listings API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema

from azora.marketplace.public.views import FacetCount, ListingPage, ListingSkillView, ListingView, MatchView
from azora.shared.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT
from azora.shared.schemas import AmountOut, StrictIn, amount_json, amount_out

__all__ = [
    "FacetOut",
    "ListingCreateIn",
    "ListingOut",
    "ListingPageOut",
    "ListingSearchIn",
    "ListingSkillIn",
    "ListingSkillOut",
    "ListingUpdateIn",
    "MilestoneIn",
    "MilestoneOut",
    "SearchMatchOut",
    "listing_json",
    "listing_page_json",
    "listing_skill_json",
    "match_json",
]

Kind = Literal["job", "gig"]
JobType = Literal["full_time", "part_time", "contract", "internship"]
Status = Literal["draft", "open", "paused", "filled", "closed", "expired"]
PayPeriod = Literal["hour", "month", "year", "project"]


class ListingSkillIn(StrictIn):
    skill: str = Field(min_length=1, max_length=80, description="A skill id, slug, name or alias.")
    level: int = Field(default=1, ge=1, le=4)
    is_required: bool = True


class MilestoneIn(StrictIn):
    title: str = Field(min_length=1, max_length=160)
    amount_minor: int = Field(gt=0)


class ListingSkillOut(Schema):
    skill_id: uuid.UUID
    name: str
    level: int
    level_name: str
    is_required: bool


class MilestoneOut(Schema):
    title: str
    amount_minor: int


class ListingOut(Schema):
    id: uuid.UUID
    kind: Kind
    job_type: str = Field(description='full_time, part_time, contract or internship; "" for a gig.')
    title: str
    description: str = Field(description="Markdown as written.")
    description_html: str = Field(description="The Markdown rendered and sanitised (safe to insert in a page).")
    poster_id: uuid.UUID
    poster_name: str
    organisation_id: uuid.UUID | None
    location: str
    country: str
    is_remote: bool
    pay_min: AmountOut
    pay_max: AmountOut
    pay_period: PayPeriod
    experience_years: int
    closes_at: dt.datetime | None
    status: Status
    published_at: dt.datetime | None
    created_at: dt.datetime
    skills: list[ListingSkillOut]
    milestones: list[MilestoneOut]
    application_count: int

    @staticmethod
    def of(view: ListingView) -> ListingOut:
        return ListingOut(
            id=view.id,
            kind=view.kind,  # type: ignore[arg-type]  # a ListingKind value, one of the Literal's
            job_type=view.job_type,
            title=view.title,
            description=view.description,
            description_html=view.description_html,
            poster_id=view.poster_id,
            poster_name=view.poster_name,
            organisation_id=view.organisation_id,
            location=view.location,
            country=view.country,
            is_remote=view.is_remote,
            pay_min=amount_out(view.pay_min),
            pay_max=amount_out(view.pay_max),
            pay_period=view.pay_period,  # type: ignore[arg-type]  # a PayPeriod value
            experience_years=view.experience_years,
            closes_at=view.closes_at,
            status=view.status,  # type: ignore[arg-type]  # a ListingStatus value
            published_at=view.published_at,
            created_at=view.created_at,
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
            milestones=[MilestoneOut(title=item.title, amount_minor=item.amount_minor) for item in view.milestones],
            application_count=view.application_count,
        )


class FacetOut(Schema):
    value: str = Field(description="Pass back as the filter's value.")
    label: str
    count: int

    @staticmethod
    def of(facet: FacetCount) -> FacetOut:
        return FacetOut(value=facet.value, label=facet.label, count=facet.count)


class SearchMatchOut(Schema):
    listing_id: uuid.UUID
    score: int
    skills: int
    experience: int
    location: int
    pay: int
    reasons: list[str]

    @staticmethod
    def of(listing_id: uuid.UUID, view: MatchView) -> SearchMatchOut:
        return SearchMatchOut(
            listing_id=listing_id,
            score=view.score,
            skills=view.skills,
            experience=view.experience,
            location=view.location,
            pay=view.pay,
            reasons=list(view.reasons),
        )


class ListingPageOut(Schema):
    items: list[ListingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
    facets: dict[str, list[FacetOut]] = Field(
        description="kind, job_type, remote, location, skill, currency and pay: counts over the filtered results."
    )
    matches: list[SearchMatchOut] = Field(description="The caller's match with each listing of the page.")

    @staticmethod
    def of(page: ListingPage) -> ListingPageOut:
        return ListingPageOut(
            items=[ListingOut.of(item) for item in page.items],
            next_cursor=page.next_cursor,
            facets={name: [FacetOut.of(facet) for facet in facets] for name, facets in page.facets.items()},
            matches=[SearchMatchOut.of(listing_id, match) for listing_id, match in page.matches.items()],
        )


class ListingSearchIn(Schema):
    q: str = Field(default="", max_length=200, description="Words to look for in title, skills, place, description.")
    kind: Kind | None = None
    job_type: JobType | None = None
    remote: bool | None = None
    location: str | None = Field(default=None, max_length=120, description="A place, case-insensitive.")
    skill: list[str] = Field(default_factory=list, max_length=10, description="Skills every result asks for.")
    currency: str | None = Field(default=None, max_length=8)
    pay_min_minor: int | None = Field(default=None, ge=0, description="Pays at least this (the top of its range).")
    pay_max_minor: int | None = Field(default=None, ge=0, description="Starts at or below this.")
    sort: Literal["best", "newest", "pay"] = "best"
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    facets: bool = True


class ListingCreateIn(StrictIn):
    kind: Kind
    job_type: JobType | Literal[""] = ""
    title: str = Field(min_length=1, max_length=160)
    description: str = Field(default="", max_length=20_000, description="Markdown; raw HTML is shown as text.")
    organisation_id: uuid.UUID | None = None
    location: str = Field(default="", max_length=120)
    country: str = Field(default="", max_length=2)
    is_remote: bool = False
    currency: str = Field(max_length=8)
    pay_min_minor: int = Field(default=0, ge=0, description="A gig's price is the sum of its milestones.")
    pay_max_minor: int | None = Field(default=None, ge=0)
    pay_period: PayPeriod | None = None
    experience_years: int = Field(default=0, ge=0, le=60)
    closes_at: dt.datetime | None = None
    skills: list[ListingSkillIn] = Field(default_factory=list, max_length=30)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=20)
    publish: bool = Field(default=False, description="Open it now; otherwise it is a draft.")


class ListingUpdateIn(StrictIn):
    """Only the fields sent change; `status` moves it (draft→open, open↔paused, open|paused→filled|closed)."""

    job_type: JobType | None = None
    title: str | None = Field(default=None, min_length=1, max_length=160)
    description: str | None = Field(default=None, max_length=20_000)
    location: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2)
    is_remote: bool | None = None
    currency: str | None = Field(default=None, max_length=8)
    pay_min_minor: int | None = Field(default=None, ge=0)
    pay_max_minor: int | None = Field(default=None, ge=0)
    pay_period: PayPeriod | None = None
    experience_years: int | None = Field(default=None, ge=0, le=60)
    closes_at: dt.datetime | None = None
    skills: list[ListingSkillIn] | None = Field(default=None, max_length=30)
    milestones: list[MilestoneIn] | None = Field(default=None, max_length=20)
    status: Literal["open", "paused", "filled", "closed"] | None = None


# --- Trusted JSON (ADR 0016): the same data as the schemas above dump, built as plain dicts for hot reads; tests
# prove each equal to its schema's dump (azora/marketplace/tests/test_trusted_json.py). ---


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def listing_skill_json(skill: ListingSkillView) -> dict[str, Any]:
    return {
        "skill_id": str(skill.skill_id),
        "name": skill.name,
        "level": skill.level,
        "level_name": skill.level_name,
        "is_required": skill.is_required,
    }


def listing_json(view: ListingView) -> dict[str, Any]:
    """ListingOut's dump."""
    return {
        "id": str(view.id),
        "kind": view.kind,
        "job_type": view.job_type,
        "title": view.title,
        "description": view.description,
        "description_html": view.description_html,
        "poster_id": str(view.poster_id),
        "poster_name": view.poster_name,
        "organisation_id": _str(view.organisation_id),
        "location": view.location,
        "country": view.country,
        "is_remote": view.is_remote,
        "pay_min": amount_json(view.pay_min),
        "pay_max": amount_json(view.pay_max),
        "pay_period": view.pay_period,
        "experience_years": view.experience_years,
        "closes_at": view.closes_at,
        "status": view.status,
        "published_at": view.published_at,
        "created_at": view.created_at,
        "skills": [listing_skill_json(skill) for skill in view.skills],
        "milestones": [{"title": item.title, "amount_minor": item.amount_minor} for item in view.milestones],
        "application_count": view.application_count,
    }


def match_json(view: MatchView) -> dict[str, Any]:
    """The score and its components with the reasons (MatchOut's dump; SearchMatchOut adds the listing id)."""
    return {
        "score": view.score,
        "skills": view.skills,
        "experience": view.experience,
        "location": view.location,
        "pay": view.pay,
        "reasons": list(view.reasons),
    }


def listing_page_json(page: ListingPage) -> dict[str, Any]:
    """ListingPageOut's dump."""
    return {
        "items": [listing_json(item) for item in page.items],
        "next_cursor": page.next_cursor,
        "facets": {
            name: [{"value": facet.value, "label": facet.label, "count": facet.count} for facet in facets]
            for name, facets in page.facets.items()
        },
        "matches": [{"listing_id": str(listing_id), **match_json(match)} for listing_id, match in page.matches.items()],
    }
