"""The revenue /api/v1 routes for rewards and offers."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

from azora.accounts.errors import InsufficientScope, UserPrincipalRequired
from azora.accounts.public import Principal
from azora.revenue.public.offers import offer_accept, offers_of
from azora.revenue.public.rewards import reward_month_summary, rewards_of
from azora.revenue.schemas.rewards import OfferOut, RewardOut, RewardPageOut, RewardSummaryOut
from azora.shared.pagination import PageParams

router = Router(tags=["rewards"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT). API keys carry no revenue scope, so they are refused here."""
    principal = request.auth  # type: ignore[attr-defined]  # ninja sets it after authentication
    assert isinstance(principal, Principal)
    if principal.scopes is not None:
        raise InsufficientScope(extra={"required_scope": "revenue"})
    if principal.user_id is None:
        raise UserPrincipalRequired()
    return principal.user_id


@router.get("/me/rewards", response=RewardPageOut, summary="The caller's learn-to-earn rewards, newest first")
def my_reward_list(request: HttpRequest, page: Query[PageParams]) -> RewardPageOut:
    result = rewards_of(user_id=_user_id(request), cursor=page.cursor, limit=page.limit)
    return RewardPageOut(items=[RewardOut.of(view) for view in result.items], next_cursor=result.next_cursor)


@router.get("/me/rewards/summary", response=RewardSummaryOut, summary="AZR earned this month against the plan's cap")
def my_reward_summary(request: HttpRequest) -> RewardSummaryOut:
    return RewardSummaryOut.of(reward_month_summary(user_id=_user_id(request)))


@router.get("/me/offers", response=list[OfferOut], summary="The caller's upgrade offers, newest first")
def my_offer_list(request: HttpRequest) -> list[OfferOut]:
    return [OfferOut.of(view) for view in offers_of(user_id=_user_id(request))]


@router.post("/offers/{offer_id}/accept", response=OfferOut, summary="Accept one of the caller's upgrade offers")
def offer_accept_endpoint(request: HttpRequest, offer_id: uuid.UUID) -> OfferOut:
    return OfferOut.of(offer_accept(offer_id=offer_id, user_id=_user_id(request)))
