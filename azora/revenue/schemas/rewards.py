"""Request and response schemas of the rewards and offers API: rewards with their proof, this month's summary,
upgrade offers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema

from azora.revenue.public.offers import OfferView
from azora.revenue.public.rewards import RewardMonthSummary, RewardView
from azora.shared.schemas import AmountOut, amount_out


class RewardOut(Schema):
    """One reward decision: what was paid (AZR; 0 when capped or not eligible) and the proof it rests on."""

    id: uuid.UUID
    item: Literal["course_completion", "lesson_completion", "assessment_passed", "certificate_earned"]
    item_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: Literal["paid", "capped", "not_eligible"] = Field(
        description="capped: the monthly or daily cap left less than the formula's amount (paid in part, or 0)."
    )
    amount: AmountOut
    proof: dict[str, Any] = Field(
        description="The event (event_id, event_type and its subject ids), the score, the time spent, the formula's "
        "factors and, when eligible, the caps at the time."
    )
    transfer_id: uuid.UUID | None = Field(description="The ledger transfer that paid it; null when nothing was paid.")
    created_at: dt.datetime

    @staticmethod
    def of(view: RewardView) -> RewardOut:
        return RewardOut(
            id=view.id,
            item=view.item,  # type: ignore[arg-type]  # a RewardItem value, one of the Literal's
            item_id=view.item_id,
            course_id=view.course_id,
            course_title=view.course_title,
            status=view.status,  # type: ignore[arg-type]  # a RewardStatus value, one of the Literal's
            amount=amount_out(view.amount),
            proof=view.proof,
            transfer_id=view.transfer_id,
            created_at=view.created_at,
        )


class RewardPageOut(Schema):
    items: list[RewardOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class RewardSummaryOut(Schema):
    """This UTC month's earnings against the plan's cap, and today's against the daily cap."""

    month: dt.date
    earned: AmountOut
    cap: AmountOut
    remaining: AmountOut
    daily_cap: AmountOut
    earned_today: AmountOut

    @staticmethod
    def of(view: RewardMonthSummary) -> RewardSummaryOut:
        return RewardSummaryOut(
            month=view.month,
            earned=amount_out(view.earned),
            cap=amount_out(view.cap),
            remaining=amount_out(view.remaining),
            daily_cap=amount_out(view.daily_cap),
            earned_today=amount_out(view.earned_today),
        )


class OfferOut(Schema):
    """An upgrade offer: a discount on the plan (percent_off_bp, 5000 = 50%) or a trial of it (trial_days)."""

    id: uuid.UUID
    kind: Literal["progress", "first_pass", "completion"]
    status: Literal["active", "accepted", "expired"]
    plan_code: str
    percent_off_bp: int
    trial_days: int
    course_id: uuid.UUID | None
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    is_used: bool = Field(description="A discount offer applied to an order, or a trial offer started.")
    created_at: dt.datetime

    @staticmethod
    def of(view: OfferView) -> OfferOut:
        return OfferOut(
            id=view.id,
            kind=view.kind,  # type: ignore[arg-type]  # an OfferKind value, one of the Literal's
            status=view.status,  # type: ignore[arg-type]  # an OfferStatus value, one of the Literal's
            plan_code=view.plan_code,
            percent_off_bp=view.percent_off_bp,
            trial_days=view.trial_days,
            course_id=view.course_id,
            expires_at=view.expires_at,
            accepted_at=view.accepted_at,
            is_used=bool(view.used_reference),
            created_at=view.created_at,
        )
