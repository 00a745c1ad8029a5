"""Aegis's contract for the audit trail: appending a record of a security-relevant or administrative action,
reading, verifying and exporting the chain."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from azora.shared.pagination import Page

__all__ = [
    "AuditRecordView",
    "AuditVerification",
    "audit_export",
    "audit_list",
    "audit_record",
    "audit_verify",
]


@dataclass(frozen=True, slots=True)
class AuditRecordView:
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


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """`ok` when every record's hash matches its content and its predecessor; otherwise the first sequence that
    does not, and what is wrong there ("edited", "missing", "out of order")."""

    ok: bool
    records_checked: int
    first_bad_sequence: int | None
    problem: str


def audit_record(
    *,
    action: str,
    actor_id: uuid.UUID | None = None,
    target_type: str = "",
    target_id: str = "",
    detail: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    occurred_at: dt.datetime | None = None,
    actor_label: str = "",
    request_id: str | None = None,
) -> None:
    """Appends a record in the caller's transaction (so the action and its record land together or not at all).
    `action` is "<area>.<verb>" ("security.ip_rule_created", "accounts.user_suspended"). The actor, IP and request
    id default from `request` (and the request id from the logging context); detail keys naming a secret
    (password, token, secret, key...) are stored as "[redacted]". `actor_label` is for actors that are not users
    ("system", "job:retention"); users are named by `actor_id` only, so no personal data enters the chain."""
    from azora.security import audit_trail

    audit_trail.record_append(
        action=action,
        actor_id=actor_id,
        actor_label=actor_label,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
        request=request,
        ip=ip,
        request_id=request_id,
        occurred_at=occurred_at,
    )


def audit_list(
    *,
    action: str | None = None,
    actor_id: uuid.UUID | None = None,
    target_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[AuditRecordView]:
    """Newest first. `action` matches exactly, or a whole area when it ends with a dot ("security.")."""
    from azora.security import audit_trail

    return audit_trail.record_page(
        action=action, actor_id=actor_id, target_id=target_id, since=since, until=until, cursor=cursor, limit=limit
    )


def audit_verify() -> AuditVerification:
    """Recomputes every record's hash and link, and the chain head; the first bad sequence when any."""
    from azora.security import audit_trail

    return audit_trail.chain_verify()


def audit_export(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None, fmt: str = "jsonl"
) -> Iterator[str]:
    """The records in order as JSON lines (each with its hashes, so a copy can be verified offline) or CSV.
    An unknown `fmt` raises InvalidAuditQuery (422 invalid_audit_query)."""
    from azora.security import audit_trail

    return audit_trail.export_lines(since=since, until=until, fmt=fmt)
