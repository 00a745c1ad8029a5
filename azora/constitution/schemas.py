"""Request and response shapes of the constitution API; requests refuse unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from azora.shared.pagination import MAX_CURSOR_LENGTH, MAX_LIMIT
from azora.shared.schemas import StrictIn

# Long enough for a lesson or a long answer; the rails' latency target is set on 1,000 characters.
MAX_TEXT_LENGTH = 20_000

ProfileName = Literal["STRICT", "STANDARD", "LENIENT", "DEVELOPMENT"]
ActionName = Literal["allow", "redact", "revise", "refuse"]


class ValidateContextIn(StrictIn):
    organisation_id: uuid.UUID | None = Field(
        default=None, description="Check under this organisation's profile (the caller must be a member)."
    )
    is_minor: bool = Field(
        default=False,
        description="Check the text as for a learner under 18 (STRICT). A caller under 18 by their date of birth "
        "is checked under STRICT whatever this says.",
    )
    provider_is_external: bool = Field(
        default=True, description="The text would go to an external provider: personal data in an input is redacted."
    )
    purpose: str = Field(default="validate", min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")


class ValidateIn(StrictIn):
    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH, description="The text to check.")
    role: Literal["input", "output"] = Field(description="input: a request to a model; output: a model's answer.")
    context: ValidateContextIn = Field(default_factory=ValidateContextIn)
    profile: ProfileName | None = Field(
        default=None,
        description="Check under this profile (default: the organisation's); STRICT whenever the caller is under 18.",
    )


class FindingOut(Schema):
    detector: str
    principle: str
    severity: int
    start: int
    end: int
    message: str


class ValidateOut(Schema):
    decision_id: uuid.UUID
    decision: ActionName = Field(description="allow, redact (allow with redaction), revise or refuse.")
    score: float = Field(description="Compliance score 0..100 (Ubuntu 30, fairness 25, privacy 25, safety 20).")
    passed: bool
    would_block: bool = Field(
        description="True when a blocking profile would block it (LENIENT warns, DEVELOPMENT logs)."
    )
    profile: ProfileName
    role: Literal["input", "output"]
    violations: list[str] = Field(description="Violated principle ids.")
    warnings: list[str]
    findings: list[FindingOut]
    redacted_text: str = Field(description="The text with every personal-data span replaced by a placeholder.")


class CheckOut(Schema):
    kind: str
    name: str
    description: str


class HazardCategoryOut(Schema):
    id: str
    description: str


class PrincipleOut(Schema):
    id: str
    title: str
    text: str
    weight: int | None
    checks: list[CheckOut]
    hazard_categories: list[HazardCategoryOut]


class ProfileOut(Schema):
    name: ProfileName
    min_score: float
    harm_threshold: int
    enforcement: Literal["block", "warn", "log"]


class ConstitutionOut(Schema):
    number: int = Field(description="The database version (each admin edit adds one).")
    document_version: int
    title: str
    origin: str
    sha256: str
    created_at: datetime | None
    pass_score: int
    principles: list[PrincipleOut]
    profiles: list[ProfileOut]


class DecisionQuery(Schema):
    action: ActionName | None = None
    role: Literal["input", "output"] | None = None
    user_id: uuid.UUID | None = None
    principle: str | None = Field(default=None, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    cursor: str | None = Field(default=None, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of a page.")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


class DecisionOut(Schema):
    id: uuid.UUID
    sequence: int | None = Field(description="Position in the audit chain; null until sealed (moments after writing).")
    created_at: datetime
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    request_id: str
    surface: str
    purpose: str
    role: str
    profile: str
    action: str
    score: float
    passed: bool
    would_block: bool
    violations: list[str]
    findings: list[FindingOut]
    input_sha256: str
    output_sha256: str
    input_text: str | None
    output_text: str | None
    latency_us: int
    constitution_number: int | None
    record_hash: str


class DecisionPageOut(Schema):
    items: list[DecisionOut]
    next_cursor: str | None


class OrganisationProfileIn(StrictIn):
    profile: ProfileName = Field(description="The profile the organisation's AI features run under.")


class OrganisationProfileOut(Schema):
    organisation_id: uuid.UUID
    profile: ProfileName
    is_default: bool = Field(description="True when the organisation chose none (the platform default applies).")


class ChainReportOut(Schema):
    ok: bool = Field(description="Every sealed record follows the previous one and hashes to its stored hash.")
    checked: int
    broken_at: int | None = Field(description="The sequence of the first record that does not verify.")
    problem: str
    pending: int = Field(description="Records written but not sealed into the chain yet.")
