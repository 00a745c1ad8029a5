"""Hand-built findings for the constitution's tests (the detectors are tested in tests/detectors)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StubFinding:
    """A finding with the shape of ADR 0015, built by hand so policy tests do not depend on detector wording."""

    detector: str
    principle: str
    severity: int
    start: int = 0
    end: int = 0
    replacement: str | None = None
    message: str = "test finding"


def email(start: int = 0, end: int = 0) -> StubFinding:
    return StubFinding("pii.email", "privacy", 6, start, end, "[email]", "email address")


def hazard(category: str, severity: int) -> StubFinding:
    return StubFinding(f"hazard.{category}", "safety", severity, message=f"hazard {category}")
