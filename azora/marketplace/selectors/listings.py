"""The read side of listings: one listing for a viewer, a poster's own listings, and the frozen view of a listing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

import azora.accounts.public as accounts
from azora.marketplace.errors import ListingNotFound
from azora.marketplace.models import Listing, ListingMilestone, ListingSkill, ListingStatus
from azora.marketplace.public.views import ListingPage, ListingSkillView, ListingView, MilestoneInput
from azora.marketplace.selectors.skills import LEVEL_NAMES
from azora.shared.money import Money
from azora.shared.pagination import paginate_queryset

__all__ = [
    "MANAGING_ROLES",
    "listing_for_viewer",
    "listing_view",
    "listing_views",
    "listings_of_poster",
    "may_manage_listing",
    "with_view_relations",
]

# Organisation roles that may post and manage listings on the organisation's behalf.
MANAGING_ROLES: frozenset[str] = frozenset({"owner", "admin", "billing"})


def with_view_relations(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    """Two more queries for a whole page, whatever its size: the skills (with names) and the milestones."""
    return queryset.prefetch_related(
        Prefetch(
            "skills", queryset=ListingSkill.objects.select_related("skill").order_by("-is_required", "skill__name")
        ),
        Prefetch("milestones", queryset=ListingMilestone.objects.order_by("position")),
    )


def listing_view(listing: Listing) -> ListingView:
    """The frozen view; `listing` comes through `with_view_relations` (or costs two queries)."""
    return ListingView(
        id=listing.id,
        kind=listing.kind,
        job_type=listing.job_type,
        title=listing.title,
        description=listing.description,
        description_html=listing.description_html,
        poster_id=listing.poster_id,
        poster_name=listing.poster_name,
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
        skills=tuple(
            ListingSkillView(
                skill_id=row.skill_id,
                name=row.skill.name,
                level=row.level,
                level_name=LEVEL_NAMES[row.level],
                is_required=row.is_required,
            )
            for row in listing.skills.all()
        ),
        milestones=tuple(
            MilestoneInput(title=row.title, amount_minor=row.amount_minor) for row in listing.milestones.all()
        ),
        application_count=listing.application_count,
    )


def listing_views(*, listing_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ListingView]:
    """Many listings' views by id in three queries (any status; the caller decides who may see what)."""
    ids = list(listing_ids)
    if not ids:
        return {}
    return {listing.id: listing_view(listing) for listing in with_view_relations(Listing.objects.filter(id__in=ids))}


def may_manage_listing(*, listing: Listing, user_id: uuid.UUID) -> bool:
    """The poster, or an owner/admin/billing member of the organisation it was posted for."""
    if listing.poster_id == user_id:
        return True
    if listing.organisation_id is None:
        return False
    role = accounts.organisation_role_of(user_id=user_id, organisation_id=listing.organisation_id)
    return role in MANAGING_ROLES


def listing_for_viewer(*, listing_id: uuid.UUID, viewer_id: uuid.UUID | None) -> ListingView:
    """Any listing but a draft for anyone; a draft only for those who manage it (ListingNotFound otherwise)."""
    listing = with_view_relations(Listing.objects.filter(id=listing_id)).first()
    if listing is None:
        raise ListingNotFound()
    if listing.status == ListingStatus.DRAFT and (
        viewer_id is None or not may_manage_listing(listing=listing, user_id=viewer_id)
    ):
        raise ListingNotFound()
    return listing_view(listing)


def listings_of_poster(*, poster_id: uuid.UUID, cursor: str | None, limit: int) -> ListingPage:
    """Everything the person posted (any status), newest first."""
    page = paginate_queryset(
        with_view_relations(Listing.objects.filter(poster_id=poster_id)),
        cursor=cursor,
        limit=limit,
        to_item=listing_view,
        ordering=("-id",),
    )
    return ListingPage(items=tuple(page.items), next_cursor=page.next_cursor)
