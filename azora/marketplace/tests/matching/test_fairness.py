"""Fairness: the score never reads a name, gender, age, nationality or photo. Hypothesis builds a person's record
with those fields and everything the score does read, then changes only the protected fields: the match (score,
components and reasons) stays the same."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from azora.marketplace.matching import (
    CANDIDATE_FIELDS,
    PROTECTED_FIELDS,
    Candidate,
    HeldSkill,
    MatchRules,
    Opening,
    RequiredSkill,
    candidate_from,
    match,
)

SKILL_IDS = [uuid.UUID(int=n) for n in range(1, 6)]
PLACES = st.sampled_from(["Cape Town", "cape town", "Nairobi", "Lagos", ""])
COUNTRIES = st.sampled_from(["ZA", "za", "KE", "NG", ""])
CURRENCIES = st.sampled_from(["ZAR", "USD", ""])

protected = st.fixed_dictionaries(
    {
        "name": st.text(max_size=30),
        "display_name": st.text(max_size=30),
        "gender": st.sampled_from(["female", "male", "non-binary", "undisclosed", ""]),
        "age": st.integers(min_value=16, max_value=90),
        "date_of_birth": st.dates(),
        "nationality": st.sampled_from(["ZA", "KE", "NG", "ZW", "FR", ""]),
        "photo": st.one_of(st.none(), st.binary(max_size=16), st.text(max_size=20)),
    }
)
facts = st.fixed_dictionaries(
    {
        "years_experience": st.integers(min_value=0, max_value=40),
        "location": PLACES,
        "country": COUNTRIES,
        "expected_pay_minor": st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
        "expected_pay_currency": CURRENCIES,
    }
)
held_skills = st.lists(
    st.builds(HeldSkill, skill_id=st.sampled_from(SKILL_IDS), level=st.integers(1, 4), is_verified=st.booleans()),
    max_size=5,
    unique_by=lambda skill: skill.skill_id,
)
openings = st.builds(
    Opening,
    required_skills=st.lists(
        st.builds(RequiredSkill, skill_id=st.sampled_from(SKILL_IDS), level=st.integers(1, 4)),
        max_size=5,
        unique_by=lambda skill: skill.skill_id,
    ).map(tuple),
    experience_years=st.integers(0, 15),
    is_remote=st.booleans(),
    location=PLACES,
    country=COUNTRIES,
    currency=st.sampled_from(["ZAR", "USD"]),
    pay_max_minor=st.integers(0, 10**9),
    pay_period=st.sampled_from(["hour", "month", "year", "project"]),
)
rules = st.builds(
    MatchRules,
    weights=st.sampled_from([(40, 30, 15, 15), (25, 25, 25, 25), (100, 0, 0, 0), (0, 0, 50, 50)]),
    unverified_skill_percent=st.integers(0, 100),
)


@settings(max_examples=300, deadline=None)
@given(
    facts=facts,
    skills=held_skills,
    first=protected,
    second=protected,
    opening=openings,
    rules=rules,
)
def test_changing_protected_fields_never_changes_a_match(
    facts: dict[str, Any],
    skills: list[HeldSkill],
    first: dict[str, Any],
    second: dict[str, Any],
    opening: Opening,
    rules: MatchRules,
) -> None:
    one = candidate_from({**facts, **first}, skills)
    other = candidate_from({**facts, **second}, skills)
    assert one == other
    assert match(candidate=one, opening=opening, rules=rules) == match(candidate=other, opening=opening, rules=rules)


@settings(max_examples=200, deadline=None)
@given(facts=facts, skills=held_skills, opening=openings, rules=rules)
def test_every_score_is_an_integer_from_0_to_100(
    facts: dict[str, Any], skills: list[HeldSkill], opening: Opening, rules: MatchRules
) -> None:
    view = match(candidate=candidate_from(facts, skills), opening=opening, rules=rules)
    assert all(0 <= value <= 100 for value in (view.score, view.skills, view.experience, view.location, view.pay))
    assert len(view.reasons) == 4


def test_a_candidate_has_no_field_for_protected_data_and_reads_only_its_own_fields() -> None:
    names = {field.name for field in dataclasses.fields(Candidate)}
    assert names == {"skills", *CANDIDATE_FIELDS}
    assert not names & set(PROTECTED_FIELDS)
