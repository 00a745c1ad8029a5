"""The revenue engine's public functions for learn-to-earn rewards and AZR redemption."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from azora.shared.errors import Conflict, PermissionDenied, ValidationFailed
from azora.shared.money import Money
from azora.shared.pagination import Page

__all__ = [
    "RedemptionCurrencyNotSupported",
    "RedemptionInsufficientAzr",
    "RedemptionInvalidAmount",
    "RedemptionNeedsCertificate",
    "RedemptionPreview",
    "RedemptionReferenceConflict",
    "RedemptionTooSmall",
    "RewardMonthSummary",
    "RewardView",
    "azr_redeem",
    "azr_redemption_preview",
    "reward_month_summary",
    "rewards_of",
]


@dataclass(frozen=True, slots=True)
class RewardView:
    """One reward decision as its learner sees it: `amount` is what was paid (AZR; 0 when capped or not
    eligible), `proof` the event, score and formula inputs it was computed from."""

    id: uuid.UUID
    user_id: uuid.UUID
    item: str  # course_completion, lesson_completion, assessment_passed or certificate_earned
    item_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    status: str  # paid, capped (paid in part or not at all) or not_eligible
    amount: Money
    proof: dict[str, Any]
    transfer_id: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RewardMonthSummary:
    """This UTC month's learn-to-earn for one learner: earned so far, the plan's cap and what is left of it."""

    month: date  # the first day of the month
    earned: Money
    cap: Money
    remaining: Money
    daily_cap: Money
    earned_today: Money


@dataclass(frozen=True, slots=True)
class RedemptionPreview:
    """`azr` given up for `discount` (in the order's currency) at the configured rate."""

    azr: Money
    discount: Money


class RedemptionNeedsCertificate(PermissionDenied):
    code = "redemption_needs_certificate"
    title = "Redeeming AZR needs a valid, unexpired certificate."


class RedemptionCurrencyNotSupported(ValidationFailed):
    code = "redemption_currency_not_supported"
    title = "AZR cannot be redeemed for a discount in this currency."


class RedemptionInvalidAmount(ValidationFailed):
    code = "redemption_invalid_amount"
    title = "The AZR to redeem must be a positive amount of AZR."


class RedemptionTooSmall(ValidationFailed):
    code = "redemption_too_small"
    title = "That much AZR is worth less than the smallest unit of the currency."


class RedemptionInsufficientAzr(Conflict):
    code = "redemption_insufficient_azr"
    title = "The wallet does not hold that much AZR."


class RedemptionReferenceConflict(Conflict):
    code = "redemption_reference_conflict"
    title = "This reference was already used for a different redemption."


def rewards_of(*, user_id: uuid.UUID, cursor: str | None = None, limit: int | None = None) -> Page[RewardView]:
    """The learner's rewards, newest first (keyset cursor); InvalidCursor for a cursor of another list."""
    from azora.revenue.selectors import rewards

    return rewards.rewards_of(user_id=user_id, cursor=cursor, limit=limit)


def reward_month_summary(*, user_id: uuid.UUID) -> RewardMonthSummary:
    from azora.revenue.selectors import rewards

    return rewards.reward_month_summary(user_id=user_id)


def azr_redemption_preview(*, user_id: uuid.UUID, azr: Money, currency: str) -> RedemptionPreview:
    """What `azr` is worth as a discount in `currency`; refused (and nothing written) without a valid certificate,
    for an unsupported currency, a non-positive or non-AZR amount, more than the wallet holds, or a zero
    discount."""
    from azora.revenue.services import rewards

    return rewards.azr_redemption_preview(user_id=user_id, azr=azr, currency=currency)


def azr_redeem(
    *, user_id: uuid.UUID, azr: Money, currency: str, reference: str, transfer_id: uuid.UUID
) -> RedemptionPreview:
    """Burns `azr` for a discount in `currency` inside the caller's transaction (finance's redemption burn) and
    records the Redemption; the same reference again returns the first result. It applies what checkout quoted
    with `azr_redemption_preview` (which checked the certificate): refusals as the preview's except the
    certificate, plus RedemptionReferenceConflict for a reference used for another redemption."""
    from azora.revenue.services import rewards

    return rewards.azr_redeem(user_id=user_id, azr=azr, currency=currency, reference=reference, transfer_id=transfer_id)
