"""The pure match score: each component, the one rounding at the end (half up), the reasons, and the weights."""

from __future__ import annotations

import uuid

import pytest

from azora.marketplace.matching import (
    Candidate,
    HeldSkill,
    MatchRules,
    Opening,
    RequiredSkill,
    SkillFit,
    match,
    match_score,
    skill_fit,
)
from azora.marketplace.public.views import MatchView

RULES = MatchRules(weights=(40, 30, 15, 15), unverified_skill_percent=50)
SKILLS = [uuid.UUID(int=n) for n in range(1, 8)]


def required(*levels: int) -> tuple[RequiredSkill, ...]:
    return tuple(RequiredSkill(skill_id=SKILLS[n], level=level) for n, level in enumerate(levels))


def test_four_of_five_skills_three_verified_two_of_three_years_elsewhere_and_underpaid() -> None:
    person = Candidate(
        skills=(
            HeldSkill(SKILLS[0], 2, True),
            HeldSkill(SKILLS[1], 3, True),
            HeldSkill(SKILLS[2], 4, True),
            HeldSkill(SKILLS[3], 2, False),
            HeldSkill(SKILLS[4], 1, True),  # held below the level asked: does not count
        ),
        years_experience=2,
        location="Durban",
        country="ZA",
        expected_pay_minor=2_500_000,
        expected_pay_currency="ZAR",
    )
    job = Opening(
        required_skills=required(2, 2, 2, 2, 2),
        experience_years=3,
        location="Cape Town",
        country="ZA",
        currency="ZAR",
        pay_max_minor=2_000_000,
        pay_period="month",
    )
    # skills (300 + 50) / 5 = 70; experience 66.67; location 50; pay 80:
    # (40*70 + 30*66.67 + 15*50 + 15*80) / 100 = 67.5 -> 68.
    assert match(candidate=person, opening=job, rules=RULES) == MatchView(
        score=68,
        skills=70,
        experience=67,
        location=50,
        pay=80,
        reasons=(
            "4 of 5 required skills, 3 verified",
            "2 of 3 years",
            "Different place",
            "Pays 80% of your expectation",
        ),
    )


def test_the_score_is_rounded_once_at_the_end_half_up() -> None:
    # experience 1 of 3 = 33.33...: exact total 72.5 -> 73 (rounding components first would give 72.4 -> 72).
    person = Candidate(years_experience=1, location="Paris", country="FR", expected_pay_minor=None)
    job = Opening(experience_years=3, location="Cape Town", country="ZA", pay_max_minor=1)
    view = match(candidate=person, opening=job, rules=RULES)
    assert (view.score, view.skills, view.experience, view.location, view.pay) == (73, 100, 33, 50, 100)
    assert view.reasons == ("No required skills", "1 of 3 years", "Different place", "No pay expectation set")


def test_everything_met_in_the_same_place_case_folded() -> None:
    person = Candidate(
        skills=(HeldSkill(SKILLS[0], 4, True),),
        years_experience=5,
        location="  cape town ",
        country="za",
        expected_pay_minor=2_000_000,
        expected_pay_currency="ZAR",
    )
    job = Opening(
        required_skills=required(3), experience_years=1, location="Cape Town", country="ZA", pay_max_minor=2_000_000
    )
    assert match(candidate=person, opening=job, rules=RULES) == MatchView(
        score=100,
        skills=100,
        experience=100,
        location=100,
        pay=100,
        reasons=(
            "1 of 1 required skill, 1 verified",
            "Meets the 1 year asked for",
            "Same place: Cape Town",
            "Pay meets your expectation",
        ),
    )


def test_remote_no_experience_asked_and_another_currency_is_not_compared() -> None:
    person = Candidate(location="Lagos", country="NG", expected_pay_minor=900_000, expected_pay_currency="NGN")
    gig = Opening(is_remote=True, currency="USD", pay_max_minor=50_000, pay_period="project")
    view = match(candidate=person, opening=gig, rules=RULES)
    assert (view.score, view.location, view.pay) == (100, 100, 100)
    assert view.reasons == (
        "No required skills",
        "No experience asked for",
        "Remote",
        "Pays in USD; your expectation is in NGN",
    )


@pytest.mark.parametrize(
    ("period", "pay_max", "expected_pay", "component"),
    [
        ("year", 24_000_000, 2_000_000, 100),  # R240,000 a year = R20,000 a month
        ("year", 12_000_000, 2_000_000, 50),
        ("hour", 10_000, 2_000_000, 80),  # R100 an hour * 160 = R16,000 a month
        ("project", 500_000, 1_000_000, 50),
    ],
    ids=["year-met", "year-half", "hour-80", "project-half"],
)
def test_pay_is_compared_per_month(period: str, pay_max: int, expected_pay: int, component: int) -> None:
    person = Candidate(expected_pay_minor=expected_pay, expected_pay_currency="ZAR")
    view = match(candidate=person, opening=Opening(pay_max_minor=pay_max, pay_period=period), rules=RULES)
    assert view.pay == component


def test_unverified_skills_count_by_the_configured_factor_and_weights_are_configurable() -> None:
    fit = SkillFit(required=2, held=2, verified=0)
    person, job = Candidate(), Opening(location="X")
    assert match_score(fit=fit, candidate=person, opening=job, rules=RULES).skills == 50
    rules = MatchRules(weights=(100, 0, 0, 0), unverified_skill_percent=25)
    score = match_score(fit=fit, candidate=person, opening=job, rules=rules)
    assert (score.skills, score.total) == (25, 25)


def test_skill_fit_counts_skills_held_at_the_level_asked_or_higher() -> None:
    held = [HeldSkill(SKILLS[0], 2, False), HeldSkill(SKILLS[1], 1, True), HeldSkill(SKILLS[5], 4, True)]
    assert skill_fit(required=required(2, 2, 1), held=held) == SkillFit(required=3, held=1, verified=0)
    assert skill_fit(required=required(1, 1), held=held) == SkillFit(required=2, held=2, verified=1)
