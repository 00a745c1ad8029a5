"""Matching's read side: a person's and a listing's facts for the pure score, "my matches" pre-filtered in SQL,
and the ListingView of the listings shown.

"My matches" stays fast on 50,000 open listings because the database does the narrowing: one aggregate over
ListingSkill (its (skill, listing) index) finds the open listings asking for a skill the person holds at that level
or lower, with the counts the score needs (held, verified, required), plus the open listings that ask for no skill
at all. Only those rows are scored in Python, with integer maths, and only the shown ones get reasons and views.
A listing whose required skills the person holds none of is never a match (even where the other components alone
would reach the threshold): it is not looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from azora.accounts.public import user_profiles
from azora.marketplace.config import marketplace_config
from azora.marketplace.errors import ListingNotFound
from azora.marketplace.matching import (
    CANDIDATE_FIELDS,
    Candidate,
    HeldSkill,
    MatchRules,
    Opening,
    RequiredSkill,
    Score,
    SkillFit,
    candidate_from,
    match,
    match_score,
    match_view,
)
from azora.marketplace.models import (
    Listing,
    ListingMilestone,
    ListingSkill,
    ListingStatus,
    Profile,
    SkillLevel,
    UserSkill,
)
from azora.marketplace.public.views import (
    ListingMatchView,
    ListingSkillView,
    ListingView,
    MatchView,
    MilestoneInput,
)
from azora.shared.money import Money

__all__ = [
    "candidate_of",
    "candidates_of",
    "listing_views",
    "match_for",
    "match_rules",
    "matches_for_user",
    "opening_of",
    "openings_of",
]

# The listing columns the score reads.
_OPENING_FIELDS = ("experience_years", "is_remote", "location", "country", "currency", "pay_max_minor", "pay_period")
_MAX_LIMIT = 100


def match_rules() -> MatchRules:
    config = marketplace_config()
    return MatchRules(weights=config.weights, unverified_skill_percent=config.unverified_skill_percent)


def _held(rows: Iterable[tuple[uuid.UUID, uuid.UUID, int, bool]]) -> dict[uuid.UUID, list[HeldSkill]]:
    by_user: dict[uuid.UUID, list[HeldSkill]] = {}
    for user_id, skill_id, level, is_verified in rows:
        by_user.setdefault(user_id, []).append(HeldSkill(skill_id=skill_id, level=level, is_verified=is_verified))
    return by_user


def candidates_of(*, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    """Each person's facts for the score (two queries); a person without a profile has only their skills."""
    ids = list(user_ids)
    records = {
        row["user_id"]: row for row in Profile.objects.filter(user_id__in=ids).values("user_id", *CANDIDATE_FIELDS)
    }
    skills = _held(
        UserSkill.objects.filter(user_id__in=ids)
        .order_by("user_id", "skill_id")
        .values_list("user_id", "skill_id", "level", "is_verified")
    )
    return {user_id: candidate_from(records.get(user_id, {}), skills.get(user_id, ())) for user_id in ids}


def candidate_of(*, user_id: uuid.UUID) -> Candidate:
    return candidates_of(user_ids=[user_id])[user_id]


def _opening(row: dict[str, Any], required: Iterable[RequiredSkill]) -> Opening:
    return Opening(
        required_skills=tuple(required),
        experience_years=row["experience_years"],
        is_remote=row["is_remote"],
        location=row["location"],
        country=row["country"],
        currency=row["currency"],
        pay_max_minor=row["pay_max_minor"],
        pay_period=row["pay_period"],
    )


def openings_of(*, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Opening]:
    """Each listing's facts for the score (two queries)."""
    ids = list(listing_ids)
    required: dict[uuid.UUID, list[RequiredSkill]] = {}
    for listing_id, skill_id, level in (
        ListingSkill.objects.filter(listing_id__in=ids, is_required=True)
        .order_by("listing_id", "skill_id")
        .values_list("listing_id", "skill_id", "level")
    ):
        required.setdefault(listing_id, []).append(RequiredSkill(skill_id=skill_id, level=level))
    return {
        row["id"]: _opening(row, required.get(row["id"], ()))
        for row in Listing.objects.filter(id__in=ids).values("id", *_OPENING_FIELDS)
    }


def opening_of(*, listing_id: uuid.UUID) -> Opening:
    found = openings_of(listing_ids=[listing_id])
    if listing_id not in found:
        raise ListingNotFound()
    return found[listing_id]


def match_for(*, user_id: uuid.UUID, listing_id: uuid.UUID) -> MatchView:
    """One person's match for one listing, with reasons, whatever the threshold. Drafts only for their poster."""
    listing = Listing.objects.filter(id=listing_id).values("status", "poster_id").first()
    if listing is None or (listing["status"] == ListingStatus.DRAFT and listing["poster_id"] != user_id):
        raise ListingNotFound()
    return match(
        candidate=candidate_of(user_id=user_id), opening=opening_of(listing_id=listing_id), rules=match_rules()
    )


