"""Education's read side for certificates: a learner's list, one certificate for those entitled, verification, print."""

from __future__ import annotations

import base64
import gzip
import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import jwt
import segno
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from azora.accounts.public import user_has_platform_role, user_profile
from azora.education import signing
from azora.education.errors import CertificateNotFound, CertificateTokenInvalid, CourseNotFound
from azora.education.models import Certificate, CourseInstructor
from azora.education.public.certificates import (
    CertificatePrintData,
    CertificateView,
    VerificationCheck,
    VerificationView,
)
from azora.education.selectors.courses import may_edit_course
from azora.shared.pagination import Page, paginate_queryset

# The Student Portal serves the public verify page here (azora/portals/student/urls.py: verify/<uuid>/).
VERIFY_PATH = "/verify/{certificate_id}/"
# The learner's data was erased on their request: the issuer keeps no signed copy naming them to check by id.
ERASED_CREDENTIAL = (
    "The learner had their personal data erased, so the issuer no longer keeps the signed credential. Verify the "
    "credential file its holder presents."
)


# The revocation status list (W3C Bitstring Status List v1.0): one bit per certificate, 1 = revoked. 131 072
# bits (16 KiB) is the specification's minimum, so that a list gives its holders herd privacy.
STATUS_LIST_SIZE = 131_072
STATUS_LIST_PATH = "/credentials/status/revocation"
# How long a verifier may cache the list (the entry's `ttl`, in milliseconds).
STATUS_LIST_TTL_MILLISECONDS = 300_000


def status_list_url() -> str:
    return settings.AZORA_PUBLIC_URL + STATUS_LIST_PATH


def verify_url(certificate_id: uuid.UUID) -> str:
    """The absolute address of the public verify page, built from AZORA_PUBLIC_URL (it leaves the platform)."""
    return settings.AZORA_PUBLIC_URL + VERIFY_PATH.format(certificate_id=certificate_id)


def credential_id(certificate_id: uuid.UUID) -> str:
    return f"urn:uuid:{certificate_id}"


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("course", "revocation")


def _certificate(certificate_id: uuid.UUID) -> Certificate:
    certificate = _certificates().filter(id=certificate_id).first()
    if certificate is None:
        raise CertificateNotFound()
    return certificate


def _revocation(certificate: Certificate) -> Any:
    # The reverse one-to-one raises when absent; select_related has already fetched it (or its absence).
    return getattr(certificate, "revocation", None)


def _view(certificate: Certificate, *, now: datetime) -> CertificateView:
    revocation = _revocation(certificate)
    return CertificateView(
        id=certificate.id,
        credential_id=credential_id(certificate.id),
        user_id=certificate.user_id,
        course_id=certificate.course_id,
        course_slug=certificate.course.slug,
        course_title=certificate.course_title,
        learner_name=certificate.learner_name,
        skills=tuple(certificate.skills),
        issued_at=certificate.issued_at,
        valid_until=certificate.valid_until,
        is_expired=now >= certificate.valid_until,
        is_revoked=revocation is not None,
        revoked_at=revocation.created_at if revocation is not None else None,
        revocation_reason=revocation.reason if revocation is not None else "",
        verify_url=verify_url(certificate.id),
        kid=certificate.kid,
        signed_jwt=certificate.signed_jwt,
        credential=certificate.credential,
    )


