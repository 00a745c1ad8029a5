"""The read side of listings: one listing for a viewer, a poster's own listings, and the frozen views of listings.

Every view is built by `listing_views` from three `values()` queries compiled once per thread (the listings, their
skills with names, their milestones), whatever the number of listings: a search page, my matches and one listing
read the same way, with no model instances (ADR 0025: building them cost more CPU than the queries).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import azora.accounts.public as accounts
from azora.marketplace.errors import ListingNotFound
from azora.marketplace.models import Listing, ListingMilestone, ListingSkill, ListingStatus
from azora.marketplace.public.views import ListingPage, ListingSkillView, ListingView, MilestoneInput
from azora.marketplace.selectors.skills import LEVEL_NAMES
from azora.shared.compiled import CompiledQuery
from azora.shared.money import Money
from azora.shared.pagination import paginate_queryset

__all__ = [
    "MANAGING_ROLES",
    "listing_for_viewer",
    "listing_views",
    "listings_of_poster",
    "may_manage",
    "may_manage_listing",
]

# Organisation roles that may post and manage listings on the organisation's behalf.
MANAGING_ROLES: frozenset[str] = frozenset({"owner", "admin", "billing"})

_VIEW_FIELDS = (
    "id",
    "kind",
    "job_type",
    "title",
    "description",
    "description_html",
    "poster_id",
    "poster_name",
    "organisation_id",
    "location",
    "country",
    "is_remote",
    "currency",
    "pay_min_minor",
    "pay_max_minor",
    "pay_period",
    "experience_years",
    "closes_at",
    "status",
    "published_at",
    "created_at",
    "application_count",
)
_LISTINGS = CompiledQuery(
    "listings by id", lambda *, ids: Listing.objects.filter(id__in=ids).order_by().values(*_VIEW_FIELDS)
)
_SKILLS = CompiledQuery(
    "skills of listings",
    lambda *, ids: (
        ListingSkill.objects.filter(listing_id__in=ids)
        .order_by("-is_required", "skill__name")
        .values("listing_id", "skill_id", "skill__name", "level", "is_required")
    ),
)
_MILESTONES = CompiledQuery(
    "milestones of listings",
    lambda *, ids: (
        ListingMilestone.objects.filter(listing_id__in=ids)
        .order_by("position")
        .values("listing_id", "title", "amount_minor")
    ),
)


def _view(row: dict[str, Any], skills: Iterable[ListingSkillView], milestones: Iterable[MilestoneInput]) -> ListingView:
    currency = row["currency"]
    return ListingView(
        id=row["id"],
        kind=row["kind"],
        job_type=row["job_type"],
        title=row["title"],
        description=row["description"],
        description_html=row["description_html"],
        poster_id=row["poster_id"],
        poster_name=row["poster_name"],
        organisation_id=row["organisation_id"],
        location=row["location"],
        country=row["country"],
        is_remote=row["is_remote"],
        pay_min=Money(row["pay_min_minor"], currency),
        pay_max=Money(row["pay_max_minor"], currency),
        pay_period=row["pay_period"],
        experience_years=row["experience_years"],
        closes_at=row["closes_at"],
        status=row["status"],
        published_at=row["published_at"],
        created_at=row["created_at"],
        skills=tuple(skills),
        milestones=tuple(milestones),
        application_count=row["application_count"],
    )


def listing_views(*, listing_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ListingView]:
    """Many listings' views by id in three queries (any status; the caller decides who may see what)."""
    ids = list(dict.fromkeys(listing_ids))
    if not ids:
        return {}
    skills: dict[uuid.UUID, list[ListingSkillView]] = {}
    for row in _SKILLS.run(ids=ids):
        skills.setdefault(row["listing_id"], []).append(
            ListingSkillView(
                skill_id=row["skill_id"],
                name=row["skill__name"],
                level=row["level"],
                level_name=LEVEL_NAMES[row["level"]],
                is_required=row["is_required"],
            )
        )
    milestones: dict[uuid.UUID, list[MilestoneInput]] = {}
    for row in _MILESTONES.run(ids=ids):
        milestones.setdefault(row["listing_id"], []).append(
            MilestoneInput(title=row["title"], amount_minor=row["amount_minor"])
        )
    return {
        row["id"]: _view(row, skills.get(row["id"], ()), milestones.get(row["id"], ()))
        for row in _LISTINGS.run(ids=ids)
    }


def may_manage(*, poster_id: uuid.UUID, organisation_id: uuid.UUID | None, user_id: uuid.UUID) -> bool:
    """The poster, or an owner/admin/billing member of the organisation it was posted for."""
    if poster_id == user_id:
        return True
    if organisation_id is None:
        return False
    role = accounts.organisation_role_of(user_id=user_id, organisation_id=organisation_id)
    return role in MANAGING_ROLES


def may_manage_listing(*, listing: Listing, user_id: uuid.UUID) -> bool:
    """`may_manage` for a listing row."""
    return may_manage(poster_id=listing.poster_id, organisation_id=listing.organisation_id, user_id=user_id)


def listing_for_viewer(*, listing_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ListingView:
    """Any listing but a draft for anyone; a draft only for those who manage it (ListingNotFound otherwise)."""
    try:
        listing_id = uuid.UUID(str(listing_id))  # an id given as text, as the ORM took it
    except ValueError:
        raise ListingNotFound() from None
    view = listing_views(listing_ids=[listing_id]).get(listing_id)
    if view is None:
        raise ListingNotFound()
    if view.status == ListingStatus.DRAFT and (
        viewer_id is None
        or not may_manage(poster_id=view.poster_id, organisation_id=view.organisation_id, user_id=viewer_id)
    ):
        raise ListingNotFound()
    return view


def listings_of_poster(*, poster_id: uuid.UUID, cursor: str | None, limit: int) -> ListingPage:
    """Everything the person posted (any status), newest first."""
    page = paginate_queryset(
        Listing.objects.filter(poster_id=poster_id).only("id"),
        cursor=cursor,
        limit=limit,
        to_item=lambda listing: listing.id,
        ordering=("-id",),
    )
    views = listing_views(listing_ids=page.items)
    return ListingPage(items=tuple(views[listing_id] for listing_id in page.items), next_cursor=page.next_cursor)
