"""Rails detectors: pure functions over text (no database) that report personal data, injections and harms.

The policy engine (`azora.constitution.policy`) turns the findings into a decision; see AI-CONTRACTS §4.
"""

from __future__ import annotations

from collections.abc import Sequence

from azora.constitution.rails.detectors.findings import Finding
from azora.constitution.rails.detectors.pii import find_personal_data

__all__ = ["Finding", "detect_input", "detect_output", "redact"]


def detect_input(text: str, *, language: str | None = None) -> list[Finding]:
    """Findings on a request before a model sees it: injection/jailbreak, personal data, hazards, profanity."""
    return find_personal_data(text)


def detect_output(text: str, *, language: str | None = None) -> list[Finding]:
    """Findings on an answer before a user sees it: personal data, hazards, bias, profanity, disclosure."""
    return find_personal_data(text)


def redact(text: str, findings: Sequence[Finding]) -> str:
    """The text with every redactable span replaced by its placeholder; overlapping spans merge (the first wins)."""
    spans = sorted(
        (finding for finding in findings if finding.replacement is not None and finding.is_span),
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
