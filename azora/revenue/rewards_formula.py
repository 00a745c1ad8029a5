"""The learn-to-earn formula (pure): reward = base x weight x difficulty x score bonus x time bonus, in exact AZR.

No database and no settings are read here: `RewardFormula` holds the whole configuration (the caller builds it
from settings, `DEFAULT_FORMULA` is the issue's table), and `reward_compute` is a pure function of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType

__all__ = [
    "DEFAULT_FORMULA",
    "REWARD_ROUNDING",
    "ItemRule",
    "RewardFormula",
    "RewardInputs",
    "RewardOutcome",
    "reward_compute",
]

# Half to even ("banker's rounding") to 0.01 AZR: over many rewards the half-cent cases round up as often as
# down, so the pool pays out neither more nor less than the exact products on average.
REWARD_ROUNDING = ROUND_HALF_EVEN
_CENT = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True, slots=True)
class ItemRule:
    """What one kind of learning is worth: its base AZR and its weight; `needs_score` items pay only at the pass
    score or above."""

    base: Decimal
    weight: Decimal
    needs_score: bool = False


def _frozen[K, V](mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class RewardFormula:
    """The whole configuration of the formula (AZORA_REVENUE_REWARD_* settings, defaults from the issue)."""

    items: Mapping[str, ItemRule] = field(
        default_factory=lambda: _frozen(
            {
                "course_completion": ItemRule(Decimal(100), Decimal("1.0")),
                "lesson_completion": ItemRule(Decimal(10), Decimal("0.3")),
                "assessment_passed": ItemRule(Decimal(25), Decimal("0.5"), needs_score=True),
                "certificate_earned": ItemRule(Decimal(500), Decimal("2.0")),
            }
        )
    )
    difficulty: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen(
            {
                "beginner": Decimal("1.0"),
                "intermediate": Decimal("1.5"),
                "advanced": Decimal("2.0"),
                "expert": Decimal("3.0"),
            }
        )
    )
    pass_score: Decimal = Decimal(70)  # the score bonus starts here, and needs_score items pay only from here
    score_span: Decimal = Decimal(30)  # (score - pass_score) / score_span: +1 at a score of 100
    time_bonus_max_hours: Decimal = Decimal("0.5")


DEFAULT_FORMULA = RewardFormula()


@dataclass(frozen=True, slots=True)
class RewardInputs:
    """One piece of verified learning. `score` is a percent (None when the item has none: lessons, courses,
    certificates); `seconds_spent` is the time the event reports (0 when unknown)."""

    item: str
    level: str
    score: Decimal | None = None
    seconds_spent: int = 0


@dataclass(frozen=True, slots=True)
class RewardOutcome:
    """The reward in AZR minor units (0 when not eligible) and every factor that made it, as exact decimals."""

    eligible: bool
    amount_minor: int
    base: Decimal
    weight: Decimal
    difficulty: Decimal
    score_bonus: Decimal
    time_bonus: Decimal
    hours: Decimal

    def as_proof(self) -> dict[str, str]:
        """The factors as strings, for the Reward row's proof (JSON carries no Decimals)."""
        return {
            "base": str(self.base),
            "weight": str(self.weight),
            "difficulty": str(self.difficulty),
            "score_bonus": str(self.score_bonus),
            "time_bonus": str(self.time_bonus),
            "hours": str(self.hours),
            "rounding": "ROUND_HALF_EVEN to 0.01 AZR",
        }


def reward_compute(inputs: RewardInputs, formula: RewardFormula = DEFAULT_FORMULA) -> RewardOutcome:
    """The reward for `inputs`. Raises KeyError for an unknown item or level (the caller's bug, not a learner's),
    ValueError for a negative time or a score outside 0..100."""
    rule = formula.items[inputs.item]
    difficulty = formula.difficulty[inputs.level]
    if inputs.seconds_spent < 0:
        raise ValueError("seconds_spent cannot be negative.")
    if inputs.score is not None and not Decimal(0) <= inputs.score <= Decimal(100):
        raise ValueError("score must be a percent between 0 and 100.")
    hours = Decimal(inputs.seconds_spent) / _SECONDS_PER_HOUR
    time_bonus = 1 + min(hours, formula.time_bonus_max_hours)
    score_bonus = Decimal(1)
    if inputs.score is not None:
        score_bonus = 1 + max(Decimal(0), (inputs.score - formula.pass_score) / formula.score_span)
    eligible = not rule.needs_score or (inputs.score is not None and inputs.score >= formula.pass_score)
    amount_minor = 0
    if eligible:
        exact = rule.base * rule.weight * difficulty * score_bonus * time_bonus
        amount_minor = int(exact.quantize(_CENT, rounding=REWARD_ROUNDING).scaleb(2))
    return RewardOutcome(
        eligible=eligible,
        amount_minor=amount_minor,
        base=rule.base,
        weight=rule.weight,
        difficulty=difficulty,
        score_bonus=score_bonus,
        time_bonus=time_bonus,
        hours=hours,
    )
