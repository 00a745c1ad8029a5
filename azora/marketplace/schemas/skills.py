"""Request and response schemas of the marketplace skills and profiles API."""

from __future__ import annotations

import uuid
from typing import Literal

from ninja import Field, Schema

from azora.marketplace.public.views import ProfileView, SkillView, UserSkillView
from azora.shared.schemas import AmountOut, StrictIn, amount_out

__all__ = [
    "EndorsementIn",
    "MarketProfileOut",
    "ProfileUpdateIn",
    "RatingOut",
    "SkillListOut",
    "SkillOut",
    "SkillSearchIn",
    "SkillSuggestIn",
    "UserSkillIn",
    "UserSkillListOut",
    "UserSkillOut",
    "UserSkillsIn",
]

LevelName = Literal["beginner", "intermediate", "advanced", "expert"]


class SkillOut(Schema):
    id: uuid.UUID
    name: str
    slug: str
    category: str
    aliases: list[str]
    status: Literal["approved", "suggested", "rejected"]

    @staticmethod
    def of(view: SkillView) -> SkillOut:
        return SkillOut(
            id=view.id,
            name=view.name,
            slug=view.slug,
            category=view.category,
            aliases=list(view.aliases),
            status=view.status,  # type: ignore[arg-type]  # a SkillStatus value, one of the Literal's
        )


class SkillListOut(Schema):
    items: list[SkillOut]


class SkillSearchIn(Schema):
    q: str = Field(default="", max_length=80, description="Part of a skill's name or alias (case and accents folded).")
    limit: int = Field(default=50, ge=1, le=200)


class SkillSuggestIn(StrictIn):
    name: str = Field(min_length=1, max_length=80)
    category: str = Field(default="", max_length=60)


class UserSkillOut(Schema):
    skill: SkillOut
    level: int = Field(ge=1, le=4)
    level_name: LevelName
    is_verified: bool = Field(description="A certificate of an Azora course carries this skill.")
    certificate_id: uuid.UUID | None
    endorsement_count: int

    @staticmethod
    def of(view: UserSkillView) -> UserSkillOut:
        return UserSkillOut(
            skill=SkillOut.of(view.skill),
            level=view.level,
            level_name=view.level_name,  # type: ignore[arg-type]  # one of the Literal's
            is_verified=view.is_verified,
            certificate_id=view.certificate_id,
            endorsement_count=view.endorsement_count,
        )


class UserSkillListOut(Schema):
    items: list[UserSkillOut]


class UserSkillIn(StrictIn):
    skill: str = Field(min_length=1, max_length=80, description="A skill id, slug, name or alias.")
    level: int = Field(default=1, ge=1, le=4, description="1 beginner, 2 intermediate, 3 advanced, 4 expert.")


class UserSkillsIn(StrictIn):
    """The whole list of self-declared skills; verified skills stay whatever the list says."""

    skills: list[UserSkillIn] = Field(max_length=50)


class EndorsementIn(StrictIn):
    note: str = Field(default="", max_length=280)


class RatingOut(Schema):
    average: float | None = Field(description="Of published reviews, one decimal; null without any.")
    count: int


class MarketProfileOut(Schema):
    user_id: uuid.UUID
    display_name: str
    headline: str
    bio: str
    location: str
    country: str
    is_remote_ok: bool
    years_experience: int
    expected_pay: AmountOut | None
    is_public: bool
    skills: list[UserSkillOut]
    rating: RatingOut

    @staticmethod
    def of(view: ProfileView) -> MarketProfileOut:
        return MarketProfileOut(
            user_id=view.user_id,
            display_name=view.display_name,
            headline=view.headline,
            bio=view.bio,
            location=view.location,
            country=view.country,
            is_remote_ok=view.is_remote_ok,
            years_experience=view.years_experience,
            expected_pay=amount_out(view.expected_pay) if view.expected_pay else None,
            is_public=view.is_public,
            skills=[UserSkillOut.of(skill) for skill in view.skills],
            rating=RatingOut(average=view.rating.average, count=view.rating.count),
        )


class ProfileUpdateIn(StrictIn):
    """Only the fields sent change."""

    headline: str | None = Field(default=None, max_length=120)
    bio: str | None = Field(default=None, max_length=4000)
    location: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2)
    is_remote_ok: bool | None = None
    years_experience: int | None = Field(default=None, ge=0, le=60)
    expected_pay_minor: int | None = Field(default=None, ge=0)
    expected_pay_currency: str | None = Field(default=None, max_length=8)
    is_public: bool | None = None
