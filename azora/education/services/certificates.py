"""Education's write side for certificates: issuing the signed Open Badges 3.0 credential, and revoking it."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from azora.accounts.public import user_profile
from azora.education import signing
from azora.education.errors import (
    CertificateAlreadyRevoked,
    CertificateNotEarned,
    CertificateRevokeForbidden,
    RevocationReasonInvalid,
)
from azora.education.events import CertificateIssued, CertificateRevoked
from azora.education.models import Certificate, CertificateRevocation, Enrollment, EnrollmentStatus
from azora.education.public.certificates import CertificateView
from azora.education.selectors import certificates as selectors
from azora.shared.events import publish
from azora.shared.ids import uuid7
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.education")

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
REVOCATION_REASON_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class CredentialFacts:
    """What a certificate certifies, gathered before the credential is built (a pure step, testable alone)."""

    certificate_id: uuid.UUID
    learner_name: str
    course_title: str
    course_slug: str
    course_description: str
    skills: tuple[str, ...]
    completed_at: datetime
    issued_at: datetime
    valid_until: datetime
    issuer_name: str
    public_url: str
    status_index: int | None = None


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_claims(facts: CredentialFacts) -> dict[str, Any]:
    """The Open Badges 3.0 credential (a W3C VC 2.0) as JWT claims (OB 3.0 §8.2: the payload is the credential).

    The registered claims iss, jti, nbf and exp repeat issuer.id, id, validFrom and validUntil for JWT tools.
    """
    credential_id = selectors.credential_id(facts.certificate_id)
    issuer = {
        "id": facts.public_url + "/",
        "type": ["Profile"],
        "name": facts.issuer_name,
        "url": facts.public_url + "/",
    }
    achievement = {
        "id": f"{facts.public_url}/courses/{facts.course_slug}",
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": facts.course_title,
        "description": facts.course_description or facts.course_title,
        "criteria": {
            "narrative": (
                f"Completed every required lesson of “{facts.course_title}” on {facts.issuer_name} "
                "and passed its required assessments."
            )
        },
        "tag": list(facts.skills),
    }
    claims: dict[str, Any] = {
        "@context": [VC_CONTEXT, OPEN_BADGES_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.course_title,
        "issuer": issuer,
        "validFrom": _timestamp(facts.issued_at),
        "validUntil": _timestamp(facts.valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.learner_name,
            # OB 3.0 names a recipient by an IdentityObject; a plain (unhashed) name is identityType "name".
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": facts.learner_name}
            ],
            "activityEndDate": _timestamp(facts.completed_at),
            "achievement": achievement,
        },
        "iss": issuer["id"],
        "jti": credential_id,
        "nbf": int(facts.issued_at.timestamp()),
        "exp": int(facts.valid_until.timestamp()),
    }
    if facts.status_index is not None:
        # Anyone can check revocation against the published list without asking about this certificate.
        status_list = facts.public_url + selectors.STATUS_LIST_PATH
        claims["credentialStatus"] = {
            "id": f"{status_list}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": status_list,
        }
    return claims


def _learner_name(user_id: uuid.UUID) -> str:
    profile = user_profile(user_id=user_id)
    return profile.display_name.strip() or profile.email.partition("@")[0]


def _status_index_draw() -> int | None:
    """A free position in the revocation status list, drawn at random (herd privacy); None when the list is full."""
    for _ in range(16):
        candidate = secrets.randbelow(selectors.STATUS_LIST_SIZE)
        if not Certificate.objects.filter(status_index=candidate).exists():
            return candidate
    used = set(Certificate.objects.filter(status_index__isnull=False).values_list("status_index", flat=True))
    return next((index for index in range(selectors.STATUS_LIST_SIZE) if index not in used), None)


def certificate_issue(*, enrollment_id: uuid.UUID) -> uuid.UUID:
    """Issues the certificate of a completed enrolment, once: a second call returns the first certificate's id.

    Publishes CertificateIssued with the course's skills in the same transaction.
    """
    with transaction.atomic():
        existing = Certificate.objects.filter(enrollment_id=enrollment_id).values_list("id", flat=True).first()
        if existing is not None:
            return existing
        # Lock the enrolment: a concurrent second issue waits here, then finds the first one's certificate below.
        enrollment = Enrollment.objects.select_for_update().select_related("course").filter(id=enrollment_id).first()
        if enrollment is None or enrollment.status != EnrollmentStatus.COMPLETED:
            raise CertificateNotEarned(extra={"enrollment_id": str(enrollment_id)})
        existing = Certificate.objects.filter(enrollment_id=enrollment_id).values_list("id", flat=True).first()
        if existing is not None:
            return existing
        course = enrollment.course
        issued_at = timezone.now().replace(microsecond=0)
        facts = CredentialFacts(
            certificate_id=uuid7(),
            learner_name=_learner_name(enrollment.user_id),
            course_title=course.title,
            course_slug=course.slug,
            course_description=course.summary or course.description[:500],
            skills=tuple(str(tag) for tag in course.tags),
            completed_at=enrollment.completed_at or issued_at,
            issued_at=issued_at,
            valid_until=issued_at + timedelta(days=settings.AZORA_CERTIFICATE_VALIDITY_DAYS),
            issuer_name=settings.AZORA_CERTIFICATE_ISSUER_NAME,
            public_url=settings.AZORA_PUBLIC_URL,
            status_index=_status_index_draw(),
        )
        claims = credential_claims(facts)
        keyring = signing.configured_keyring()
        certificate = Certificate.objects.create(
            id=facts.certificate_id,
            enrollment=enrollment,
            course=course,
            user_id=enrollment.user_id,
            learner_name=facts.learner_name,
            course_title=facts.course_title,
            skills=list(facts.skills),
            issued_at=facts.issued_at,
            valid_until=facts.valid_until,
            credential=claims,
            signed_jwt=signing.credential_sign(claims=claims, keyring=keyring),
            kid=keyring.active.kid,
            status_index=facts.status_index,
        )
        publish(
            CertificateIssued(
                certificate_id=certificate.id, course_id=course.id, user_id=enrollment.user_id, skills=facts.skills
            )
        )
    logger.info("certificate_issued", certificate_id=str(certificate.id), course_id=str(course.id))
    return certificate.id


def certificate_revoke(*, certificate_id: uuid.UUID, by_user_id: uuid.UUID, reason: str) -> CertificateView:
    """Revokes a certificate for a stated reason; the revocation row is the audit record (who, when, why).

    Anyone who may not see the certificate gets CertificateNotFound; its owner (who may see it but not
    revoke it) gets CertificateRevokeForbidden. A second revocation is refused and changes nothing.
    """
    cleaned = reason.strip()
    with transaction.atomic():
        certificate = selectors.certificate_visible(certificate_id=certificate_id, viewer_id=by_user_id)
        if not selectors.may_manage_certificates_of_course(user_id=by_user_id, course_id=certificate.course_id):
            raise CertificateRevokeForbidden()
        if not cleaned or len(cleaned) > REVOCATION_REASON_MAX_LENGTH:
            raise RevocationReasonInvalid(
                extra={"errors": [{"field": "reason", "message": RevocationReasonInvalid.title}]}
            )
        # Lock, then re-read: of two concurrent revocations exactly one writes its record.
        Certificate.objects.select_for_update().filter(id=certificate.id).values_list("id", flat=True).get()
        if CertificateRevocation.objects.filter(certificate_id=certificate.id).exists():
            raise CertificateAlreadyRevoked()
        CertificateRevocation.objects.create(
            certificate_id=certificate.id, revoked_by_id=by_user_id, reason=cleaned, created_at=timezone.now()
        )
        # Other apps may react (a reward earned by the certificate, a notification); the reason stays here.
        publish(
            CertificateRevoked(
                certificate_id=certificate.id,
                course_id=certificate.course_id,
                user_id=certificate.user_id,
                revoked_by=by_user_id,
            )
        )
    logger.info(
        "certificate_revoked",
        certificate_id=str(certificate.id),
        course_id=str(certificate.course_id),
        revoked_by=str(by_user_id),
    )
    return selectors.certificate_get(certificate_id=certificate.id, viewer_id=by_user_id)
