"""Matching's read side: a person's and a listing's facts for the pure score, and "my matches" ranked in SQL.

"My matches" on 50,000 open listings: the database narrows and ranks. One statement over the open-requirements
read model (models.OpenRequirement: a row per open listing and required skill, with the listing's facts) finds, by
its (skill, level) index alone, the open listings asking for a skill the person holds at that level or higher,
counts what the score needs (held, verified) per listing, adds the listings asking for no skill, computes the
score in floating point and keeps the best page plus a margin. Only those rows are scored in Python, exactly
(matching.match_score), from their listing views, which the page shows. A listing whose required skills the person
holds none of is never a match (matching.is_shown), so it is not looked at.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection

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
    place_key,
)
from azora.marketplace.models import Listing, ListingSkill, ListingStatus, Profile, UserSkill
from azora.marketplace.public.views import ListingMatchView, ListingView, MatchView
from azora.marketplace.selectors.listings import listing_views
from azora.shared.compiled import CompiledQuery
from azora.shared.prepared import prepared_cursor

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

# The ranking over the open-requirements read model (models.OpenRequirement), one statement whose text never
# changes with the person: the skills they hold come as parameters (`{held}`: arrays unnested on PostgreSQL, a JSON
# array on SQLite), so PostgreSQL runs it as a prepared statement. Each open listing asking for a skill held at
# that level or higher is grouped with its facts (the covering index holds them all) and counted (held, verified);
# the listings asking for no skill join them with a count of 0. The score is matching.match_score's in floating
# point and `{bucket}` its half-up rounding (with room for float error); listings below the threshold sort last and
# the exact score drops them, so the statement does not filter on it (that would compute the score twice).
_RANKING_SQL = """
SELECT r.listing_id, r.held, r.verified, r.required FROM (
  SELECT f.listing_id, f.published_at, f.held, f.verified, f.required, (
      p.w_skills * CASE WHEN f.required = 0 THEN 100.0
          ELSE (100.0 * f.verified + p.unverified * (f.held - f.verified)) / f.required END
    + p.w_experience * CASE WHEN f.experience_years <= p.years THEN 100.0
          ELSE 100.0 * p.years / f.experience_years END
    + p.w_location * CASE WHEN f.is_remote THEN 100.0 WHEN f.place <> '' AND f.place = p.place THEN 100.0
          ELSE 50.0 END
    + p.w_pay * CASE WHEN p.expected <= 0 OR f.currency <> p.currency OR f.monthly_pay >= p.expected THEN 100.0
          ELSE 100.0 * f.monthly_pay / p.expected END
  ) / 100.0 AS score
  FROM (
    SELECT e.listing_id, e.published_at, e.experience_years, e.is_remote, e.place, e.currency, e.monthly_pay,
           COUNT(*) AS held, SUM(CASE WHEN h.verified THEN 1 ELSE 0 END) AS verified,
           e.required_count AS required
    FROM {held}
    JOIN marketplace_openrequirement e ON e.skill_id = h.skill_id AND e.level <= h.level
    WHERE (CAST(%(kind)s AS TEXT) = '' OR e.kind = %(kind)s)
    GROUP BY e.listing_id, e.published_at, e.experience_years, e.is_remote, e.place, e.currency, e.monthly_pay,
             e.required_count
    UNION ALL
    SELECT e.listing_id, e.published_at, e.experience_years, e.is_remote, e.place, e.currency, e.monthly_pay, 0, 0, 0
    FROM marketplace_openrequirement e
    WHERE e.skill_id IS NULL AND (CAST(%(kind)s AS TEXT) = '' OR e.kind = %(kind)s)
  ) f
  CROSS JOIN (
    SELECT CAST(%(w_skills)s AS DOUBLE PRECISION) AS w_skills,
           CAST(%(w_experience)s AS DOUBLE PRECISION) AS w_experience,
           CAST(%(w_location)s AS DOUBLE PRECISION) AS w_location,
           CAST(%(w_pay)s AS DOUBLE PRECISION) AS w_pay,
           CAST(%(unverified)s AS DOUBLE PRECISION) AS unverified,
           CAST(%(years)s AS DOUBLE PRECISION) AS years,
           CAST(%(place)s AS TEXT) AS place,
           CAST(%(expected)s AS DOUBLE PRECISION) AS expected,
           CAST(%(currency)s AS TEXT) AS currency
  ) p
) r
ORDER BY {bucket} DESC, r.published_at DESC, r.listing_id DESC
LIMIT %(window)s
"""
_HELD_POSTGRESQL = (
    "unnest(CAST(%(skills)s AS uuid[]), CAST(%(levels)s AS smallint[]), CAST(%(verified_skills)s AS boolean[]))"
    " AS h(skill_id, level, verified)"
)
_HELD_SQLITE = (
    "(SELECT json_extract(j.value, '$[0]') AS skill_id, json_extract(j.value, '$[1]') AS level,"
    " json_extract(j.value, '$[2]') AS verified FROM json_each(%(held)s) AS j) AS h"
)
_RANKING = {
    "postgresql": _RANKING_SQL.format(held=_HELD_POSTGRESQL, bucket=f"FLOOR(r.score + {0.5 + _EPSILON!r})"),
    "sqlite": _RANKING_SQL.format(held=_HELD_SQLITE, bucket=f"CAST(r.score + {0.5 + _EPSILON!r} AS INTEGER)"),
}


def _ranking_parameters(
    *, candidate: Candidate, rules: MatchRules, kind: str | None, window: int, vendor: str
) -> dict[str, Any]:
    w_skills, w_experience, w_location, w_pay = rules.weights
    parameters: dict[str, Any] = {
        "kind": kind or "",
        "w_skills": float(w_skills),
        "w_experience": float(w_experience),
        "w_location": float(w_location),
        "w_pay": float(w_pay),
        "unverified": float(rules.unverified_skill_percent),
        "years": float(candidate.years_experience),
        "place": place_key(candidate.location, candidate.country),
        "expected": float(candidate.expected_pay_minor or 0),
        "currency": candidate.expected_pay_currency,
        "window": window,
    }
    if vendor == "postgresql":
        parameters["skills"] = [skill.skill_id for skill in candidate.skills]
        parameters["levels"] = [skill.level for skill in candidate.skills]
        parameters["verified_skills"] = [skill.is_verified for skill in candidate.skills]
    else:
        held = [[skill.skill_id.hex, skill.level, skill.is_verified] for skill in candidate.skills]
        parameters["held"] = json.dumps(held)
    return parameters


def _ranked_ids(
    *, candidate: Candidate, rules: MatchRules, kind: str | None, window: int
) -> list[tuple[uuid.UUID, SkillFit]]:
    """The best `window` open listings by the score computed in SQL (one statement over the read model): those
    asking for a skill the person holds at that level or higher, and those asking for none."""
    vendor = connection.vendor
    parameters = _ranking_parameters(candidate=candidate, rules=rules, kind=kind, window=window, vendor=vendor)
    with prepared_cursor(connection) as cursor:
        cursor.execute(_RANKING[vendor], parameters)
        rows = cursor.fetchall()
    return [
        (
            listing_id if isinstance(listing_id, uuid.UUID) else uuid.UUID(listing_id),  # SQLite: 32 hex digits
            SkillFit(required=int(required), held=int(held), verified=int(verified)),
        )
        for listing_id, held, verified, required in rows
    ]


def _ranked_cached(
    *, user_id: uuid.UUID, candidate: Candidate, rules: MatchRules, kind: str | None, window: int
) -> list[tuple[uuid.UUID, SkillFit]]:
    """`_ranked_ids` through the cache. The key holds everything the ranking reads: the person's facts and skills
    (a digest), the rules, and the listings' generation (bumped after every listing write), so an entry is never
    stale; the TTL only bounds memory."""
    from azora.marketplace.selectors.search import SEARCH_GENERATION_KEY  # search imports this module

    generation = cache.get(SEARCH_GENERATION_KEY, 0)
    digest = hashlib.sha256(repr((candidate, rules, kind, window)).encode()).hexdigest()[:32]
    key = f"marketplace:matches:{user_id}:{generation}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return [(uuid.UUID(listing_id), SkillFit(*fit)) for listing_id, fit in cached]
    ranked = _ranked_ids(candidate=candidate, rules=rules, kind=kind, window=window)
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
    decides the order and the numbers shown. Six queries, whatever the sizes; five on a cache hit.
    """
    config = marketplace_config()
    rules = MatchRules(weights=config.weights, unverified_skill_percent=config.unverified_skill_percent)
    limit = max(1, min(limit, _MAX_LIMIT))
    candidate = candidate_of(user_id=user_id)
    window = limit + _WINDOW_MARGIN
    if fresh:
        ranked = _ranked_ids(candidate=candidate, rules=rules, kind=kind, window=window)
    else:
        ranked = _ranked_cached(user_id=user_id, candidate=candidate, rules=rules, kind=kind, window=window)
    views = listing_views(listing_ids=[listing_id for listing_id, _fit in ranked])
    scored = []
    for listing_id, fit in ranked:
        view = views[listing_id]
        score = match_score(fit=fit, candidate=candidate, opening=opening_from_view(view), rules=rules)
        if is_shown(score, threshold=config.match_threshold):
            published = view.published_at
            scored.append((score, published.timestamp() if published else 0.0, listing_id))
    # Best first; ties: newest published first, then the larger id (UUIDv7: the later one), for a stable order.
    scored.sort(key=lambda entry: (entry[0].total, entry[1], entry[2].int), reverse=True)
    shown = scored[:limit]
    return [ListingMatchView(listing=views[listing_id], match=match_view(score)) for score, _at, listing_id in shown]
