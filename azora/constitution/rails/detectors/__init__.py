"""Rails detectors: pure functions over text (no database) that report personal data, injections and harms.

The policy engine (`azora.constitution.policy.decide`) turns the findings into a decision; see ADR 0015.
Order: cheap checks first. Regular expressions gated by substring triggers (injection, hazards, bias, disclosure),
then checksums and the phone-number parser on digit runs (personal data), and the profanity model last — only when
nothing cheaper has already found a blocking harm (severity >= `BLOCKING_SEVERITY`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from azora.constitution.rails.detectors.bias import find_bias
from azora.constitution.rails.detectors.disclosure import find_disclosure
from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.hazards import find_hazards
from azora.constitution.rails.detectors.injection import find_injections
from azora.constitution.rails.detectors.pii import find_personal_data
from azora.constitution.rails.detectors.profanity import find_profanity, warm_up
from azora.constitution.rails.detectors.text import fold, guess_language

__all__ = [
    "BLOCKING_SEVERITY",
    "Finding",
    "detect_input",
    "detect_output",
    "detect_personal_data",
    "redact",
    "warm_up",
]

# A finding this severe blocks under the STANDARD profile already; the profanity model adds nothing then.
BLOCKING_SEVERITY = 5


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: (finding.start, finding.end, finding.detector))


def detect_input(text: str, *, language: str | None = None) -> list[Finding]:
    """Findings on a request before a model sees it: injection/jailbreak, personal data, hazards, profanity."""
    if not text:
        return []
    folded = fold(text)
    language = language or guess_language(folded)
    findings = find_injections(folded)
    findings += find_hazards(folded, role="input")
    findings += find_personal_data(text, language=language)
    if not any(finding.severity >= BLOCKING_SEVERITY for finding in findings):
        findings += find_profanity(text, folded, language=language)
    return _ordered(findings)


def detect_personal_data(text: str, *, language: str | None = None) -> list[Finding]:
    """Personal data only: what trusted context (ours, or checked when it was written) is checked for before it
    leaves for an external provider, so that a learner's earlier message in a transcript is still redacted."""
    if not text:
        return []
    language = language or guess_language(fold(text))
    return _ordered(find_personal_data(text, language=language))


def detect_output(text: str, *, language: str | None = None) -> list[Finding]:
    """Findings on an answer before a user sees it: personal data, hazards, bias, profanity, disclosure."""
    if not text:
        return []
    folded = fold(text)
    language = language or guess_language(folded)
    findings = find_hazards(folded, role="output")
    findings += find_bias(folded)
    findings += find_disclosure(folded)
    findings += find_personal_data(text, language=language)
    if not any(finding.severity >= BLOCKING_SEVERITY for finding in findings):
        findings += find_profanity(text, folded, language=language)
    return _ordered(findings)


class Redactable(Protocol):
    """What `redact` needs of a finding (a `Finding`, or the policy's view of one)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def replacement(self) -> str | None: ...


def redact(text: str, findings: Iterable[Redactable]) -> str:
    """The text with every redactable span replaced by its placeholder; overlapping spans merge (the first wins)."""
    spans = sorted(
        (finding for finding in findings if finding.replacement is not None and finding.end > finding.start),
        key=lambda finding: (finding.start, -finding.end),
    )
    pieces: list[str] = []
    position = 0
    for finding in spans:
        if finding.start < position:
            continue
        pieces.append(text[position : finding.start])
        pieces.append(finding.replacement or "")
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
