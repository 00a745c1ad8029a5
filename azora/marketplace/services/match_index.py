"""The open-requirements read model "my matches" ranks from (models.OpenRequirement): kept in step with listings.

`listings_written` is what every listing write calls, in its transaction: it rewrites the written listings' rows
from Listing and ListingSkill (none unless the listing is open) and, after commit, moves the listings' generation
on so cached searches and rankings are dropped. `match_index_rebuild` rewrites every row (after a bulk load).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from django.core.cache import cache
from django.db import transaction

from azora.marketplace.matching import monthly_pay, place_key
from azora.marketplace.models import Listing, ListingSkill, ListingStatus, OpenRequirement
from azora.marketplace.selectors.search import SEARCH_GENERATION_KEY

__all__ = ["listings_written", "match_index_rebuild"]

_FACTS = (
    "id", "kind", "experience_years", "is_remote", "location", "country", "currency", "pay_max_minor",
    "pay_period", "published_at",
)  # fmt: skip


def _bump_generation() -> None:
    try:
        cache.incr(SEARCH_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(SEARCH_GENERATION_KEY, 1, timeout=None)


def _rows(listing_ids: Collection[uuid.UUID]) -> Iterable[OpenRequirement]:
    """The rows of those of `listing_ids` that are open: one per required skill, or one with no skill."""
    required: dict[uuid.UUID, list[tuple[uuid.UUID | None, int]]] = {}
    for listing_id, skill_id, level in (
        ListingSkill.objects.filter(listing_id__in=listing_ids, is_required=True)
        .order_by()
        .values_list("listing_id", "skill_id", "level")
    ):
        required.setdefault(listing_id, []).append((skill_id, level))
    for facts in Listing.objects.filter(id__in=listing_ids, status=ListingStatus.OPEN).order_by().values(*_FACTS):
        skills = required.get(facts["id"], [])
        shared = {
            "listing_id": facts["id"],
            "kind": facts["kind"],
            "required_count": len(skills),
            "experience_years": facts["experience_years"],
            "is_remote": facts["is_remote"],
            "place": place_key(facts["location"], facts["country"]),
            "currency": facts["currency"],
            "monthly_pay": monthly_pay(facts["pay_max_minor"], facts["pay_period"]),
            "published_at": facts["published_at"],
        }
        for skill, level in skills or [(None, 0)]:
            yield OpenRequirement(skill_id=skill, level=level, **shared)


def listings_written(listing_ids: Collection[uuid.UUID]) -> None:
    """After listings were created or changed in the current transaction: their rows of the read model follow, and
    cached searches and rankings are dropped once the transaction commits."""
    ids = list(listing_ids)
    OpenRequirement.objects.filter(listing_id__in=ids).delete()
    OpenRequirement.objects.bulk_create(_rows(ids), batch_size=5_000)
    transaction.on_commit(_bump_generation)


def match_index_rebuild(*, batch: int = 5_000) -> int:
    """Every open listing's rows rewritten, `batch` listings per transaction (matches never go empty meanwhile), and
    the rows of listings no longer open removed; returns how many rows there are."""
    ids = list(Listing.objects.filter(status=ListingStatus.OPEN).order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            listings_written(ids[start : start + batch])
    OpenRequirement.objects.exclude(listing__status=ListingStatus.OPEN).delete()
    return OpenRequirement.objects.count()
