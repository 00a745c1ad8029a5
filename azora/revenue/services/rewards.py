"""Learn-to-earn's write side: rewards paid from the rewards pool within the caps, the pool's funding, and AZR
redeemed for discounts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Final

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

import azora.education.public as education
import azora.finance.errors as finance_errors
import azora.finance.public as finance
from azora.revenue.models import Redemption, Reward, RewardItem, RewardStatus
from azora.revenue.public.rewards import (
    RedemptionCurrencyNotSupported,
    RedemptionInsufficientAzr,
    RedemptionInvalidAmount,
    RedemptionNeedsCertificate,
    RedemptionPreview,
    RedemptionReferenceConflict,
    RedemptionTooSmall,
    RewardView,
)
from azora.revenue.rewards_formula import DEFAULT_FORMULA, ItemRule, RewardFormula, RewardInputs, reward_compute
from azora.shared.ids import uuid7
from azora.shared.money import CURRENCY_EXPONENTS, Money

logger = structlog.get_logger(__name__)

AZR: Final = "AZR"
# Settings (the lead adds them to config/env.py; each is read at call time, so tests may override them).
REWARDS_POOL_SETTING: Final = "AZORA_REVENUE_REWARDS_POOL"
REWARDS_POOL_DEFAULT: Final = 10_000_000  # whole AZR moved once from "treasury" into "rewards_pool"
DAILY_CAP_SETTING: Final = "AZORA_REVENUE_DAILY_REWARD_CAP"
DAILY_CAP_DEFAULT: Final = "200"  # AZR a learner can earn per UTC day, whatever the plan (against farming)
REDEMPTION_RATE_SETTING: Final = "AZORA_REVENUE_AZR_REDEMPTION_RATE"
REDEMPTION_RATE_DEFAULT: Final = "ZAR:10"  # AZR per 1 unit of the currency, comma-separated per currency
REWARD_ITEMS_SETTING: Final = "AZORA_REVENUE_REWARD_ITEMS"  # {item: {"base": "100", "weight": "1.0"}}
REWARD_DIFFICULTY_SETTING: Final = "AZORA_REVENUE_REWARD_DIFFICULTY"  # {level: "1.5"}
REWARD_PASS_SCORE_SETTING: Final = "AZORA_REVENUE_REWARD_PASS_SCORE"  # noqa: S105 -- a setting name, not a password
REWARD_TIME_BONUS_HOURS_SETTING: Final = "AZORA_REVENUE_REWARD_TIME_BONUS_MAX_HOURS"  # "0.5"

# The pool's one funding transfer has a fixed id: finance's unique key makes a second funding impossible, even
# when two first rewards race to fund it.
POOL_FUNDING_TRANSFER_ID: Final = uuid.uuid5(uuid.NAMESPACE_URL, "azora:revenue:rewards_pool_fund")
# Namespaces the advisory lock keys of learners (PostgreSQL), apart from any other advisory lock.
_LEARNER_LOCK_NAMESPACE: Final = 0x52455744  # "REWD"


def reward_formula() -> RewardFormula:
    """The formula as configured: each setting replaces its part of the issue's defaults."""
    items: Mapping[str, ItemRule] = DEFAULT_FORMULA.items
    configured_items = getattr(settings, REWARD_ITEMS_SETTING, None)
    if configured_items:
        items = dict(items) | {
            name: ItemRule(
                base=Decimal(str(rule["base"])),
                weight=Decimal(str(rule["weight"])),
                needs_score=bool(rule.get("needs_score", name == "assessment_passed")),
            )
            for name, rule in configured_items.items()
        }
    difficulty: Mapping[str, Decimal] = DEFAULT_FORMULA.difficulty
    configured_difficulty = getattr(settings, REWARD_DIFFICULTY_SETTING, None)
    if configured_difficulty:
        difficulty = dict(difficulty) | {level: Decimal(str(value)) for level, value in configured_difficulty.items()}
    return RewardFormula(
        items=items,
        difficulty=difficulty,
        pass_score=Decimal(str(getattr(settings, REWARD_PASS_SCORE_SETTING, DEFAULT_FORMULA.pass_score))),
        score_span=DEFAULT_FORMULA.score_span,
        time_bonus_max_hours=Decimal(
            str(getattr(settings, REWARD_TIME_BONUS_HOURS_SETTING, DEFAULT_FORMULA.time_bonus_max_hours))
        ),
    )


