"""Listings: posting, editing, status changes and search with facets."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from azora.marketplace.public.views import ListingPage, ListingSkillInput, ListingView, MilestoneInput

# Services and selectors import the views above, so they are imported inside each function, never at module load.

__all__ = [
    "listing_create",
    "listing_get",
    "listing_search",
    "listing_update",
    "listings_expire",
    "listings_of_poster",
]


def listing_create(
    *,
    poster_id: uuid.UUID,
    organisation_id: uuid.UUID | None = None,
    kind: str,
    job_type: str = "",
    title: str,
    description: str = "",
    location: str = "",
    country: str = "",
    is_remote: bool = False,
    currency: str,
    pay_min_minor: int,
    pay_max_minor: int | None = None,
    pay_period: str | None = None,
    experience_years: int = 0,
    closes_at: datetime | None = None,
    skills: Sequence[ListingSkillInput] = (),
    milestones: Sequence[MilestoneInput] = (),
    publish: bool = False,
) -> ListingView:
    """A draft (or, with publish, an open listing). Gigs: pay_max = pay_min = the sum of the milestones, period
    "project". Posting for an organisation needs an owner/admin/billing role there."""
    from azora.marketplace.selectors import listings as selectors
    from azora.marketplace.services import listings as services

    listing = services.listing_create(
        poster_id=poster_id,
        organisation_id=organisation_id,
        kind=kind,
        job_type=job_type,
        title=title,
        description=description,
        location=location,
        country=country,
        is_remote=is_remote,
        currency=currency,
        pay_min_minor=pay_min_minor,
        pay_max_minor=pay_max_minor,
        pay_period=pay_period,
        experience_years=experience_years,
        closes_at=closes_at,
        skills=skills,
        milestones=milestones,
        publish_now=publish,
    )
    return selectors.listing_for_viewer(listing_id=listing.id, viewer_id=poster_id)


def listing_update(*, actor_id: uuid.UUID, listing_id: uuid.UUID, changes: Mapping[str, Any]) -> ListingView:
    """Edits fields (the same names as listing_create) and/or moves `status` along draft → open → paused →
    filled | closed (open ↔ paused). Only the poster (or the organisation's admins)."""
    from azora.marketplace.selectors import listings as selectors
    from azora.marketplace.services import listings as services

    listing = services.listing_update(actor_id=actor_id, listing_id=listing_id, changes=changes)
    return selectors.listing_for_viewer(listing_id=listing.id, viewer_id=actor_id)


def listing_get(*, listing_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ListingView:
    """Open, paused, filled, closed and expired listings for anyone; drafts only for their poster."""
    from azora.marketplace.selectors import listings as selectors

    return selectors.listing_for_viewer(listing_id=listing_id, viewer_id=viewer_id)


def listing_search(
    *,
    viewer_id: uuid.UUID | None,
    query: str = "",
    kind: str | None = None,
    job_type: str | None = None,
    remote: bool | None = None,
    location: str | None = None,
    skills: Sequence[str] = (),
    currency: str | None = None,
    pay_min_minor: int | None = None,
    pay_max_minor: int | None = None,
    sort: str = "best",  # best (relevance, then match for a viewer) | newest | pay
    cursor: str | None = None,
    limit: int = 20,
    with_facets: bool = True,
) -> ListingPage:
    """Open listings only. Full-text over title, description and skills (PostgreSQL tsvector + GIN; SQLite FTS5)."""
    from azora.marketplace.selectors import search

    return search.listing_search(
        viewer_id=viewer_id,
        query=query,
        kind=kind,
        job_type=job_type,
        remote=remote,
        location=location,
        skills=skills,
        currency=currency,
        pay_min_minor=pay_min_minor,
        pay_max_minor=pay_max_minor,
        sort=sort,
        cursor=cursor,
        limit=limit,
        with_facets=with_facets,
    )


def listings_of_poster(*, poster_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> ListingPage:
    from azora.marketplace.selectors import listings as selectors

    return selectors.listings_of_poster(poster_id=poster_id, cursor=cursor, limit=limit)


def listings_expire() -> int:
    """Expires open and paused listings past their closing date (the periodic job calls this); how many."""
    from azora.marketplace.services import listings as services

    return services.listings_expire()
