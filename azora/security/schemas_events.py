"""Request and response schemas of Aegis's security-event API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from azora.security.public import SecurityEventView
from azora.shared.pagination import PageParams


class SecurityEventFilters(PageParams):
    """`GET /security/events` query: every filter optional, combined with AND."""

    kind: str | None = Field(default=None, max_length=32, description="One kind, e.g. `login_failed`.")
    severity: str | None = Field(default=None, max_length=8, description="info, low, medium, high or critical.")
    ip: str | None = Field(default=None, max_length=64, description="One IPv4 or IPv6 address.")
    actor_id: uuid.UUID | None = Field(default=None, description="Events caused by this user.")
    since: dt.datetime | None = Field(default=None, description="Events at or after this time (with a zone).")


class SecurityEventOut(Schema):
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

    @classmethod
    def of(cls, view: SecurityEventView) -> SecurityEventOut:
        return cls(
            id=view.id,
            kind=view.kind,
            severity=view.severity,
            actor_id=view.actor_id,
            ip=view.ip,
            request_id=view.request_id,
            path=view.path,
            summary=view.summary,
            detail=view.detail,
            created_at=view.created_at,
        )


class SecurityEventPageOut(Schema):
    items: list[SecurityEventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
