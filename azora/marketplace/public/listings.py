"""Listings: posting, editing, status changes and search with facets (owner: MARKET-LISTINGS)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from azora.marketplace.public.views import ListingPage, ListingSkillInput, ListingView, MilestoneInput

__all__ = [
    "listing_create",
    "listing_get",
    "listing_search",
    "listing_update",
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
    raise NotImplementedError


def listing_update(*, actor_id: uuid.UUID, listing_id: uuid.UUID, changes: Mapping[str, Any]) -> ListingView:
    """Edits fields (the same names as listing_create) and/or moves `status` along draft → open → paused →
    filled | closed (open ↔ paused). Only the poster (or the organisation's admins)."""
    raise NotImplementedError


def listing_get(*, listing_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ListingView:
    """Open, paused, filled, closed and expired listings for anyone; drafts only for their poster."""
    raise NotImplementedError


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
    raise NotImplementedError


def listings_of_poster(*, poster_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> ListingPage:
    raise NotImplementedError
