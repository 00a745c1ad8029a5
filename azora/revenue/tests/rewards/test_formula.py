"""The learn-to-earn formula (pure): known values pinned from the issue's table, and its properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azora.revenue.rewards_formula import (
    DEFAULT_FORMULA,
    ItemRule,
    RewardFormula,
    RewardInputs,
    reward_compute,
)

ITEMS = ("course_completion", "lesson_completion", "assessment_passed", "certificate_earned")
LEVELS = ("beginner", "intermediate", "advanced", "expert")


@pytest.mark.parametrize(
    ("item", "level", "score", "seconds", "expected_minor"),
    [
        # base x weight x difficulty x score bonus x time bonus
        ("course_completion", "beginner", None, 0, 100_00),  # 100 x 1.0
        ("course_completion", "expert", None, 0, 300_00),  # 100 x 1.0 x 3.0
        ("course_completion", "intermediate", None, 3600, 225_00),  # 100 x 1.5 x 1.5 (time capped at 0.5 h)
        ("lesson_completion", "beginner", None, 0, 3_00),  # 10 x 0.3
        ("lesson_completion", "intermediate", None, 1800, 6_75),  # 10 x 0.3 x 1.5 x 1.5
        ("lesson_completion", "advanced", None, 900, 7_50),  # 10 x 0.3 x 2.0 x 1.25
        ("lesson_completion", "beginner", None, 1, 3_00),  # 3 x (1 + 1/3600) = 3.000833.. -> 3.00
        ("lesson_completion", "beginner", None, 18, 3_02),  # 3 x 1.005 = 3.015 -> half to even: 3.02
        ("assessment_passed", "beginner", "70.06", 0, 12_52),  # 12.5 x 1.002 = 12.525 -> half to even: 12.52
        ("assessment_passed", "beginner", "70.18", 0, 12_58),  # 12.5 x 1.006 = 12.575 -> half to even: 12.58
        ("assessment_passed", "beginner", "70", 0, 12_50),  # 25 x 0.5, no score bonus at the pass mark
        ("assessment_passed", "beginner", "85", 0, 18_75),  # 12.5 x 1.5
        ("assessment_passed", "beginner", "100", 0, 25_00),  # 12.5 x 2.0
        ("assessment_passed", "expert", "100", 3600, 112_50),  # 12.5 x 3 x 2 x 1.5
        ("assessment_passed", "intermediate", "83.33", 600, 31_59),  # 18.75 x 1.444333.. x 1.1666.. = 31.5948..
        ("assessment_passed", "beginner", "69.99", 0, 0),  # below the pass score: not eligible
        ("assessment_passed", "expert", "0", 3600, 0),
        ("certificate_earned", "beginner", None, 0, 1000_00),  # 500 x 2.0
        ("certificate_earned", "advanced", None, 0, 2000_00),
        ("certificate_earned", "expert", None, 0, 3000_00),
    ],
)
def test_known_values(item: str, level: str, score: str | None, seconds: int, expected_minor: int) -> None:
    inputs = RewardInputs(
        item=item, level=level, score=None if score is None else Decimal(score), seconds_spent=seconds
    )
    assert reward_compute(inputs).amount_minor == expected_minor


def test_the_outcome_names_every_factor_exactly() -> None:
    outcome = reward_compute(
        RewardInputs(item="assessment_passed", level="advanced", score=Decimal("91"), seconds_spent=1200)
    )
    assert outcome.eligible is True
    assert (outcome.base, outcome.weight, outcome.difficulty) == (Decimal(25), Decimal("0.5"), Decimal("2.0"))
    assert outcome.score_bonus == Decimal("1.7")
    assert outcome.hours == Decimal(1200) / Decimal(3600)
    assert outcome.time_bonus == 1 + Decimal(1200) / Decimal(3600)
    assert outcome.amount_minor == 56_67  # 25 x 0.5 x 2 x 1.7 x 1.3333.. = 56.666..
    assert outcome.as_proof() == {
        "base": "25",
        "weight": "0.5",
        "difficulty": "2.0",
        "score_bonus": "1.7",
        "time_bonus": str(1 + Decimal(1200) / Decimal(3600)),
        "hours": str(Decimal(1200) / Decimal(3600)),
        "rounding": "ROUND_HALF_EVEN to 0.01 AZR",
    }


def test_a_score_on_an_item_without_a_pass_mark_still_earns_its_bonus() -> None:
    inputs = RewardInputs(item="course_completion", level="beginner", score=Decimal(100))
    assert reward_compute(inputs).amount_minor == 200_00


def test_the_configuration_replaces_the_table() -> None:
    formula = RewardFormula(
        items={"lesson_completion": ItemRule(Decimal(20), Decimal("0.5"))},
        difficulty={"beginner": Decimal(2)},
        time_bonus_max_hours=Decimal(1),
    )
    inputs = RewardInputs(item="lesson_completion", level="beginner", seconds_spent=7200)
    assert reward_compute(inputs, formula).amount_minor == 40_00  # 20 x 0.5 x 2 x (1 + 1)


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        (RewardInputs(item="quiz_taken", level="beginner"), KeyError),
        (RewardInputs(item="lesson_completion", level="wizard"), KeyError),
        (RewardInputs(item="lesson_completion", level="beginner", seconds_spent=-1), ValueError),
        (RewardInputs(item="assessment_passed", level="beginner", score=Decimal("100.01")), ValueError),
        (RewardInputs(item="assessment_passed", level="beginner", score=Decimal("-1")), ValueError),
    ],
)
def test_inputs_outside_the_table_are_refused(inputs: RewardInputs, error: type[Exception]) -> None:
    with pytest.raises(error):
        reward_compute(inputs)


scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
seconds = st.integers(min_value=0, max_value=10 * 3600)


@given(item=st.sampled_from(ITEMS), level=st.sampled_from(LEVELS), score=scores, spent=seconds)
def test_the_reward_stays_between_the_floor_and_the_ceiling(item: str, level: str, score: Decimal, spent: int) -> None:
    rule = DEFAULT_FORMULA.items[item]
    outcome = reward_compute(RewardInputs(item=item, level=level, score=score, seconds_spent=spent))
    base = rule.base * rule.weight * DEFAULT_FORMULA.difficulty[level]
    if not outcome.eligible:
        assert outcome.amount_minor == 0
        assert rule.needs_score
        assert score < 70
        return
    # Score bonus 1..2 and time bonus 1..1.5: at least the base, at most three times it (to the cent).
    assert int(base * 100) <= outcome.amount_minor <= int(base * 3 * 100)
    assert Decimal(1) <= outcome.score_bonus <= Decimal(2)
    assert Decimal(1) <= outcome.time_bonus <= Decimal("1.5")


@given(item=st.sampled_from(ITEMS), level=st.sampled_from(LEVELS), low=scores, high=scores, spent=seconds)
def test_a_higher_score_never_earns_less(item: str, level: str, low: Decimal, high: Decimal, spent: int) -> None:
    low, high = min(low, high), max(low, high)
    first = reward_compute(RewardInputs(item=item, level=level, score=low, seconds_spent=spent))
    second = reward_compute(RewardInputs(item=item, level=level, score=high, seconds_spent=spent))
    assert first.amount_minor <= second.amount_minor


@given(item=st.sampled_from(ITEMS), level=st.sampled_from(LEVELS), short=seconds, long=seconds)
def test_more_time_never_earns_less_and_stops_counting_at_half_an_hour(
    item: str, level: str, short: int, long: int
) -> None:
    short, long = min(short, long), max(short, long)
    first = reward_compute(RewardInputs(item=item, level=level, score=Decimal(90), seconds_spent=short))
    second = reward_compute(RewardInputs(item=item, level=level, score=Decimal(90), seconds_spent=long))
    assert first.amount_minor <= second.amount_minor
    if short >= 1800:
        assert first.amount_minor == second.amount_minor


@given(item=st.sampled_from(ITEMS), score=scores, spent=seconds)
def test_a_harder_course_never_earns_less(item: str, score: Decimal, spent: int) -> None:
    amounts = [
        reward_compute(RewardInputs(item=item, level=level, score=score, seconds_spent=spent)).amount_minor
        for level in LEVELS
    ]
    assert amounts == sorted(amounts)


@given(item=st.sampled_from(ITEMS), level=st.sampled_from(LEVELS), score=scores, spent=seconds)
def test_the_amount_is_the_exact_product_rounded_half_to_even(
    item: str, level: str, score: Decimal, spent: int
) -> None:
    outcome = reward_compute(RewardInputs(item=item, level=level, score=score, seconds_spent=spent))
    if outcome.eligible:
        exact = outcome.base * outcome.weight * outcome.difficulty * outcome.score_bonus * outcome.time_bonus
        assert abs(Decimal(outcome.amount_minor) / 100 - exact) <= Decimal("0.005")
