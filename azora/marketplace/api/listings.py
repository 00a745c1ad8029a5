"""The marketplace listings API: search with facets, posting, one listing, editing and status changes, and a
poster's own listings."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from azora.accounts.public import request_user_id
from azora.marketplace.public import listings
from azora.marketplace.public.views import ListingSkillInput, MilestoneInput
from azora.marketplace.schemas.listings import (
    ListingCreateIn,
    ListingOut,
    ListingPageOut,
    ListingSearchIn,
    ListingUpdateIn,
    listing_page_json,
)
from azora.shared.pagination import PageParams
from azora.shared.schemas import trusted_json

router = Router()

__all__ = ["router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in person (session or JWT); API keys carry no marketplace scope, so they are refused."""
    return request_user_id(request, scope="marketplace")


@router.get("/listings", response=ListingPageOut, summary="Search open listings, with facet counts")
def listing_search(request: HttpRequest, filters: Query[ListingSearchIn]) -> HttpResponse:
    page = listings.listing_search(
        viewer_id=_user_id(request),
        query=filters.q,
        kind=filters.kind,
        job_type=filters.job_type,
        remote=filters.remote,
        location=filters.location,
        skills=filters.skill,
        currency=filters.currency,
        pay_min_minor=filters.pay_min_minor,
        pay_max_minor=filters.pay_max_minor,
        sort=filters.sort,
        cursor=filters.cursor,
        limit=filters.limit,
        with_facets=filters.facets,
    )
    return trusted_json(request, listing_page_json(page))


@router.post("/listings", response={201: ListingOut}, summary="Post a job or a gig (a draft, or open with publish)")
def listing_create(request: HttpRequest, payload: ListingCreateIn) -> Status[ListingOut]:
    view = listings.listing_create(
        poster_id=_user_id(request),
        organisation_id=payload.organisation_id,
        kind=payload.kind,
        job_type=payload.job_type,
        title=payload.title,
        description=payload.description,
        location=payload.location,
        country=payload.country,
        is_remote=payload.is_remote,
        currency=payload.currency,
        pay_min_minor=payload.pay_min_minor,
        pay_max_minor=payload.pay_max_minor,
        pay_period=payload.pay_period,
        experience_years=payload.experience_years,
        closes_at=payload.closes_at,
        skills=[ListingSkillInput(skill=s.skill, level=s.level, is_required=s.is_required) for s in payload.skills],
        milestones=[MilestoneInput(title=m.title, amount_minor=m.amount_minor) for m in payload.milestones],
        publish=payload.publish,
    )
    return Status(201, ListingOut.of(view))


@router.get("/me/listings", response=ListingPageOut, summary="The listings you posted, any status, newest first")
def my_listings(request: HttpRequest, page: Query[PageParams]) -> ListingPageOut:
    return ListingPageOut.of(
        listings.listings_of_poster(poster_id=_user_id(request), cursor=page.cursor, limit=page.limit)
    )


@router.get("/listings/{uuid:listing_id}", response=ListingOut, summary="One listing (a draft only for its poster)")
def listing_get(request: HttpRequest, listing_id: uuid.UUID) -> ListingOut:
    return ListingOut.of(listings.listing_get(listing_id=listing_id, viewer_id=_user_id(request)))


@router.patch("/listings/{uuid:listing_id}", response=ListingOut, summary="Edit a listing or change its status")
def listing_update(request: HttpRequest, listing_id: uuid.UUID, payload: ListingUpdateIn) -> ListingOut:
    changes = payload.model_dump(exclude_unset=True)
    if payload.skills is not None:
        changes["skills"] = [ListingSkillInput(s.skill, s.level, s.is_required) for s in payload.skills]
    if payload.milestones is not None:
        changes["milestones"] = [MilestoneInput(m.title, m.amount_minor) for m in payload.milestones]
    view = listings.listing_update(actor_id=_user_id(request), listing_id=listing_id, changes=changes)
    return ListingOut.of(view)
