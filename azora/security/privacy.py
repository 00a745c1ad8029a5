"""Aegis's own part of a user's data: their security events, consents, data exports, deletion requests and the
audit records of their actions; on deletion, the addresses kept beside them are dropped.

Audit records are never changed (the chain would break, and the law allows keeping them): they name users by id
only, which points at an anonymised account once the user is deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

import azora.accounts.public as accounts
from azora.security.models import AuditRecord, ConsentRecord, DataExport, DeletionRequest, SecurityEvent
from azora.security.public.privacy import register_anonymiser, register_deletion_blocker, register_exporter

# Exports stay bounded for a very active account; the newest rows come first.
EXPORT_ROW_LIMIT = 10_000


def export_security_data(user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "security_events": [_event(row) for row in SecurityEvent.objects.filter(actor_id=user_id)[:EXPORT_ROW_LIMIT]],
        "consents": [
            {"purpose": row.purpose, "version": row.version, "granted": row.granted, "at": row.created_at}
            for row in ConsentRecord.objects.filter(user_id=user_id).order_by("-created_at")
        ],
        "data_exports": [
            {"id": row.id, "status": row.status, "requested_at": row.created_at, "ready_at": row.ready_at}
            for row in DataExport.objects.filter(user_id=user_id).order_by("-created_at")
        ],
        "deletion_requests": [
            {"id": row.id, "status": row.status, "reason": row.reason, "requested_at": row.created_at}
            for row in DeletionRequest.objects.filter(user_id=user_id).order_by("-created_at")
        ],
        "audit_records": [
            _audit(row, user_id=user_id)
            for row in AuditRecord.objects.filter(Q(actor_id=user_id) | Q(target_id=str(user_id))).order_by(
                "-sequence"
            )[:EXPORT_ROW_LIMIT]
        ],
    }


def _event(row: SecurityEvent) -> dict[str, Any]:
    return {"kind": row.kind, "severity": row.severity, "summary": row.summary, "ip": row.ip, "at": row.created_at}


def _audit(row: AuditRecord, *, user_id: uuid.UUID) -> dict[str, Any]:
    return {
        "sequence": row.sequence,
        "action": row.action,
        "by_you": row.actor_id == user_id,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "ip": row.ip,
        "at": row.occurred_at,
    }


def anonymise_security_data(user_id: uuid.UUID) -> None:
    """Drops the addresses stored beside the user's events and consents; the decisions themselves are kept as
    evidence of consent. Ready data exports expire now; their files go once the deletion has committed."""
    SecurityEvent.objects.filter(actor_id=user_id).update(ip=None, request_id="", path="")
    ConsentRecord.objects.filter(user_id=user_id).update(ip=None)
    exports = DataExport.objects.filter(user_id=user_id).exclude(storage_key="")
    keys = list(exports.values_list("storage_key", flat=True))
    exports.update(status=DataExport.Status.EXPIRED, storage_key="")
    transaction.on_commit(lambda: _delete_files(keys))


def _delete_files(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)


# The Auth Service sits below Aegis and cannot register itself (docs/decisions/0021): Aegis registers its
# functions. Its anonymiser runs last, once the other apps no longer need to look the user up.
ACCOUNTS_ORDER = 1000


def export_accounts_data(user_id: uuid.UUID) -> dict[str, Any]:
    return accounts.user_data_export(user_id=user_id)


def anonymise_accounts_data(user_id: uuid.UUID) -> None:
    accounts.user_anonymise(user_id=user_id)


def accounts_deletion_blocker(user_id: uuid.UUID) -> str | None:
    return accounts.user_deletion_blocker(user_id=user_id)


register_exporter("security", export_security_data)
register_anonymiser("security", anonymise_security_data)
register_exporter("accounts", export_accounts_data)
register_anonymiser("accounts", anonymise_accounts_data, order=ACCOUNTS_ORDER)
register_deletion_blocker("accounts", accounts_deletion_blocker)
