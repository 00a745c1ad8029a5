"""Request and response shapes of the certificate endpoints; requests refuse fields they do not know."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from azora.shared.schemas import StrictIn


class CertificateRevokeIn(StrictIn):
    reason: str = Field(min_length=1, max_length=1000, description="Why the certificate is revoked (shown publicly).")


class CertificateTokenVerifyIn(StrictIn):
    token: str = Field(min_length=1, max_length=20_000, description="The certificate's signed JWT (VC-JWT).")


class CertificateSummaryOut(Schema):
    """A certificate in a list: what it certifies and its state, without the signed credential."""

    id: uuid.UUID
    credential_id: str = Field(description="The credential's id in the signed document: urn:uuid:<id>.")
    course_id: uuid.UUID
    course_slug: str
    course_title: str
    learner_name: str
    skills: list[str]
    issued_at: datetime
    valid_until: datetime
    is_expired: bool
    is_revoked: bool
    revoked_at: datetime | None
    revocation_reason: str
    verify_url: str


class CertificateOut(CertificateSummaryOut):
    """One certificate, with its Open Badges 3.0 credential and the signed JWT (VC-JWT) to download."""

    user_id: uuid.UUID
    kid: str = Field(description="The issuer key that signed it, in /.well-known/jwks.json.")
    signed_jwt: str = Field(description="The credential as a compact JWS (EdDSA); its payload is the credential.")
    credential: dict[str, Any]


class CertificatePageOut(Schema):
    items: list[CertificateSummaryOut]
    next_cursor: str | None


class VerificationCheckOut(Schema):
    name: Literal["signature", "expiry", "revocation"]
    is_ok: bool
    reason: str


class VerificationOut(Schema):
    """The outcome of verifying a certificate: `is_valid` only when every check passed, and why each did or not."""

    certificate_id: uuid.UUID
    is_valid: bool
    checks: list[VerificationCheckOut]
    learner_name: str
    course_title: str
    skills: list[str]
    issuer_name: str
    issuer_url: str
    issued_at: datetime
    valid_until: datetime
    revoked_at: datetime | None
    revocation_reason: str
    checked_at: datetime
    kid: str
    verify_url: str
