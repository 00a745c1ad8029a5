"""Personal-data detectors: pure functions that find personal data in a text and say how to redact it."""

from __future__ import annotations

import re

from azora.constitution.rails.detectors.findings import Finding

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


def find_emails(text: str) -> list[Finding]:
    """Email addresses, redacted as "[email]"."""
    if "@" not in text:
        return []
    return [
        Finding(
            detector="pii.email",
            principle="privacy",
            severity=4,
            start=match.start(),
            end=match.end(),
            replacement="[email]",
            message="An email address.",
        )
        for match in _EMAIL.finditer(text)
    ]


def find_personal_data(text: str) -> list[Finding]:
    """Every kind of personal data this module knows, in text order."""
    findings = find_emails(text)
    return sorted(findings, key=lambda finding: (finding.start, finding.end))
