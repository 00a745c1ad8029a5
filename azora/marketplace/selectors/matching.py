"""Matching's read side: a person's and a listing's facts for the pure score, and "my matches" ranked in SQL.

"My matches" on 50,000 open listings: the database narrows and ranks. One aggregate over ListingSkill (its
(skill, listing) index), grouped by listing only, finds the open listings asking for a skill the person holds at
that level or lower with the counts the score needs (held, verified; required from the denormalised
Listing.required_skill_count), computes the score in floating point and keeps the best page plus a margin; a second
query does the same for open listings asking for no skill (partial index market_listing_noskill_idx). Only those
rows are scored in Python, exactly (matching.match_score), and only the shown ones get reasons and views. A listing
whose required skills the person holds none of is never a match (matching.is_shown), so it is not looked at.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, F, FloatField, Max, Q, Value, When
from django.db.models.functions import Cast, Greatest, Lower, Round, Trim
from django.db.models.lookups import Exact, GreaterThanOrEqual

from azora.marketplace.config import marketplace_config
from azora.marketplace.errors import ListingNotFound
from azora.marketplace.matching import (
    CANDIDATE_FIELDS,
    Candidate,
    HeldSkill,
    MatchRules,
    Opening,
    RequiredSkill,
    SkillFit,
    candidate_from,
    is_shown,
    match,
    match_score,
    match_view,
)
from azora.marketplace.models import Listing, ListingSkill, ListingStatus, Profile, UserSkill
from azora.marketplace.public.views import ListingMatchView, ListingView, MatchView
from azora.marketplace.selectors.listings import listing_views
from azora.shared.compiled import CompiledQuery

__all__ = [
    "candidate_of",
    "candidates_of",
    "match_for",
    "match_rules",
    "matches_for_user",
    "matches_for_views",
    "opening_from_view",
    "opening_of",
    "openings_of",
]

# The listing columns the score reads.
_OPENING_FIELDS = ("experience_years", "is_remote", "location", "country", "currency", "pay_max_minor", "pay_period")
_MAX_LIMIT = 100
MATCHES_CACHE_SECONDS = 600  # an entry is keyed by what it depends on; the TTL only frees memory


def match_rules() -> MatchRules:
    config = marketplace_config()
    return MatchRules(weights=config.weights, unverified_skill_percent=config.unverified_skill_percent)


def _held(rows: Iterable[tuple[uuid.UUID, uuid.UUID, int, bool]]) -> dict[uuid.UUID, list[HeldSkill]]:
    by_user: dict[uuid.UUID, list[HeldSkill]] = {}
    for user_id, skill_id, level, is_verified in rows:
        by_user.setdefault(user_id, []).append(HeldSkill(skill_id=skill_id, level=level, is_verified=is_verified))
    return by_user


_PROFILES = CompiledQuery(
    "profiles for matching",
    lambda *, ids: Profile.objects.filter(user_id__in=ids).order_by().values("user_id", *CANDIDATE_FIELDS),
)
_HELD = CompiledQuery(
    "skills held for matching",
    lambda *, ids: (
        UserSkill.objects.filter(user_id__in=ids)
        .order_by("user_id", "skill_id")
        .values("user_id", "skill_id", "level", "is_verified")
    ),
)


def candidates_of(*, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Candidate]:
    """Each person's facts for the score (two queries); a person without a profile has only their skills."""
    ids = [uuid.UUID(str(user_id)) for user_id in user_ids]  # ids given as text too, as the ORM took them
    if not ids:
        return {}
    records = {row["user_id"]: row for row in _PROFILES.run(ids=ids)}
    skills = _held((row["user_id"], row["skill_id"], row["level"], row["is_verified"]) for row in _HELD.run(ids=ids))
    return {user_id: candidate_from(records.get(user_id, {}), skills.get(user_id, ())) for user_id in ids}


def candidate_of(*, user_id: uuid.UUID) -> Candidate:
    (candidate,) = candidates_of(user_ids=[user_id]).values()
    return candidate


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


def opening_from_view(view: ListingView) -> Opening:
    """A listing's facts for the score from its view (the same as `openings_of` reads, with no query)."""
    return Opening(
        required_skills=tuple(
            RequiredSkill(skill_id=skill.skill_id, level=skill.level) for skill in view.skills if skill.is_required
        ),
        experience_years=view.experience_years,
        is_remote=view.is_remote,
        location=view.location,
        country=view.country,
        currency=view.pay_max.currency,
        pay_max_minor=view.pay_max.minor,
        pay_period=view.pay_period,
    )


