"""The revenue /api/v1 routes for rewards and offers."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

from azora.accounts.public import request_user_id
from azora.revenue.public.offers import offer_accept, offers_of
from azora.revenue.public.rewards import reward_month_summary, rewards_of
from azora.revenue.schemas.rewards import OfferOut, RewardOut, RewardPageOut, RewardSummaryOut
from azora.shared.pagination import PageParams

router = Router(tags=["rewards"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no revenue scope, so they are refused."""
    return request_user_id(request, scope="revenue")


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
