"""Aegis's /api/v1 routes for security events: the operators' read-only log."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

import azora.accounts.public as accounts
import azora.security.public as security
from azora.security.schemas_events import SecurityEventFilters, SecurityEventOut, SecurityEventPageOut

router = Router(tags=["security"])

# No API key can be given this scope, so the operators' security endpoints need a signed-in person.
OPERATOR_SCOPE = "security"


def operator_id(request: HttpRequest) -> uuid.UUID:
    return accounts.request_platform_admin_id(request, scope=OPERATOR_SCOPE)


@router.get(
    "/security/events",
    response=SecurityEventPageOut,
    summary="Security events, newest first (platform admins)",
)
def security_event_list(request: HttpRequest, filters: Query[SecurityEventFilters]) -> SecurityEventPageOut:
    operator_id(request)
    page = security.security_event_list(
        kind=filters.kind,
        severity=filters.severity,
        ip=filters.ip,
        actor_id=filters.actor_id,
        since=filters.since,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return SecurityEventPageOut(items=[SecurityEventOut.of(view) for view in page.items], next_cursor=page.next_cursor)
