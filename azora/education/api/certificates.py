"""Education API routes for certificates: the caller's certificates, one certificate, public verification, revoke."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

from azora.accounts.public import request_user_id
from azora.education.schemas.certificates import (
    CertificateOut,
    CertificatePageOut,
    CertificateRevokeIn,
    CertificateTokenVerifyIn,
    VerificationOut,
)
from azora.education.selectors import certificates as selectors
from azora.education.services import certificates as services
from azora.shared.pagination import PageParams

router = Router(tags=["certificates"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no education scope, so they are refused."""
    return request_user_id(request, scope="education")


@router.get("/me/certificates", response=CertificatePageOut, summary="The caller's certificates, newest first")
def my_certificate_list(request: HttpRequest, page: Query[PageParams]) -> object:
    return selectors.certificate_page_of(user_id=_user_id(request), cursor=page.cursor, limit=page.limit)


# Before /certificates/{certificate_id}: Django tries the URL patterns in order, and "verify" is no id.
@router.post(
    "/certificates/verify",
    response=VerificationOut,
    auth=None,
    summary="Verify a certificate's signed JWT (public): its signature, then expiry and revocation",
)
def certificate_verify_token(request: HttpRequest, payload: CertificateTokenVerifyIn) -> object:
    return selectors.certificate_verify_token(token=payload.token)


@router.get(
    "/certificates/{certificate_id}",
    response=CertificateOut,
    summary="One certificate with its signed credential (its learner, the course's instructors, platform admins)",
)
def certificate_get(request: HttpRequest, certificate_id: uuid.UUID) -> object:
    return selectors.certificate_get(certificate_id=certificate_id, viewer_id=_user_id(request))


@router.get(
    "/certificates/{certificate_id}/verify",
    response=VerificationOut,
    auth=None,
    summary="Verify a certificate (public): signature, expiry and revocation, each with its reason",
)
def certificate_verify(request: HttpRequest, certificate_id: uuid.UUID) -> object:
    return selectors.certificate_verify(certificate_id=certificate_id)


@router.post(
    "/certificates/{certificate_id}/revoke",
    response=CertificateOut,
    summary="Revoke a certificate with a reason (the course's instructors and platform admins)",
)
def certificate_revoke(request: HttpRequest, certificate_id: uuid.UUID, payload: CertificateRevokeIn) -> object:
    return services.certificate_revoke(
        certificate_id=certificate_id, by_user_id=_user_id(request), reason=payload.reason
    )
