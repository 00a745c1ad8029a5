"""The constitution's pure decision function: findings + role + profile -> a scored, explained Decision.

No database, no settings, no I/O: the rails, the API, the streaming guard and the evaluation runner all call
`decide(...)`, so every surface makes the same decision for the same findings (ADR 0015).

Scoring. The four weighted principles (Ubuntu 30, fairness 25, privacy 25, safety 20) each get a compliance in
[0, 1]: ``1 - min(1, sum of the severities of their findings / 10)``; the score is the weighted sum (0..100).
Findings that are remedied by redaction do not lower the score (the text that goes on is compliant), but their
principle is listed as violated. A decision passes when the score reaches the profile's minimum score (70 =
"passes at 70" under STANDARD) and no unremedied finding reaches the profile's harm severity threshold.
Findings of the unweighted principles (honesty, integrity, human oversight) never move the score; they fail a
decision only by reaching the harm threshold.

Actions. allow | redact (allow with redaction) | revise | refuse. A failing input is refused (the model never sees
it); a failing output is revised (the guard critiques and revises it, then refuses if it still fails). Only STRICT
and STANDARD block: LENIENT lets a failing text through with warnings, DEVELOPMENT with a log line (the decision
still says what would have been blocked, `would_block`). Redaction of personal data is not enforcement: it applies
under every profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol


class Finding(Protocol):
    """What the policy needs of a detector finding (ADR 0015; `rails.detectors.Finding` satisfies it)."""

    @property
    def detector(self) -> str: ...
    @property
    def principle(self) -> str: ...
    @property
    def severity(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def replacement(self) -> str | None: ...
    @property
    def message(self) -> str: ...


class Role(StrEnum):
    INPUT = "input"
    OUTPUT = "output"


class Profile(StrEnum):
    STRICT = "STRICT"
    STANDARD = "STANDARD"
    LENIENT = "LENIENT"
    DEVELOPMENT = "DEVELOPMENT"


class Enforcement(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    LOG = "log"


class Action(StrEnum):
    ALLOW = "allow"
    REDACT = "redact"
    REVISE = "revise"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Thresholds:
    min_score: float
    harm_threshold: int
    enforcement: Enforcement


PROFILES: Mapping[Profile, Thresholds] = MappingProxyType(
    {
        Profile.STRICT: Thresholds(min_score=80, harm_threshold=3, enforcement=Enforcement.BLOCK),
        Profile.STANDARD: Thresholds(min_score=70, harm_threshold=5, enforcement=Enforcement.BLOCK),
        Profile.LENIENT: Thresholds(min_score=60, harm_threshold=7, enforcement=Enforcement.WARN),
        Profile.DEVELOPMENT: Thresholds(min_score=50, harm_threshold=8, enforcement=Enforcement.LOG),
    }
)

WEIGHTS: Mapping[str, int] = MappingProxyType({"ubuntu": 30, "fairness": 25, "privacy": 25, "safety": 20})
PASS_SCORE = 70
MAX_SEVERITY = 10

# Principles in the order a reader meets them in the constitution; unknown ids sort after, alphabetically.
PRINCIPLE_ORDER: tuple[str, ...] = (
    "ubuntu",
    "privacy",
    "honesty",
    "safety",
    "fairness",
    "integrity",
    "human_oversight",
)


@dataclass(frozen=True)
class Decision:
    """The outcome for one text: what to do, how it scored, and why."""

    action: Action
    score: float
    passed: bool
    would_block: bool
    role: Role
    profile: Profile
    enforcement: Enforcement
    violations: tuple[str, ...]
    findings: tuple[Finding, ...]
    redactions: tuple[Finding, ...]
    blocking: tuple[Finding, ...]
    principle_scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return self.action in (Action.REVISE, Action.REFUSE)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Principles that would have blocked under a blocking profile but were let through (LENIENT/DEVELOPMENT)."""
        if self.would_block and not self.blocked:
            return self.violations
        return ()


def _principle_key(principle: str) -> tuple[int, str]:
    try:
        return (PRINCIPLE_ORDER.index(principle), principle)
    except ValueError:
        return (len(PRINCIPLE_ORDER), principle)


def _severity(finding: Finding) -> int:
    return max(0, min(MAX_SEVERITY, int(finding.severity)))


def score_findings(findings: Iterable[Finding]) -> tuple[float, dict[str, float]]:
    """The weighted compliance score (0..100) and each weighted principle's compliance (0..1)."""
    totals: dict[str, int] = dict.fromkeys(WEIGHTS, 0)
    for finding in findings:
        if finding.principle in totals:
            totals[finding.principle] += _severity(finding)
    compliance = {p: 1.0 - min(1.0, total / MAX_SEVERITY) for p, total in totals.items()}
    score = sum(WEIGHTS[p] * c for p, c in compliance.items())
    return round(score, 2), compliance


def decide(
    findings: Iterable[Finding],
    *,
    role: Role | str,
    profile: Profile | str = Profile.STANDARD,
    redact_personal_data: bool = True,
) -> Decision:
    """Decide what happens to a text given the detectors' findings.

    ``redact_personal_data``: whether redactable findings must be redacted. Output is always redacted; input is
    redacted only when it leaves for an external provider (the built-in offline provider keeps it in-house), so the
    input rail passes ``provider_is_external`` here.
    """
    role = Role(role)
    profile = Profile(str(profile).upper())
    thresholds = PROFILES[profile]
    all_findings = tuple(findings)

    redact = redact_personal_data or role is Role.OUTPUT
    redactions = tuple(f for f in all_findings if f.replacement is not None and redact)
    kept_in_place = tuple(f for f in all_findings if f.replacement is not None and not redact)
    # Redacted findings are remedied; personal data that stays in-house (offline provider) is not a violation.
    unremedied = tuple(f for f in all_findings if f.replacement is None)

    score, compliance = score_findings(unremedied)
    blocking = tuple(f for f in unremedied if _severity(f) >= thresholds.harm_threshold)
    passed = score >= thresholds.min_score and not blocking

    violated: set[str] = {f.principle for f in redactions}
    if not passed:
        violated.update(f.principle for f in blocking)
        violated.update(p for p, c in compliance.items() if c < 1.0)
    violations = tuple(sorted(violated, key=_principle_key))
    del kept_in_place  # named for the reader: these are allowed through untouched

    would_block = not passed
    if would_block and thresholds.enforcement is Enforcement.BLOCK:
        action = Action.REFUSE if role is Role.INPUT else Action.REVISE
    elif redactions:
        action = Action.REDACT
    else:
        action = Action.ALLOW

    return Decision(
        action=action,
        score=score,
        passed=passed,
        would_block=would_block,
        role=role,
        profile=profile,
        enforcement=thresholds.enforcement,
        violations=violations,
        findings=all_findings,
        redactions=redactions,
        blocking=blocking,
        principle_scores=MappingProxyType(compliance),
    )


def strictest(*profiles: Profile | str) -> Profile:
    """The strictest of several profiles (an organisation's choice and a minor's STRICT floor)."""
    order = list(PROFILES)
    return min((Profile(str(p).upper()) for p in profiles), key=order.index)