def may_manage_certificates_of_course(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """The course's instructors (and admins of its organisation) and platform admins."""
    if user_has_platform_role(user_id=user_id, role="platform_admin"):
        return True
    return may_edit_course(user_id=user_id, course_id=course_id)


def may_view_certificate(*, certificate: Certificate, viewer_id: uuid.UUID) -> bool:
    return certificate.user_id == viewer_id or may_manage_certificates_of_course(
        user_id=viewer_id, course_id=certificate.course_id
    )


def certificate_visible(*, certificate_id: uuid.UUID, viewer_id: uuid.UUID) -> Certificate:
    """The certificate, if the viewer may see it; CertificateNotFound otherwise (whether it exists or not)."""
    certificate = _certificates().filter(id=certificate_id).first()
    if certificate is None or not may_view_certificate(certificate=certificate, viewer_id=viewer_id):
        raise CertificateNotFound()
    return certificate


def certificates_of(*, user_id: uuid.UUID) -> list[CertificateView]:
    now = timezone.now()
    return [_view(certificate, now=now) for certificate in _certificates().filter(user_id=user_id).order_by("-id")]


def certificate_page_of(*, user_id: uuid.UUID, cursor: str | None, limit: int | None) -> Page[CertificateView]:
    """One page of the user's certificates, newest first (UUIDv7 ids are time-ordered); one query per page."""
    now = timezone.now()
    return paginate_queryset(
        _certificates().filter(user_id=user_id),
        cursor=cursor,
        limit=limit,
        to_item=lambda certificate: _view(certificate, now=now),
        ordering=("-id",),
    )


def certificates_of_course(
    *, course_id: uuid.UUID, viewer_id: uuid.UUID, cursor: str | None = None, limit: int | None = None
) -> Page[CertificateView]:
    """The certificates issued for a course, newest first, for those who may revoke them (its instructors, admins
    of its organisation, platform admins); CourseNotFound for anyone else. One query per page."""
    if not may_manage_certificates_of_course(user_id=viewer_id, course_id=course_id):
        raise CourseNotFound()
    now = timezone.now()
    return paginate_queryset(
        _certificates().filter(course_id=course_id),
        cursor=cursor,
        limit=limit,
        to_item=lambda certificate: _view(certificate, now=now),
        ordering=("-id",),
    )


def certificate_get(*, certificate_id: uuid.UUID, viewer_id: uuid.UUID) -> CertificateView:
    return _view(certificate_visible(certificate_id=certificate_id, viewer_id=viewer_id), now=timezone.now())


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _signature(
    certificate: Certificate, token: str, keyring: signing.Keyring
) -> tuple[VerificationCheck, dict[str, Any] | None]:
    if not token and not certificate.signed_jwt:
        return VerificationCheck("signature", False, ERASED_CREDENTIAL), None
    result = signing.signature_check(token=token, keyring=keyring)
    if not result.is_valid or result.claims is None:
        return VerificationCheck("signature", False, result.reason), None
    if result.claims.get("id") != credential_id(certificate.id):
        # A genuine signature over another certificate's credential must not vouch for this one.
        reason = "The signed credential is a different certificate than the one asked for."
        return VerificationCheck("signature", False, reason), None
    return VerificationCheck("signature", True, result.reason), result.claims


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")


def _expiry(valid_from: datetime, valid_until: datetime, now: datetime) -> VerificationCheck:
    if now < valid_from:
        return VerificationCheck("expiry", False, f"Not valid before {_day(valid_from)}.")
    if now >= valid_until:
        return VerificationCheck("expiry", False, f"Expired on {_day(valid_until)}.")
    return VerificationCheck("expiry", True, f"Valid until {_day(valid_until)}.")


def _revocation_check(certificate: Certificate) -> VerificationCheck:
    revocation = _revocation(certificate)
    if revocation is None:
        return VerificationCheck("revocation", True, "Not revoked by the issuer.")
    return VerificationCheck(
        "revocation", False, f"Revoked by the issuer on {_day(revocation.created_at)}: {revocation.reason}"
    )


def certificate_verify(*, certificate_id: uuid.UUID) -> VerificationView:
    """Checks the stored credential's signature (issuer key by kid), its validity period and its revocation.

    When the signature holds, the facts shown and the validity period come from the signed claims; otherwise
    from the issuer's record, and the signature check says the credential cannot be trusted.
    """
    certificate = _certificate(certificate_id)
    return _verification(certificate, token=certificate.signed_jwt)


def certificate_verify_token(*, token: str) -> VerificationView:
    """Verifies a credential JWT someone presents (a downloaded certificate): its own signature, then the
    issuer's record of its expiry and revocation.

    CertificateTokenInvalid when it is no credential JWT; CertificateNotFound when it names no certificate of ours.
    """
    certificate_id = _credential_id_of(token)
    if certificate_id is None:
        raise CertificateTokenInvalid(extra={"errors": [{"field": "token", "message": CertificateTokenInvalid.title}]})
    return _verification(_certificate(certificate_id), token=token)


def _credential_id_of(token: str) -> uuid.UUID | None:
    """The certificate id a token claims to carry (unverified: only to find the record to check it against)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    credential = claims.get("id") if isinstance(claims, dict) else None
    if not isinstance(credential, str) or not credential.startswith("urn:uuid:"):
        return None
    try:
        return uuid.UUID(credential.removeprefix("urn:uuid:"))
    except ValueError:
        return None


def _verification(certificate: Certificate, *, token: str) -> VerificationView:
    now = timezone.now()
    signature, claims = _signature(certificate, token, signing.configured_keyring())
    facts = _signed_facts(claims) if claims is not None else None
    valid_from = facts["valid_from"] if facts else certificate.issued_at
    valid_until = facts["valid_until"] if facts else certificate.valid_until
    checks = (signature, _expiry(valid_from, valid_until, now), _revocation_check(certificate))
    revocation = _revocation(certificate)
    return VerificationView(
        certificate_id=certificate.id,
        is_valid=all(check.is_ok for check in checks),
        checks=checks,
        learner_name=facts["learner_name"] if facts else certificate.learner_name,
        course_title=facts["course_title"] if facts else certificate.course_title,
        skills=facts["skills"] if facts else tuple(certificate.skills),
        issuer_name=facts["issuer_name"] if facts else settings.AZORA_CERTIFICATE_ISSUER_NAME,
        issuer_url=facts["issuer_url"] if facts else settings.AZORA_PUBLIC_URL,
        issued_at=valid_from,
        valid_until=valid_until,
        revoked_at=revocation.created_at if revocation is not None else None,
        revocation_reason=revocation.reason if revocation is not None else "",
        checked_at=now,
        kid=certificate.kid,
        verify_url=verify_url(certificate.id),
    )


def _signed_facts(claims: dict[str, Any]) -> dict[str, Any] | None:
    """The facts a verifier shows, read from signed claims; None when the claims lack them."""
    subject = claims.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    issuer = claims.get("issuer") or {}
    valid_from = _parse_time(claims.get("validFrom"))
    valid_until = _parse_time(claims.get("validUntil"))
    if valid_from is None or valid_until is None:
        return None
    return {
        "learner_name": str(subject.get("name", "")),
        "course_title": str(achievement.get("name", "")),
        "skills": tuple(str(tag) for tag in achievement.get("tag", [])),
        "issuer_name": str(issuer.get("name", "")),
        "issuer_url": str(issuer.get("url", "")),
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


@lru_cache(maxsize=512)
def qr_code_svg(url: str) -> str:
    """The URL as a QR code in an inline `<svg>` element: black modules on white, with a title for readers.

    Cached: the code of a URL never changes, and drawing one takes tens of milliseconds in pure Python.
    """
    return str(
        segno.make(url, error="m").svg_inline(
            scale=4, border=2, dark="#000", light="#fff", title=f"QR code of {url}", svgclass="certificate-qr"
        )
    )


def _instructor_names(course_id: uuid.UUID) -> tuple[str, ...]:
    user_ids = CourseInstructor.objects.filter(course_id=course_id).order_by("position", "id")
    return tuple(user_profile(user_id=user_id).display_name for user_id in user_ids.values_list("user_id", flat=True))


def certificate_print_data(*, certificate_id: uuid.UUID, viewer_id: uuid.UUID | None = None) -> CertificatePrintData:
    if viewer_id is not None:
        certificate = certificate_visible(certificate_id=certificate_id, viewer_id=viewer_id)
    else:
        certificate = _certificate(certificate_id)
    view = _view(certificate, now=timezone.now())
    subject = certificate.credential.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    issuer = certificate.credential.get("issuer", {})
    return CertificatePrintData(
        certificate_id=view.id,
        credential_id=view.credential_id,
        learner_name=view.learner_name,
        course_title=view.course_title,
        course_description=str(achievement.get("description", "")),
        criteria=str(achievement.get("criteria", {}).get("narrative", "")),
        skills=view.skills,
        issuer_name=str(issuer.get("name", settings.AZORA_CERTIFICATE_ISSUER_NAME)),
        issuer_url=str(issuer.get("url", settings.AZORA_PUBLIC_URL)),
        instructor_names=_instructor_names(certificate.course_id),
        issued_at=view.issued_at,
        valid_until=view.valid_until,
        is_expired=view.is_expired,
        is_revoked=view.is_revoked,
        revoked_at=view.revoked_at,
        revocation_reason=view.revocation_reason,
        kid=view.kid,
        verify_url=view.verify_url,
        qr_svg=qr_code_svg(view.verify_url),
    )


def bitstring_encode(indexes: Iterable[int], *, size: int = STATUS_LIST_SIZE) -> str:
    """The list's `encodedList`: multibase base64url (prefix "u", no padding) of the GZIP-compressed bitstring.

    Index 0 is the leftmost bit, the most significant bit of the first byte (Bitstring Status List §3.2).
    """
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # Level 6: ten times faster than 9 on a list with many revocations, and nearly as small.
    compressed = gzip.compress(bytes(bits), compresslevel=6, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bitstring_bit(encoded_list: str, index: int) -> bool:
    """Whether bit `index` of an `encodedList` is set: what a verifier does with a credential's statusListIndex."""
    data = encoded_list.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _revoked_positions() -> list[int]:
    positions = Certificate.objects.filter(revocation__isnull=False, status_index__isnull=False).values_list(
        "status_index", flat=True
    )
    return sorted(position for position in positions if position is not None)


def revocation_status_list_claims(*, now: datetime, revoked: Iterable[int] | None = None) -> dict[str, Any]:
    """The BitstringStatusListCredential of revocations, as JWT claims (the payload is the credential)."""
    url = status_list_url()
    issuer = settings.AZORA_PUBLIC_URL + "/"
    moment = now.replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": settings.AZORA_CERTIFICATE_ISSUER_NAME, "url": issuer},
        "validFrom": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring_encode(_revoked_positions() if revoked is None else revoked),
            "ttl": STATUS_LIST_TTL_MILLISECONDS,
        },
        "iss": issuer,
        "jti": url,
        "nbf": int(moment.timestamp()),
    }


def revocation_status_list() -> str:
    """The revocation status list credential, signed with the issuer's key (a compact JWS).

    Cached by the exact set of revoked positions (one query reads them): a revocation shows at once, while an
    unchanged list is not compressed and signed again for every verifier.
    """
    keyring = signing.configured_keyring()
    revoked = _revoked_positions()
    issuer = f"{settings.AZORA_PUBLIC_URL} {settings.AZORA_CERTIFICATE_ISSUER_NAME}"
    state = hashlib.sha256(f"{issuer}|{','.join(map(str, revoked))}".encode()).hexdigest()
    key = f"education:status-list:{keyring.active.kid}:{state}"
    token = cache.get(key)
    if not isinstance(token, str):
        claims = revocation_status_list_claims(now=timezone.now(), revoked=revoked)
        token = signing.credential_sign(claims=claims, keyring=keyring)
        cache.set(key, token, timeout=STATUS_LIST_TTL_MILLISECONDS // 1000)
    return token
