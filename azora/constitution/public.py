"""Constitutional AI's contract for other apps and portals: validate a text, read the constitution, verify the audit.

Every chat is governed through the guard registered with `ai_routing.public.register_guard` (rails/guard.py); these
functions are for direct use (content tools, the Master UI). See docs/constitution.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from azora.constitution.chain import ChainReport
from azora.constitution.document import Principle
from azora.constitution.policy import Action, Profile, Role
from azora.shared.pagination import Page

__all__ = [
    "Action",
    "ChainReport",
    "ConstitutionView",
    "DecisionView",
    "FindingView",
    "Profile",
    "Role",
    "ValidationResult",
    "audit_verify",
    "constitution_current",
    "decisions_to_review",
    "organisation_profile",
    "text_validate",
]


@dataclass(frozen=True, slots=True)
class ConstitutionView:
    number: int  # the database version (0 when nothing is loaded yet and the repository file is shown)
    document_version: int
    title: str
    principles: tuple[Principle, ...]
    origin: str  # repo | admin
    note: str
    sha256: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class FindingView:
    detector: str
    principle: str
    severity: int
    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class ValidationResult:
    decision_id: uuid.UUID
    action: Action
    score: float
    passed: bool
    would_block: bool
    profile: Profile
    role: Role
    violations: tuple[str, ...]
    warnings: tuple[str, ...]
    findings: tuple[FindingView, ...]
    text: str  # the text as it may go on (redacted when the action redacts)
    redacted_text: str  # every redactable span replaced


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: uuid.UUID
    sequence: int | None  # None until sealed into the chain (moments after it is written)
    created_at: datetime
    user_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    request_id: str
    surface: str
    purpose: str
    role: str
    profile: str
    action: str
    score: Decimal
    passed: bool
    would_block: bool
    violations: tuple[str, ...]
    findings: tuple[FindingView, ...]
    input_sha256: str
    output_sha256: str
    input_text: str | None
    output_text: str | None
    latency_us: int
    constitution_number: int | None
    record_hash: str  # "" until sealed


def constitution_current() -> ConstitutionView:
    from azora.constitution import selectors

    return selectors.constitution_current()


def organisation_profile(*, organisation_id: uuid.UUID | None) -> Profile:
    """The profile an organisation chose (the configured default, STANDARD, when it chose none)."""
    from azora.constitution import selectors

    return selectors.organisation_profile(organisation_id=organisation_id)


def text_validate(
    *,
    text: str,
    role: Role | str,
    user_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None = None,
    as_minor: bool = False,
    provider_is_external: bool = True,
    profile: Profile | str | None = None,
    purpose: str = "validate",
    request_id: str = "",
) -> ValidationResult:
    """Checks one text against the constitution, records the decision in the audit, and returns it.

    The profile is `profile` or the organisation's, made STRICT when `user_id` is a learner under 18 (their date of
    birth in accounts) or when `as_minor` asks to check the text as for a minor; nothing relaxes a minor's profile.
    """
    from azora.constitution import services

    return services.text_validate(
        text=text,
        role=Role(role),
        user_id=user_id,
        organisation_id=organisation_id,
        as_minor=as_minor,
        provider_is_external=provider_is_external,
        requested_profile=Profile(str(profile).upper()) if profile is not None else None,
        purpose=purpose,
        request_id=request_id,
        surface="api",
    )


def audit_verify() -> ChainReport:
    """Verifies the decisions audit's hash chain from its anchor to its head."""
    from azora.constitution import selectors

    return selectors.audit_verify()


def decisions_to_review(*, cursor: str | None = None, limit: int | None = 20) -> Page[DecisionView]:
    """Decisions a person should look at, newest first: every one that refused, redacted or revised a text, or
    that would have blocked it under a stricter profile (the operators' review list)."""
    from azora.constitution import selectors

    return selectors.decisions_to_review(cursor=cursor, limit=limit)
