"""The pure decision function: scores, thresholds per profile, actions per role, violated principles."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.constitution.policy import (
    PROFILES,
    WEIGHTS,
    Action,
    Enforcement,
    Profile,
    Role,
    decide,
    score_findings,
    strictest,
)
from azora.constitution.tests.helpers import StubFinding, email, hazard


def test_no_findings_allows_with_full_score() -> None:
    decision = decide([], role="output", profile="STANDARD")
    assert decision.action is Action.ALLOW
    assert decision.score == 100
    assert decision.passed is True
    assert decision.violations == ()
    assert decision.blocked is False


def test_weights_sum_to_one_hundred_and_profiles_match_the_issue() -> None:
    assert dict(WEIGHTS) == {"ubuntu": 30, "fairness": 25, "privacy": 25, "safety": 20}
    assert [(p.value, t.min_score, t.harm_threshold, t.enforcement) for p, t in PROFILES.items()] == [
        ("STRICT", 80, 3, Enforcement.BLOCK),
        ("STANDARD", 70, 5, Enforcement.BLOCK),
        ("LENIENT", 60, 7, Enforcement.WARN),
        ("DEVELOPMENT", 50, 8, Enforcement.LOG),
    ]


def test_score_is_weighted_compliance() -> None:
    # fairness 4/10 lost -> 25 * 0.4 = 10 points; ubuntu 2/10 -> 30 * 0.2 = 6 points.
    score, compliance = score_findings(
        [StubFinding("bias", "fairness", 4), StubFinding("profanity", "ubuntu", 2), StubFinding("x", "honesty", 9)]
    )
    assert score == 84.0
    assert compliance == {"ubuntu": 0.8, "fairness": 0.6, "privacy": 1.0, "safety": 1.0}


def test_severities_of_one_principle_add_up_and_saturate() -> None:
    score, compliance = score_findings([hazard("weapons", 7), hazard("violent_crimes", 7)])
    assert compliance["safety"] == 0.0
    assert score == 80.0


@pytest.mark.parametrize(
    ("profile", "severity", "action"),
    [
        ("STRICT", 2, Action.ALLOW),
        ("STRICT", 3, Action.REFUSE),
        ("STANDARD", 4, Action.ALLOW),
        ("STANDARD", 5, Action.REFUSE),
        ("LENIENT", 9, Action.ALLOW),
        ("DEVELOPMENT", 10, Action.ALLOW),
    ],
)
def test_harm_threshold_per_profile_on_input(profile: str, severity: int, action: Action) -> None:
    decision = decide([hazard("weapons", severity)], role="input", profile=profile)
    assert decision.action is action


def test_failing_output_is_revised_not_refused() -> None:
    decision = decide([hazard("self_harm", 6)], role=Role.OUTPUT, profile=Profile.STANDARD)
    assert decision.action is Action.REVISE
    assert decision.passed is False
    assert decision.violations == ("safety",)
    assert [f.detector for f in decision.blocking] == ["hazard.self_harm"]
    assert decision.blocked is True


def test_lenient_warns_and_development_logs_what_would_have_been_blocked() -> None:
    lenient = decide([hazard("hate", 8)], role="output", profile="LENIENT")
    assert lenient.action is Action.ALLOW
    assert lenient.would_block is True
    assert lenient.enforcement is Enforcement.WARN
    assert lenient.warnings == ("safety",)
    development = decide([hazard("hate", 9)], role="output", profile="DEVELOPMENT")
    assert development.action is Action.ALLOW
    assert development.enforcement is Enforcement.LOG
    assert development.warnings == ("safety",)
    below = decide([hazard("hate", 6)], role="output", profile="LENIENT")
    assert below.would_block is False
    assert below.warnings == ()


def test_score_below_minimum_fails_without_a_single_harmful_finding() -> None:
    # Four severity-4 findings across principles: none reaches STANDARD's threshold 5, but the score is
    # 100 - 30*.4 - 25*.4 - 25*.4 - 20*.4 = 60 < 70.
    findings = [
        StubFinding("profanity", "ubuntu", 4),
        StubFinding("bias", "fairness", 4),
        StubFinding("pii.unredactable", "privacy", 4),
        hazard("dangerous_advice", 4),
    ]
    decision = decide(findings, role="output", profile="STANDARD")
    assert decision.score == 60.0
    assert decision.blocking == ()
    assert decision.action is Action.REVISE
    assert decision.violations == ("ubuntu", "privacy", "safety", "fairness")
    lenient = decide(findings, role="output", profile="LENIENT")
    assert lenient.passed is True
    assert lenient.violations == ()


def test_personal_data_is_redacted_on_output_and_for_external_input_only() -> None:
    output = decide([email(10, 27)], role="output", profile="STANDARD", redact_personal_data=False)
    assert output.action is Action.REDACT
    assert output.violations == ("privacy",)
    assert output.score == 100
    external = decide([email()], role="input", profile="STANDARD", redact_personal_data=True)
    assert external.action is Action.REDACT
    local = decide([email()], role="input", profile="STANDARD", redact_personal_data=False)
    assert local.action is Action.ALLOW
    assert local.violations == ()
    assert local.redactions == ()


def test_redaction_applies_under_every_profile() -> None:
    for profile in Profile:
        assert decide([email()], role="output", profile=profile).action is Action.REDACT


def test_block_wins_over_redaction() -> None:
    decision = decide([email(), hazard("weapons", 9)], role="input", profile="STANDARD")
    assert decision.action is Action.REFUSE
    assert decision.violations == ("privacy", "safety")
    assert len(decision.redactions) == 1


def test_unweighted_principles_block_only_by_severity() -> None:
    integrity = StubFinding("integrity.open_attempt", "integrity", 8)
    assert decide([integrity], role="input", profile="STANDARD").action is Action.REFUSE
    decision = decide([StubFinding("disclosure", "honesty", 2)], role="output", profile="STANDARD")
    assert decision.action is Action.ALLOW
    assert decision.score == 100


def test_profile_names_are_case_insensitive_and_unknown_ones_rejected() -> None:
    assert decide([], role="input", profile="strict").profile is Profile.STRICT
    with pytest.raises(ValueError, match="BOGUS"):
        decide([], role="input", profile="bogus")
    with pytest.raises(ValueError, match="sideways"):
        decide([], role="sideways")


def test_strictest() -> None:
    assert strictest("LENIENT", Profile.STRICT) is Profile.STRICT
    assert strictest("DEVELOPMENT", "standard") is Profile.STANDARD


_principles = st.sampled_from(["ubuntu", "fairness", "privacy", "safety", "honesty", "integrity"])
_findings = st.lists(
    st.builds(StubFinding, detector=st.just("d"), principle=_principles, severity=st.integers(0, 10)), max_size=6
)


@settings(max_examples=50, deadline=None)
@given(findings=_findings, extra=_findings)
def test_more_findings_never_raise_the_score_or_loosen_the_action(
    findings: list[StubFinding], extra: list[StubFinding]
) -> None:
    base = decide(findings, role="output", profile="STANDARD")
    more = decide(findings + extra, role="output", profile="STANDARD")
    assert 0 <= more.score <= base.score <= 100
    if base.blocked:
        assert more.blocked


@settings(max_examples=50, deadline=None)
@given(findings=_findings)
def test_stricter_profiles_block_at_least_as_much(findings: list[StubFinding]) -> None:
    blocked = [decide(findings, role="input", profile=p).would_block for p in Profile]
    # STRICT, STANDARD, LENIENT, DEVELOPMENT: once a looser profile would block, every stricter one does.
    for stricter, looser in itertools.pairwise(blocked):
        assert stricter or not looser