def daily_reward_cap() -> Money:
    return Money.from_decimal(Decimal(str(getattr(settings, DAILY_CAP_SETTING, DAILY_CAP_DEFAULT))), AZR)


def rewards_pool_size() -> Money:
    return Money(
        int(getattr(settings, REWARDS_POOL_SETTING, REWARDS_POOL_DEFAULT)) * 10 ** CURRENCY_EXPONENTS[AZR], AZR
    )


def redemption_rates() -> dict[str, Decimal]:
    """AZR per one unit of each currency, from "ZAR:10,USD:180"."""
    raw = str(getattr(settings, REDEMPTION_RATE_SETTING, REDEMPTION_RATE_DEFAULT))
    rates: dict[str, Decimal] = {}
    for part in raw.split(","):
        if part.strip():
            currency, _, rate = part.partition(":")
            rates[currency.strip().upper()] = Decimal(rate.strip())
    return rates


def month_start(now: dt.datetime) -> dt.datetime:
    now = now.astimezone(dt.UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def day_start(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def earned_since(*, user_id: uuid.UUID, since: dt.datetime) -> int:
    """AZR minor units paid to the learner since `since` (capped rows count with what they paid)."""
    total = Reward.objects.filter(user_id=user_id, created_at__gte=since).aggregate(total=Sum("amount_minor"))
    return int(total["total"] or 0)


def monthly_cap(*, user_id: uuid.UUID) -> Money:
    """The plan's monthly AZR cap (pricing's azr_monthly_cap, the plan's azr_earn_per_month)."""
    from azora.revenue.public import azr_monthly_cap

    return azr_monthly_cap(user_id=user_id)


def reward_view(reward: Reward) -> RewardView:
    return RewardView(
        id=reward.id,
        user_id=reward.user_id,
        item=str(reward.item),
        item_id=reward.item_id,
        course_id=reward.course_id,
        course_title=str(reward.proof.get("course_title", "")),
        status=str(reward.status),
        amount=Money(reward.amount_minor, AZR),
        proof=dict(reward.proof),
        transfer_id=reward.transfer_id,
        created_at=reward.created_at,
    )


def lock_learner(user_id: uuid.UUID) -> None:
    """Serialises one learner's reward decisions until the transaction ends, so two events at once cannot both
    see the same room under the caps. SQLite needs nothing: its transactions are IMMEDIATE (one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The id's random tail: a UUIDv7's head is its timestamp, shared by users made in the same minute.
            key = int.from_bytes(user_id.bytes[-4:], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LEARNER_LOCK_NAMESPACE, key])


def rewards_pool_ensure_funded() -> finance.TransferView:
    """Moves the configured pool size from "treasury" to "rewards_pool" once ("rewards_pool_fund"); later calls
    return that transfer. AZR is never created here: the supply stays what the mint issued."""
    existing = finance.transfer_get(transfer_id=POOL_FUNDING_TRANSFER_ID)
    if existing is not None:
        return existing
    amount = rewards_pool_size()
    treasury = finance.platform_account(code="treasury", currency=AZR)
    pool = finance.platform_account(code="rewards_pool", currency=AZR)
    view = finance.transfer_post(
        transfer_id=POOL_FUNDING_TRANSFER_ID,
        kind="rewards_pool_fund",
        reason="Fund the learn-to-earn rewards pool from the treasury",
        reference="revenue:rewards_pool",
        postings=[
            finance.Posting(account_id=treasury.id, side="debit", amount=amount),
            finance.Posting(account_id=pool.id, side="credit", amount=amount),
        ],
        metadata={"pool_minor": amount.minor},
    )
    logger.info("revenue.rewards_pool_funded", amount_minor=amount.minor)
    return view


def reward_grant(
    *,
    user_id: uuid.UUID,
    item: str,
    item_id: uuid.UUID,
    course_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
    score: Decimal | None = None,
    seconds_spent: int = 0,
    evidence: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> RewardView:
    """Decides the reward for one piece of verified learning, once per learner and item.

    A second call for the same (learner, item, item id) - a retake, a redelivered event - returns the first
    decision and pays nothing. Otherwise: not eligible (an assessment below the pass score) records a row with
    amount 0; an eligible reward pays what fits under both the plan's monthly cap and the daily cap (status
    `capped` when that is less than the formula's amount, down to 0), as one "reward" transfer from the rewards
    pool to the learner's AZR wallet in this same transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_learner(user_id)
        existing = Reward.objects.filter(user_id=user_id, item=item, item_id=item_id).first()
        if existing is not None:
            return reward_view(existing)
        facts = education.course_facts(course_id=course_id)
        outcome = reward_compute(
            RewardInputs(item=item, level=facts.level, score=score, seconds_spent=max(seconds_spent, 0)),
            reward_formula(),
        )
        proof: dict[str, Any] = {
            "event_id": str(event_id),
            "event_type": event_type,
            "course_title": facts.title,
            "level": facts.level,
            "score": None if score is None else str(score),
            "seconds_spent": max(seconds_spent, 0),
            "formula": outcome.as_proof(),
            "formula_amount_minor": outcome.amount_minor,
            **dict(evidence or {}),
        }
        status = RewardStatus.NOT_ELIGIBLE
        paid = 0
        if outcome.eligible:
            cap = monthly_cap(user_id=user_id)
            daily = daily_reward_cap()
            month_room = cap.minor - earned_since(user_id=user_id, since=month_start(now))
            day_room = daily.minor - earned_since(user_id=user_id, since=day_start(now))
            paid = max(0, min(outcome.amount_minor, month_room, day_room))
            status = RewardStatus.PAID if paid == outcome.amount_minor else RewardStatus.CAPPED
            proof["caps"] = {
                "monthly_cap_minor": cap.minor,
                "monthly_room_minor": max(month_room, 0),
                "daily_cap_minor": daily.minor,
                "daily_room_minor": max(day_room, 0),
            }
        reward_id = uuid7()
        transfer_id = None
        if paid:
            transfer_id = _pay(reward_id=reward_id, user_id=user_id, amount=Money(paid, AZR), item=item)
        reward = Reward.objects.create(
            id=reward_id,
            user_id=user_id,
            item=item,
            item_id=item_id,
            course_id=course_id,
            event_id=event_id,
            status=status,
            amount_minor=paid,
            proof=proof,
            transfer_id=transfer_id,
        )
    logger.info("revenue.reward_decided", reward_id=str(reward.id), item=item, status=status, amount_minor=paid)
    return reward_view(reward)


def assessment_passed_before(*, user_id: uuid.UUID, event_id: uuid.UUID) -> bool:
    """Whether the learner passed an assessment before the pass announced by `event_id` (its reward decision is
    the record of a pass, whether it paid or not)."""
    passes = Reward.objects.filter(user_id=user_id, item=RewardItem.ASSESSMENT_PASSED).exclude(event_id=event_id)
    return passes.exists()


def _pay(*, reward_id: uuid.UUID, user_id: uuid.UUID, amount: Money, item: str) -> uuid.UUID:
    rewards_pool_ensure_funded()
    pool = finance.platform_account(code="rewards_pool", currency=AZR)
    wallet = finance.user_wallet(user_id=user_id, currency=AZR)
    transfer = finance.transfer_post(
        transfer_id=uuid7(),
        kind="reward",
        reason=f"Learn-to-earn reward: {item.replace('_', ' ')}",
        reference=f"reward:{reward_id}",
        postings=[
            finance.Posting(account_id=pool.id, side="debit", amount=amount),
            finance.Posting(account_id=wallet.id, side="credit", amount=amount),
        ],
        metadata={"reward_id": str(reward_id), "user_id": str(user_id), "item": item},
    )
    return transfer.id


# --- AZR redemption -------------------------------------------------------------------------------------------


def _check_redemption(
    *, user_id: uuid.UUID, azr: Money, currency: str, needs_certificate: bool = True
) -> RedemptionPreview:
    """Every refusal of a redemption, checked before anything is written; the preview when none applies."""
    if azr.currency != AZR or azr.minor <= 0:
        raise RedemptionInvalidAmount(extra={"errors": [{"field": "azr", "message": "A positive amount of AZR."}]})
    rate = redemption_rates().get(currency)
    if rate is None or rate <= 0 or currency not in CURRENCY_EXPONENTS:
        raise RedemptionCurrencyNotSupported(extra={"currency": currency, "supported": sorted(redemption_rates())})
    if needs_certificate and not has_valid_certificate(user_id=user_id):
        raise RedemptionNeedsCertificate()
    try:
        exact = azr.to_decimal() / rate
    except InvalidOperation as error:  # a rate such as "ZAR:abc" is a configuration error, not the learner's
        raise RedemptionCurrencyNotSupported(extra={"currency": currency}) from error
    # Down to the currency's minor unit: a discount is never worth more than the AZR given for it.
    exponent = CURRENCY_EXPONENTS[currency]
    discount = Money(int(exact.scaleb(exponent).to_integral_value(rounding=ROUND_DOWN)), currency)
    if discount.minor <= 0:
        raise RedemptionTooSmall(extra={"rate_azr_per_unit": str(rate)})
    wallet = finance.user_wallet(user_id=user_id, currency=AZR)
    available = finance.balance(account_id=wallet.id).available
    if available.minor < azr.minor:
        raise RedemptionInsufficientAzr(extra={"available": str(available)})
    return RedemptionPreview(azr=azr, discount=discount)


def has_valid_certificate(*, user_id: uuid.UUID) -> bool:
    return any(not c.is_expired and not c.is_revoked for c in education.certificates_of(user_id=user_id))


def azr_redemption_preview(*, user_id: uuid.UUID, azr: Money, currency: str) -> RedemptionPreview:
    return _check_redemption(user_id=user_id, azr=azr, currency=currency)


def azr_redeem(
    *, user_id: uuid.UUID, azr: Money, currency: str, reference: str, transfer_id: uuid.UUID
) -> RedemptionPreview:
    """Burns `azr` through finance's redemption (its burn rate to "burn", the rest back to "treasury") and writes
    the Redemption, in the caller's transaction (a savepoint here, so a refusal leaves the caller's work intact).

    This applies a redemption that checkout quoted with `azr_redemption_preview` when the order was made, and the
    certificate was checked then: re-checking it here would strand an order already paid at the discounted price
    when the certificate expired in between. Amount, currency and balance are checked again.
    """
    with transaction.atomic():
        existing = Redemption.objects.filter(reference=reference).first()
        if existing is not None:
            same = (existing.user_id, existing.azr_minor, existing.currency) == (user_id, azr.minor, currency)
            if not same:
                raise RedemptionReferenceConflict(extra={"reference": reference})
            return RedemptionPreview(
                azr=Money(existing.azr_minor, AZR), discount=Money(existing.discount_minor, existing.currency)
            )
        preview = _check_redemption(user_id=user_id, azr=azr, currency=currency, needs_certificate=False)
        try:
            finance.burn_for_redemption(
                transfer_id=transfer_id,
                user_id=user_id,
                amount=azr,
                reason=f"AZR redeemed for a discount of {preview.discount}",
                reference=f"redemption:{reference}",
            )
        except finance_errors.InsufficientFunds as error:  # spent elsewhere since the check above
            raise RedemptionInsufficientAzr() from error
        Redemption.objects.create(
            user_id=user_id,
            azr_minor=azr.minor,
            discount_minor=preview.discount.minor,
            currency=currency,
            reference=reference,
            transfer_id=transfer_id,
        )
    logger.info("revenue.azr_redeemed", azr_minor=azr.minor, discount_minor=preview.discount.minor, currency=currency)
    return preview
