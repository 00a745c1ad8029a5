"""Request and response schemas of Aegis's audit-trail API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from azora.security.public import AuditRecordView, AuditVerification
from azora.shared.pagination import PageParams


class AuditFilters(PageParams):
    """`GET /audit` query: every filter optional, combined with AND."""

    action: str | None = Field(
        default=None, max_length=100, description='One action ("accounts.user_suspended"), or an area ("security.").'
    )
    actor_id: uuid.UUID | None = Field(default=None, description="Records of actions by this user.")
    target_id: str | None = Field(default=None, max_length=100, description="Records about this object.")
    since: AwareDatetime | None = Field(default=None, description="Records at or after this time (with a zone).")
    until: AwareDatetime | None = Field(default=None, description="Records before this time (with a zone).")
    format: Literal["jsonl", "csv"] | None = Field(
        default=None,
        description="Instead of a page: the records from `since` to `until` as a file, as /audit/export gives them.",
    )


class AuditExportFilters(Schema):
    """`GET /audit/export` query."""

    format: Literal["jsonl", "csv"] = Field(default="jsonl", description="JSON lines (default) or CSV.")
    since: AwareDatetime | None = Field(default=None, description="Records at or after this time (with a zone).")
    until: AwareDatetime | None = Field(default=None, description="Records before this time (with a zone).")


class AuditRecordOut(Schema):
    sequence: int
    id: uuid.UUID
    occurred_at: dt.datetime
    actor_id: uuid.UUID | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    ip: str | None
    request_id: str
    detail: dict[str, Any]
    record_hash: str

    @classmethod
    def of(cls, view: AuditRecordView) -> AuditRecordOut:
        return cls(
            sequence=view.sequence,
            id=view.id,
            occurred_at=view.occurred_at,
            actor_id=view.actor_id,
            actor_label=view.actor_label,
            action=view.action,
            target_type=view.target_type,
            target_id=view.target_id,
            ip=view.ip,
            request_id=view.request_id,
            detail=view.detail,
            record_hash=view.record_hash,
        )


class AuditRecordPageOut(Schema):
    items: list[AuditRecordOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class AuditVerificationOut(Schema):
    ok: bool
    records_checked: int
    first_bad_sequence: int | None = Field(description="The first record that does not fit; null when ok.")
    problem: str = Field(description='"edited", "missing", "inserted" or "out of order"; empty when ok.')

    @classmethod
    def of(cls, result: AuditVerification) -> AuditVerificationOut:
        return cls(
            ok=result.ok,
            records_checked=result.records_checked,
            first_bad_sequence=result.first_bad_sequence,
            problem=result.problem,
        )
