"""The read side of skills and profiles: the catalogue, resolving a skill by id, slug, name or alias, skill profiles
and public profiles with their rating."""

from __future__ import annotations

import re
import unicodedata
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

import azora.accounts.public as accounts
from azora.marketplace.errors import ProfileNotFound, SkillNotFound
from azora.marketplace.models import Profile, Review, Skill, SkillLevel, SkillStatus, UserSkill
from azora.marketplace.public.views import ProfileView, RatingSummary, SkillView, UserSkillView
from azora.shared.money import Money

__all__ = [
    "LEVEL_NAMES",
    "level_from",
    "profile_for_viewer",
    "profile_view",
    "rating_summary",
    "skill_fold",
    "skill_names_of",
    "skill_resolve",
    "skill_view",
    "skills_catalogue_search",
    "user_skill_view",
    "user_skill_views",
]

LEVEL_NAMES: dict[int, str] = {
    SkillLevel.BEGINNER: "beginner",
    SkillLevel.INTERMEDIATE: "intermediate",
    SkillLevel.ADVANCED: "advanced",
    SkillLevel.EXPERT: "expert",
}


def skill_fold(text: str) -> str:
    """The folded form of a skill name or alias: accents dropped, case folded, "+" as "plus" and "#" as "sharp"
    (so that C, C++ and C# stay three skills), every other run of non-alphanumerics one hyphen."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    plain = plain.replace("+", " plus ").replace("#", " sharp ")
    plain = re.sub(r"[.']", "", plain)  # "Node.js" and "node js" fold alike; "nodejs" is an alias
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def level_from(value: int | str) -> int:
    """A level given as 1..4 or its name; ValueError otherwise."""
    if isinstance(value, str) and not value.isdigit():
        for number, name in LEVEL_NAMES.items():
            if name == value.strip().casefold():
                return number
        raise ValueError(value)
    number = int(value)
    if number not in LEVEL_NAMES:
        raise ValueError(value)
    return number


def skill_view(skill: Skill) -> SkillView:
    return SkillView(
        id=skill.id,
        name=skill.name,
        slug=skill.slug,
        category=skill.category,
        aliases=tuple(str(alias) for alias in skill.aliases or ()),
        status=skill.status,
    )


def skill_names_of(skill: Skill) -> set[str]:
    return {skill.slug, skill_fold(skill.name), *(skill_fold(str(alias)) for alias in skill.aliases or ())}


def skill_resolve(reference: str, *, include_suggested: bool = False) -> Skill:
    """The catalogue skill `reference` names: its id, slug, name or an alias (folded). SkillNotFound otherwise.

    The catalogue is small (hundreds of rows), so aliases are matched in Python: JSON containment differs between
    PostgreSQL and SQLite, and a name match must win over an alias match of another skill.
    """
    statuses = [SkillStatus.APPROVED, SkillStatus.SUGGESTED] if include_suggested else [SkillStatus.APPROVED]
    text = str(reference).strip()
    try:
        skill_id = uuid.UUID(text)
    except ValueError:
        skill_id = None
    if skill_id is not None:
        found = Skill.objects.filter(id=skill_id, status__in=statuses).first()
        if found is None:
            raise SkillNotFound(extra={"skill": text})
        return found
    folded = skill_fold(text)
    if not folded:
        raise SkillNotFound(extra={"skill": text})
    exact = Skill.objects.filter(slug=folded, status__in=statuses).first()
    if exact is not None:
        return exact
    candidates = list(Skill.objects.filter(status__in=statuses).order_by("name", "id"))
    for skill in candidates:
        if skill_fold(skill.name) == folded:
            return skill
    for skill in candidates:
        if folded in skill_names_of(skill):
            return skill
    raise SkillNotFound(extra={"skill": text})


def skills_catalogue_search(*, query: str, include_suggested: bool, limit: int) -> list[SkillView]:
    """Skills whose name or alias starts with the folded query first, then those that contain it; by name."""
    statuses = [SkillStatus.APPROVED, SkillStatus.SUGGESTED] if include_suggested else [SkillStatus.APPROVED]
    skills = list(Skill.objects.filter(status__in=statuses).order_by("name", "id"))
    folded = skill_fold(query)
    if not folded:
        return [skill_view(skill) for skill in skills[:limit]]
    starts: list[Skill] = []
    contains: list[Skill] = []
    for skill in skills:
        names = skill_names_of(skill)
        if any(name.startswith(folded) for name in names):
            starts.append(skill)
        elif any(folded in name for name in names):
            contains.append(skill)
    return [skill_view(skill) for skill in (starts + contains)[:limit]]


def user_skill_view(user_skill: UserSkill) -> UserSkillView:
    return UserSkillView(
        skill=skill_view(user_skill.skill),
        level=user_skill.level,
        level_name=LEVEL_NAMES[user_skill.level],
        is_verified=user_skill.is_verified,
        certificate_id=user_skill.certificate_id,
        endorsement_count=user_skill.endorsement_count,
    )


def user_skill_views(*, user_id: uuid.UUID) -> list[UserSkillView]:
    """The person's skills: verified first, then by level (highest first) and name."""
    rows = UserSkill.objects.filter(user_id=user_id).select_related("skill")
    ordered = sorted(rows, key=lambda row: (not row.is_verified, -row.level, row.skill.name.casefold()))
    return [user_skill_view(row) for row in ordered]


def rating_summary(*, user_id: uuid.UUID) -> RatingSummary:
    """The average (one decimal, half up) and count of the published reviews about the person."""
    totals = Review.objects.filter(subject_id=user_id, published_at__isnull=False).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    count = int(totals["count"] or 0)
    if not count:
        return RatingSummary(average=None, count=0)
    average = Decimal(str(totals["average"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return RatingSummary(average=float(average), count=count)


def profile_view(*, user_id: uuid.UUID, profile: Profile | None = None) -> ProfileView:
    """The profile of `user_id` (defaults when the person never filled it in)."""
    if profile is None:
        profile = Profile.objects.filter(user_id=user_id).first() or Profile(user_id=user_id)
    people = accounts.user_profiles(user_ids=[user_id])
    expected = None
    if profile.expected_pay_minor is not None and profile.expected_pay_currency:
        expected = Money(profile.expected_pay_minor, profile.expected_pay_currency)
    return ProfileView(
        user_id=user_id,
        display_name=people[user_id].display_name if user_id in people else "",
        headline=profile.headline,
        bio=profile.bio,
        location=profile.location,
        country=profile.country,
        is_remote_ok=profile.is_remote_ok,
        years_experience=profile.years_experience,
        expected_pay=expected,
        is_public=profile.is_public,
        skills=tuple(user_skill_views(user_id=user_id)),
        rating=rating_summary(user_id=user_id),
    )


def profile_for_viewer(*, user_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ProfileView:
    """The profile as `viewer_id` may see it: a private one, or an unknown person's, is NotFound to anyone else."""
    if viewer_id == user_id:
        return profile_view(user_id=user_id)
    profile = Profile.objects.filter(user_id=user_id).first()
    if profile is not None and not profile.is_public:
        raise ProfileNotFound()
    view = profile_view(user_id=user_id, profile=profile)
    if not view.display_name and not accounts.user_profiles(user_ids=[user_id]):
        raise ProfileNotFound()
    return view
