"""The Finding a detector reports: what was found, which principle it touches, how severe, and where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing a detector found in a text (ADR 0015).

    `detector` names the check ("pii.email", "injection", "hazard.weapons", ...), `principle` the constitution
    principle it touches, `severity` 0..10, `start`/`end` the span in the text (0, 0 when not a span),
    `replacement` the redaction placeholder (None when the finding cannot be redacted) and `message` a short,
    non-sensitive explanation that never echoes the personal data.
    """

    detector: str
    principle: str
    severity: int
    start: int
    end: int
    replacement: str | None
    message: str

    @property
    def is_span(self) -> bool:
        return self.end > self.start