def matches_for_views(*, user_id: uuid.UUID, views: Iterable[ListingView]) -> dict[uuid.UUID, MatchView]:
    """One person's match for each listing already read as a view (a search page's): two queries, the person's."""
    candidate, rules = candidate_of(user_id=user_id), match_rules()
    return {view.id: match(candidate=candidate, opening=opening_from_view(view), rules=rules) for view in views}


# --- "My matches": ranked in SQL, scored exactly in Python for the page only ---

# How many rows beyond the page the SQL ranking hands to the exact score: the SQL works in floating point, so a
# listing could sit a rounding step away from where the exact integer score puts it.
_WINDOW_MARGIN = 10
_EPSILON = 1e-9


def _float(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


def _non_skill_sql(*, candidate: Candidate, rules: MatchRules, prefix: str) -> Any:
    """weight*component summed for experience, location and pay, as an SQL expression over a listing's columns
    (`prefix` reaches the listing from the queried table). The same rules as matching.match_score, in floats."""
    _w_skills, w_experience, w_location, w_pay = rules.weights

    def column(name: str) -> F:
        return F(f"{prefix}{name}")

    years = candidate.years_experience
    experience = Case(
        When(**{f"{prefix}experience_years__lte": years}, then=_float(100)),
        default=_float(100 * years) / Cast(column("experience_years"), FloatField()),
        output_field=FloatField(),
    )
    place, country = candidate.location.strip().casefold(), candidate.country.strip().casefold()
    same_place = (
        [
            When(
                Q(Exact(Lower(Trim(column("location"))), place)) & Q(Exact(Lower(Trim(column("country"))), country)),
                then=_float(100),
            )
        ]
        if place
        else []
    )
    location = Case(
        When(**{f"{prefix}is_remote": True}, then=_float(100)),
        *same_place,
        default=_float(50),
        output_field=FloatField(),
    )
    expected = candidate.expected_pay_minor
    if expected is None or expected <= 0:
        pay: Any = _float(100)
    else:
        monthly = Cast(column("pay_max_minor"), FloatField()) * Case(
            When(**{f"{prefix}pay_period": "hour"}, then=_float(160)),
            When(**{f"{prefix}pay_period": "year"}, then=_float(1 / 12)),
            default=_float(1),
            output_field=FloatField(),
        )
        pay = Case(
            When(~Q(**{f"{prefix}currency": candidate.expected_pay_currency}), then=_float(100)),
            When(Q(GreaterThanOrEqual(monthly, _float(expected))), then=_float(100)),
            default=monthly * _float(100 / expected),
            output_field=FloatField(),
        )
    return _float(w_experience) * experience + _float(w_location) * location + _float(w_pay) * pay


def _ranked_ids(
    *, candidate: Candidate, rules: MatchRules, kind: str | None, threshold: int, window: int
) -> list[tuple[uuid.UUID, SkillFit]]:
    """The best `window` open listings by the score computed in SQL (two queries): those asking for a skill the
    person holds at that level or higher (aggregated over ListingSkill by listing), and those asking for none."""
    w_skills = rules.weights[0]
    floor = _float(threshold - 0.5 - 1e-6)  # what rounds (half up) to the threshold, with room for float error
    ranked: list[tuple[float, Any, uuid.UUID, SkillFit]] = []

    if candidate.skills:
        held_at_level = Q()
        for skill in candidate.skills:
            held_at_level |= Q(skill_id=skill.skill_id, level__lte=skill.level)
        verified_ids = [skill.skill_id for skill in candidate.skills if skill.is_verified]
        held = (
            ListingSkill.objects.filter(held_at_level, is_required=True, listing__status=ListingStatus.OPEN)
            .filter(Q(listing__kind=kind) if kind else Q())
            .order_by()
            .values("listing_id")  # grouped by listing only
            .annotate(
                held=Count("id"),
                # (an empty IN would make Django drop every row: no verified skill counts 0)
                verified=Count("id", filter=Q(skill_id__in=verified_ids)) if verified_ids else Value(0),
                # the denormalised count, never below what was found (a stale count must not divide by zero)
                required=Greatest(Max("listing__required_skill_count"), Count("id")),
                published=Max("listing__published_at"),
                others=Max(_non_skill_sql(candidate=candidate, rules=rules, prefix="listing__")),
            )
            .annotate(
                score=(
                    _float(w_skills)
                    * (
                        _float(100) * Cast(F("verified"), FloatField())
                        + _float(rules.unverified_skill_percent) * Cast(F("held") - F("verified"), FloatField())
                    )
                    / Cast(F("required"), FloatField())
                    + F("others")
                )
                / _float(100)
            )
            .annotate(bucket=Round(F("score") + _float(_EPSILON)))
            .filter(score__gte=floor)
            .order_by("-bucket", "-published", "-listing_id")
            .values_list("bucket", "published", "listing_id", "held", "verified", "required")[:window]
        )
        for bucket, published, listing_id, held_count, verified, required in held:
            ranked.append(
                (bucket, published, listing_id, SkillFit(required=required, held=held_count, verified=verified))
            )

    unskilled = (
        Listing.objects.filter(status=ListingStatus.OPEN, required_skill_count=0)
        .filter(Q(kind=kind) if kind else Q())
        .annotate(
            score=(_float(w_skills * 100) + _non_skill_sql(candidate=candidate, rules=rules, prefix="")) / _float(100)
        )
        .annotate(bucket=Round(F("score") + _float(_EPSILON)))
        .filter(score__gte=floor)
        .order_by("-bucket", "-published_at", "-id")
        .values_list("bucket", "published_at", "id")[:window]
    )
    no_skill_fit = SkillFit(required=0, held=0, verified=0)
    ranked.extend((bucket, published, listing_id, no_skill_fit) for bucket, published, listing_id in unskilled)
    ranked.sort(key=lambda row: (row[0], row[1].timestamp() if row[1] else 0.0, row[2].int), reverse=True)
    return [(listing_id, fit) for _bucket, _published, listing_id, fit in ranked[:window]]


def _ranked_cached(
    *, user_id: uuid.UUID, candidate: Candidate, rules: MatchRules, kind: str | None, threshold: int, window: int
) -> list[tuple[uuid.UUID, SkillFit]]:
    """`_ranked_ids` through the cache. The key holds everything the ranking reads: the person's facts and skills
    (a digest), the rules, and the listings' generation (bumped after every listing write), so an entry is never
    stale; the TTL only bounds memory."""
    from azora.marketplace.selectors.search import SEARCH_GENERATION_KEY  # search imports this module

    generation = cache.get(SEARCH_GENERATION_KEY, 0)
    digest = hashlib.sha256(repr((candidate, rules, threshold, kind, window)).encode()).hexdigest()[:32]
    key = f"marketplace:matches:{user_id}:{generation}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return [(uuid.UUID(listing_id), SkillFit(*fit)) for listing_id, fit in cached]
    ranked = _ranked_ids(candidate=candidate, rules=rules, kind=kind, threshold=threshold, window=window)
    cache.set(
        key,
        [(str(listing_id), (fit.required, fit.held, fit.verified)) for listing_id, fit in ranked],
        timeout=MATCHES_CACHE_SECONDS,
    )
    return ranked


def matches_for_user(
    *, user_id: uuid.UUID, limit: int = 20, kind: str | None = None, fresh: bool = False
) -> list[ListingMatchView]:
    """Open listings shown as matches (matching.is_shown: at least the threshold), best first, then the newest.

    The database ranks (the score in floating point, see `_ranked_ids`; cached per person until a listing or the
    person's facts change, unless `fresh`); the pure score then scores exactly the page plus a small margin, which
    decides the order and the numbers shown. At most eight queries, whatever the sizes; four on a cache hit.
    """
    config = marketplace_config()
    rules = MatchRules(weights=config.weights, unverified_skill_percent=config.unverified_skill_percent)
    limit = max(1, min(limit, _MAX_LIMIT))
    candidate = candidate_of(user_id=user_id)
    threshold, window = config.match_threshold, limit + _WINDOW_MARGIN
    if fresh:
        ranked = _ranked_ids(candidate=candidate, rules=rules, kind=kind, threshold=threshold, window=window)
    else:
        ranked = _ranked_cached(
            user_id=user_id, candidate=candidate, rules=rules, kind=kind, threshold=threshold, window=window
        )
    facts = {
        row["id"]: row
        for row in Listing.objects.filter(id__in=[listing_id for listing_id, _fit in ranked]).values(
            "id", "published_at", *_OPENING_FIELDS
        )
    }
    scored = []
    for listing_id, fit in ranked:
        row = facts[listing_id]
        score = match_score(fit=fit, candidate=candidate, opening=_opening(row, ()), rules=rules)
        if is_shown(score, threshold=config.match_threshold):
            published = row["published_at"]
            scored.append((score, published.timestamp() if published else 0.0, listing_id))
    # Best first; ties: newest published first, then the larger id (UUIDv7: the later one), for a stable order.
    scored.sort(key=lambda entry: (entry[0].total, entry[1], entry[2].int), reverse=True)
    shown = scored[:limit]
    views = listing_views(listing_ids=[listing_id for _score, _at, listing_id in shown])
    return [ListingMatchView(listing=views[listing_id], match=match_view(score)) for score, _at, listing_id in shown]
