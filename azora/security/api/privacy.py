"""Aegis's /api/v1 routes for data protection: a person's data exports, deletion request and consents (/me/...),
and the platform admins' review of deletion requests (/privacy/...)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

import azora.accounts.public as accounts
import azora.security.public as security
from azora.security.schemas_privacy import (
    PrivacyConsentIn,
    PrivacyConsentListOut,
    PrivacyConsentOut,
    PrivacyConsentPurposeOut,
    PrivacyDataExportListOut,
    PrivacyDataExportOut,
    PrivacyDeletionRequestIn,
    PrivacyDeletionRequestListOut,
    PrivacyDeletionRequestOut,
    PrivacyDeletionRequestReviewOut,
    PrivacyDeletionReviewFilters,
    PrivacyDeletionReviewIn,
    PrivacyDeletionReviewListOut,
)

router = Router(tags=["privacy"])

# No API key carries this scope: a leaked key must never download or delete a whole account.
PRIVACY_SCOPE = "privacy"


def _person(request: HttpRequest) -> uuid.UUID:
    return accounts.request_user_id(request, scope=PRIVACY_SCOPE)


def _reviewer(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=PRIVACY_SCOPE)


@router.post(
    "/me/data-export", response={202: PrivacyDataExportOut}, summary="Ask for all your data as JSON (built shortly)"
)
def data_export_request(request: HttpRequest) -> Status[PrivacyDataExportOut]:
    return Status(202, PrivacyDataExportOut.of(security.data_export_request(user_id=_person(request))))


@router.get("/me/data-exports", response=PrivacyDataExportListOut, summary="Your data exports, newest first")
def data_export_list(request: HttpRequest) -> PrivacyDataExportListOut:
    views = security.data_export_list(user_id=_person(request))
    return PrivacyDataExportListOut(items=[PrivacyDataExportOut.of(view) for view in views])


@router.get(
    "/me/data-exports/{uuid:export_id}/download",
    response={200: None},
    summary="Download a ready export (JSON); 404 data_export_not_found otherwise",
)
def data_export_download(request: HttpRequest, export_id: uuid.UUID) -> HttpResponse:
    content = security.data_export_file(user_id=_person(request), export_id=export_id)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="azora-my-data-{export_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/me/deletion-request",
    response={201: PrivacyDeletionRequestOut},
    summary="Ask for your account to be deleted (reviewed by an admin); 409 deletion_blocked lists why not",
)
def deletion_request_create(
    request: HttpRequest, payload: PrivacyDeletionRequestIn
) -> Status[PrivacyDeletionRequestOut]:
    view = security.deletion_request_create(user_id=_person(request), reason=payload.reason)
    return Status(201, PrivacyDeletionRequestOut.of(view))


@router.get("/me/deletion-requests", response=PrivacyDeletionRequestListOut, summary="Your deletion requests")
def deletion_request_mine(request: HttpRequest) -> PrivacyDeletionRequestListOut:
    views = security.deletion_request_list(user_id=_person(request), status=None)
    return PrivacyDeletionRequestListOut(items=[PrivacyDeletionRequestOut.of(view) for view in views])


@router.post(
    "/me/deletion-requests/{uuid:request_id}/cancel",
    response=PrivacyDeletionRequestOut,
    summary="Withdraw your pending deletion request",
)
def deletion_request_cancel(request: HttpRequest, request_id: uuid.UUID) -> PrivacyDeletionRequestOut:
    view = security.deletion_request_cancel(user_id=_person(request), request_id=request_id)
    return PrivacyDeletionRequestOut.of(view)


@router.get(
    "/privacy/deletion-requests",
    response=PrivacyDeletionReviewListOut,
    summary="Deletion requests to review, newest first (platform admins)",
)
def deletion_request_list(
    request: HttpRequest, filters: Query[PrivacyDeletionReviewFilters]
) -> PrivacyDeletionReviewListOut:
    _reviewer(request)
    views = security.deletion_request_list(status=filters.status or None, limit=filters.limit)
    return PrivacyDeletionReviewListOut(items=[PrivacyDeletionRequestReviewOut.of_review(view) for view in views])


@router.post(
    "/privacy/deletion-requests/{uuid:request_id}/review",
    response=PrivacyDeletionRequestReviewOut,
    summary="Approve (anonymise now) or reject a deletion request (platform admins; audited)",
)
def deletion_request_review(
    request: HttpRequest, request_id: uuid.UUID, payload: PrivacyDeletionReviewIn
) -> PrivacyDeletionRequestReviewOut:
    view = security.deletion_request_review(
        reviewer_id=_reviewer(request), request_id=request_id, approve=payload.approve, note=payload.note
    )
    return PrivacyDeletionRequestReviewOut.of_review(view)


@router.get("/me/consents", response=PrivacyConsentListOut, summary="Your consents and what can be consented to")
def consent_list(request: HttpRequest) -> PrivacyConsentListOut:
    views = security.consent_list(user_id=_person(request))
    return PrivacyConsentListOut(
        items=[PrivacyConsentOut.of(view) for view in views],
        purposes=[
            PrivacyConsentPurposeOut(purpose=purpose, label=label, version=version)
            for purpose, (label, version) in sorted(security.consent_purposes().items())
        ],
    )


@router.post("/me/consents", response={201: PrivacyConsentOut}, summary="Give or withdraw a consent")
def consent_record(request: HttpRequest, payload: PrivacyConsentIn) -> Status[PrivacyConsentOut]:
    user_id = _person(request)
    view = security.consent_record(
        user_id=user_id,
        purpose=payload.purpose,
        version=payload.version,
        granted=payload.granted,
        ip=security.client_ip(request),
    )
    return Status(201, PrivacyConsentOut.of(view))
