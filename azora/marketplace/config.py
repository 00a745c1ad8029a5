"""The narrow settings the marketplace works with: fee, escrow and review periods, and the match rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, slots=True)
class MarketplaceConfig:
    fee_bp: int
    auto_release_days: int
    review_blind_days: int
    escrow_max_days: int
    weights: tuple[int, int, int, int]  # skills, experience, location, pay (sum 100)
    match_threshold: int
    unverified_skill_percent: int
    endorsements_per_day: int


def _weights(value: str) -> tuple[int, int, int, int]:
    parts = tuple(int(part) for part in value.split(","))
    if len(parts) != 4 or sum(parts) != 100 or min(parts) < 0:
        raise ValueError("AZORA_MARKETPLACE_MATCH_WEIGHTS is four non-negative integers that sum to 100")
    return (parts[0], parts[1], parts[2], parts[3])


def marketplace_config() -> MarketplaceConfig:
    return MarketplaceConfig(
        fee_bp=int(settings.AZORA_MARKETPLACE_FEE_BP),
        auto_release_days=int(settings.AZORA_MARKETPLACE_AUTO_RELEASE_DAYS),
        review_blind_days=int(settings.AZORA_MARKETPLACE_REVIEW_BLIND_DAYS),
        escrow_max_days=int(settings.AZORA_MARKETPLACE_ESCROW_MAX_DAYS),
        weights=_weights(str(settings.AZORA_MARKETPLACE_MATCH_WEIGHTS)),
        match_threshold=int(settings.AZORA_MARKETPLACE_MATCH_THRESHOLD),
        unverified_skill_percent=int(settings.AZORA_MARKETPLACE_UNVERIFIED_SKILL_PERCENT),
        endorsements_per_day=int(settings.AZORA_MARKETPLACE_ENDORSEMENTS_PER_DAY),
    )
