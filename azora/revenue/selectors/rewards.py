"""Learn-to-earn's read side: a learner's rewards, newest first, and this month's earnings against the caps."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from azora.revenue.models import Reward
from azora.revenue.public.rewards import RewardMonthSummary, RewardView
from azora.revenue.services.rewards import (
    AZR,
    daily_reward_cap,
    day_start,
    earned_since,
    month_start,
    monthly_cap,
    reward_view,
)
from azora.shared.money import Money
from azora.shared.pagination import Page, paginate_queryset


def rewards_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int | None = None) -> Page[RewardView]:
    """One query per page: the course title travels in the proof, so no other app is asked per row."""
    return paginate_queryset(
        Reward.objects.filter(user_id=user_id),
        cursor=cursor,
        limit=limit,
        to_item=reward_view,
        ordering=("-id",),
    )


def reward_month_summary(*, user_id: uuid.UUID, now: dt.datetime | None = None) -> RewardMonthSummary:
    now = now or timezone.now()
    start = month_start(now)
    earned = Money(earned_since(user_id=user_id, since=start), AZR)
    cap = monthly_cap(user_id=user_id)
    return RewardMonthSummary(
        month=start.date(),
        earned=earned,
        cap=cap,
        remaining=Money(max(cap.minor - earned.minor, 0), AZR),
        daily_cap=daily_reward_cap(),
        earned_today=Money(earned_since(user_id=user_id, since=day_start(now)), AZR),
    )
