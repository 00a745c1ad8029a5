"""Aegis's contract for security events: recording one (from any app above Aegis, or Aegis's own middleware
and signal receivers) and reading them for operators."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from azora.shared.pagination import Page

if TYPE_CHECKING:
    from azora.security.models import SecurityEvent

__all__ = [
    "SecurityEventView",
    "security_event_counts",
    "security_event_kinds",
    "security_event_list",
    "security_event_record",
]


@dataclass(frozen=True, slots=True)
class SecurityEventView:
    id: uuid.UUID
    kind: str
    severity: str
    actor_id: uuid.UUID | None
    ip: str | None
    request_id: str
    path: str
    summary: str
    detail: dict[str, Any]
    created_at: dt.datetime


def security_event_record(
    *,
    kind: str,
    summary: str,
    severity: str | None = None,
    actor_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    dedupe_key: str | None = None,
    dedupe_seconds: int = 60,
) -> None:
    """Records an event (severity defaults by kind; IP, path and request id from `request` or the request
    context). Never raises into the caller and never stores a secret: detail values are the caller's
    responsibility, and a password, token or key must never be passed (credential-looking keys and values are
    redacted anyway). With `dedupe_key`, only the first event with that key in `dedupe_seconds` is saved."""
    from azora.security import event_log

    event_log.event_record(
        kind=kind,
        summary=summary,
        severity=severity,
        actor_id=actor_id,
        request=request,
        ip=ip,
        detail=detail,
        now=now,
        dedupe_key=dedupe_key,
        dedupe_seconds=dedupe_seconds,
    )


def security_event_list(
    *,
    kind: str | None = None,
    severity: str | None = None,
    ip: str | None = None,
    actor_id: uuid.UUID | None = None,
    since: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[SecurityEventView]:
    """Newest first; raises InvalidSecurityEventFilter (unknown kind or severity, bad address) or InvalidCursor."""
    from azora.security import event_log

    page = event_log.event_page(
        kind=kind, severity=severity, ip=ip, actor_id=actor_id, since=since, cursor=cursor, limit=limit
    )
    return Page(items=[_view(event) for event in page.items], next_cursor=page.next_cursor)


def security_event_counts(*, since: dt.datetime) -> dict[str, int]:
    """Events since `since` per kind (for the Master UI dashboard); kinds without events are left out."""
    from azora.security import event_log

    return event_log.event_counts(since=since)


def security_event_kinds() -> list[tuple[str, str]]:
    """Every kind with its human label, for filters."""
    from azora.security.models import SecurityEventKind

    return [(str(value), str(label)) for value, label in SecurityEventKind.choices]


def _view(event: SecurityEvent) -> SecurityEventView:
    return SecurityEventView(
        id=event.id,
        kind=event.kind,
        severity=event.severity,
        actor_id=event.actor_id,
        ip=event.ip,
        request_id=event.request_id,
        path=event.path,
        summary=event.summary,
        detail=dict(event.detail),
        created_at=event.created_at,
    )
