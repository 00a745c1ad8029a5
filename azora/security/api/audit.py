"""Aegis's /api/v1 routes for the audit trail: the operators' list, export and chain verification."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router

import azora.accounts.public as accounts
import azora.security.public as security
from azora.security.schemas_audit import (
    AuditExportFilters,
    AuditFilters,
    AuditRecordOut,
    AuditRecordPageOut,
    AuditVerificationOut,
)

router = Router(tags=["security"])

# No API key can be given this scope, so the audit endpoints need a signed-in person.
OPERATOR_SCOPE = "security"
CONTENT_TYPES = {"jsonl": "application/jsonl; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def _operator_id(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=OPERATOR_SCOPE)


@router.get(
    "/audit",
    response={200: AuditRecordPageOut},
    summary="Audit records, newest first (platform admins); with `format`, the export file",
)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]) -> AuditRecordPageOut | StreamingHttpResponse:
    actor_id = _operator_id(request)
    if filters.format is not None:
        return _export(request, actor_id=actor_id, fmt=filters.format, since=filters.since, until=filters.until)
    page = security.audit_list(
        action=filters.action,
        actor_id=filters.actor_id,
        target_id=filters.target_id,
        since=filters.since,
        until=filters.until,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return AuditRecordPageOut(items=[AuditRecordOut.of(view) for view in page.items], next_cursor=page.next_cursor)


@router.get(
    "/audit/export",
    response={200: None},
    summary="The audit trail in sequence order with its hashes, as JSON lines or CSV (platform admins; audited)",
)
def audit_export(request: HttpRequest, filters: Query[AuditExportFilters]) -> StreamingHttpResponse:
    actor_id = _operator_id(request)
    return _export(request, actor_id=actor_id, fmt=filters.format, since=filters.since, until=filters.until)


def _export(
    request: HttpRequest, *, actor_id: uuid.UUID, fmt: str, since: dt.datetime | None, until: dt.datetime | None
) -> StreamingHttpResponse:
    lines = security.audit_export(since=since, until=until, fmt=fmt)
    # Recorded before the copy is read, so the export itself appears in the copy (when `until` allows).
    security.audit_record(
        action="security.audit_exported",
        actor_id=actor_id,
        request=request,
        detail={
            "format": fmt,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
    )
    response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="azora-audit.{fmt}"'
    return response


@router.get("/audit/verify", response=AuditVerificationOut, summary="Recompute the audit chain (platform admins)")
def audit_verify(request: HttpRequest) -> AuditVerificationOut:
    _operator_id(request)
    return AuditVerificationOut.of(security.audit_verify())