def _scored_candidates(
    *, candidate: Candidate, rules: MatchRules, kind: str | None
) -> list[tuple[Score, uuid.UUID, Any]]:
    """(score, listing id, published_at) of every open listing worth scoring for the candidate (two queries)."""
    open_listings = Q(listing__status=ListingStatus.OPEN) & (Q(listing__kind=kind) if kind else Q())
    scored: list[tuple[Score, uuid.UUID, Any]] = []
    columns = ("listing_id", *(f"listing__{name}" for name in _OPENING_FIELDS), "listing__published_at")

    if candidate.skills:
        # Required skills of open listings that the person holds at that level or higher: one OR term per skill.
        held_at_level = Q()
        for skill in candidate.skills:
            held_at_level |= Q(skill_id=skill.skill_id, level__lte=skill.level)
        verified_ids = [skill.skill_id for skill in candidate.skills if skill.is_verified]
        required_count = (
            ListingSkill.objects.filter(listing_id=OuterRef("listing_id"), is_required=True)
            .order_by()
            .values("listing_id")
            .annotate(count=Count("id"))
            .values("count")
        )
        rows = (
            ListingSkill.objects.filter(open_listings, held_at_level, is_required=True)
            .order_by()
            .values(*columns)
            .annotate(
                held=Count("id"),
                verified=Count("id", filter=Q(skill_id__in=verified_ids)),
                required=Coalesce(Subquery(required_count, output_field=IntegerField()), 0),
            )
            .values_list(*columns, "held", "verified", "required")
        )
        for listing_id, *opening_values, published_at, held, verified, required in rows:
            opening = Opening(**dict(zip(_OPENING_FIELDS, opening_values, strict=True)))
            fit = SkillFit(required=required, held=held, verified=verified)
            scored.append(
                (match_score(fit=fit, candidate=candidate, opening=opening, rules=rules), listing_id, published_at)
            )

    # Open listings that ask for no skill: their skills component is 100.
    no_skill_fit = SkillFit(required=0, held=0, verified=0)
    unskilled = (
        Listing.objects.filter(status=ListingStatus.OPEN, **({"kind": kind} if kind else {}))
        .filter(~Exists(ListingSkill.objects.filter(listing_id=OuterRef("pk"), is_required=True)))
        .order_by()
        .values_list("id", *_OPENING_FIELDS, "published_at")
    )
    for listing_id, *opening_values, published_at in unskilled:
        opening = Opening(**dict(zip(_OPENING_FIELDS, opening_values, strict=True)))
        scored.append(
            (match_score(fit=no_skill_fit, candidate=candidate, opening=opening, rules=rules), listing_id, published_at)
        )
    return scored


def matches_for_user(*, user_id: uuid.UUID, limit: int = 20, kind: str | None = None) -> list[ListingMatchView]:
    """Open listings scoring at least the threshold, best first (then newest), each with its reasons."""
    config = marketplace_config()
    rules = MatchRules(weights=config.weights, unverified_skill_percent=config.unverified_skill_percent)
    candidate = candidate_of(user_id=user_id)
    scored = [
        entry
        for entry in _scored_candidates(candidate=candidate, rules=rules, kind=kind)
        if entry[0].total >= config.match_threshold
    ]
    # Best first; ties: newest published first, then the larger id (UUIDv7: the later one), for a stable order.
    scored.sort(
        key=lambda entry: (entry[0].total, entry[2].timestamp() if entry[2] else 0.0, entry[1].int), reverse=True
    )
    shown = scored[: max(1, min(limit, _MAX_LIMIT))]
    views = listing_views(listing_ids=[listing_id for _score, listing_id, _at in shown])
    return [ListingMatchView(listing=views[listing_id], match=match_view(score)) for score, listing_id, _at in shown]


def _level_name(level: int) -> str:
    return SkillLevel(level).name.lower()


def listing_views(*, listing_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ListingView]:
    """The listings as views (three queries, one more when a poster's name was not stored with the listing).

    Kept here until selectors/listings.py offers the same (REQUESTS.md); the fields mirror the model's columns.
    """
    ids = list(listing_ids)
    if not ids:
        return {}
    listings = list(Listing.objects.filter(id__in=ids))
    skills: dict[uuid.UUID, list[ListingSkillView]] = {}
    for row in (
        ListingSkill.objects.filter(listing_id__in=ids)
        .select_related("skill")
        .order_by("listing_id", "-is_required", "skill__name")
    ):
        skills.setdefault(row.listing_id, []).append(
            ListingSkillView(
                skill_id=row.skill_id,
                name=row.skill.name,
                level=row.level,
                level_name=_level_name(row.level),
                is_required=row.is_required,
            )
        )
    milestones: dict[uuid.UUID, list[MilestoneInput]] = {}
    for listing_id, title, amount in (
        ListingMilestone.objects.filter(listing_id__in=ids)
        .order_by("listing_id", "position")
        .values_list("listing_id", "title", "amount_minor")
    ):
        milestones.setdefault(listing_id, []).append(MilestoneInput(title=title, amount_minor=amount))
    unnamed = {listing.poster_id for listing in listings if not getattr(listing, "poster_name", "")}
    names = (
        {user_id: profile.display_name for user_id, profile in user_profiles(user_ids=unnamed).items()}
        if unnamed
        else {}
    )
    return {
        listing.id: ListingView(
            id=listing.id,
            kind=listing.kind,
            job_type=listing.job_type,
            title=listing.title,
            description=listing.description,
            description_html=listing.description_html,
            poster_id=listing.poster_id,
            poster_name=getattr(listing, "poster_name", "") or names.get(listing.poster_id, ""),
            organisation_id=listing.organisation_id,
            location=listing.location,
            country=listing.country,
            is_remote=listing.is_remote,
            pay_min=Money(listing.pay_min_minor, listing.currency),
            pay_max=Money(listing.pay_max_minor, listing.currency),
            pay_period=listing.pay_period,
            experience_years=listing.experience_years,
            closes_at=listing.closes_at,
            status=listing.status,
            published_at=listing.published_at,
            created_at=listing.created_at,
            skills=tuple(skills.get(listing.id, ())),
            milestones=tuple(milestones.get(listing.id, ())),
            application_count=listing.application_count,
        )
        for listing in listings
    }
