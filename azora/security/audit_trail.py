"""The audit trail: appending hash-chained records under the chain head's row lock, reading, verifying, exporting.

Each record's `record_hash` is SHA-256 of the previous record's hash followed by the canonical JSON of the
record's own fields (sorted keys, no spaces, ASCII). Changing, removing, inserting or reordering any record
breaks the chain at that record, which `audit_verify` names. The chain head (`AuditChainHead`) holds the last
sequence and hash, so a removed tail or an appended forgery is caught too.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import ipaddress
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import structlog
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from azora.security.metrics import AUDIT_RECORDS
from azora.security.models import GENESIS_HASH, AuditChainHead, AuditRecord
from azora.security.public.audit import AuditRecordView, AuditVerification
from azora.shared.errors import ValidationFailed
from azora.shared.ids import uuid7
from azora.shared.pagination import Page, paginate_queryset

HEAD_ID = 1
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")
MAX_ACTION_LENGTH = 100
MAX_TARGET_TYPE_LENGTH = 64
MAX_TARGET_ID_LENGTH = 100
MAX_LABEL_LENGTH = 254
MAX_REQUEST_ID_LENGTH = 200
# Detail keys whose values are secrets whatever the caller meant: replaced before hashing, so never stored.
SENSITIVE_KEY_PARTS = ("password", "secret", "token", "api_key", "apikey", "authorization", "cookie", "otp")
REDACTED = "[redacted]"
EXPORT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = (
    "sequence",
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "ip",
    "request_id",
    "detail",
    "previous_hash",
    "record_hash",
)
VERIFY_CHUNK_SIZE = 2000

PROBLEM_EDITED = "edited"
PROBLEM_MISSING = "missing"
PROBLEM_OUT_OF_ORDER = "out of order"
PROBLEM_INSERTED = "inserted"


class InvalidAuditQuery(ValidationFailed):
    code = "invalid_audit_query"
    title = "This audit query is not valid."


# --- writing --------------------------------------------------------------------------------------------------


def record_append(
    *,
    action: str,
    actor_id: uuid.UUID | None = None,
    actor_label: str = "",
    target_type: str = "",
    target_id: str = "",
    detail: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    request_id: str | None = None,
    occurred_at: dt.datetime | None = None,
) -> AuditRecord:
    """Appends one record in the caller's transaction (a savepoint when there is one), chained to the last."""
    _check_action(action)
    fields = {
        "occurred_at": _utc(occurred_at or timezone.now()),
        "actor_id": actor_id if actor_id is not None else _request_user_id(request),
        "actor_label": actor_label[:MAX_LABEL_LENGTH],
        "action": action,
        "target_type": target_type[:MAX_TARGET_TYPE_LENGTH],
        "target_id": str(target_id)[:MAX_TARGET_ID_LENGTH],
        "ip": _normalised_ip(ip if ip is not None else _request_ip(request)),
        "request_id": (request_id if request_id is not None else _request_id(request))[:MAX_REQUEST_ID_LENGTH],
        "detail": _json_ready(_redacted(detail or {})),
    }
    with transaction.atomic():
        head = _locked_head()
        record = AuditRecord(sequence=head.last_sequence + 1, id=uuid7(), previous_hash=head.last_hash, **fields)
        record.record_hash = record_hash(record)
        record.save(force_insert=True)
        _advance_head(head, record)
    AUDIT_RECORDS.inc()
    return record


def _check_action(action: str) -> None:
    if len(action) > MAX_ACTION_LENGTH or not ACTION_PATTERN.match(action):
        raise ValueError(f"An audit action is '<area>.<verb>' in lower case, at most 100 characters: {action!r}.")


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the caller's transaction ends, so appends are strictly one after another."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    # The first append ever: concurrent first appends all try the insert; the losers wait for the winner's
    # commit and then lock the row it made.
    AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_ID)], ignore_conflicts=True)
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


def _advance_head(head: AuditChainHead, record: AuditRecord) -> None:
    # Conditional on the sequence read: where row locks are no-ops (SQLite), a concurrent append that slipped in
    # fails here instead of forking the chain.
    moved = AuditChainHead.objects.filter(pk=head.pk, last_sequence=head.last_sequence).update(
        last_sequence=record.sequence, last_hash=record.record_hash
    )
    if moved != 1:
        raise RuntimeError("The audit chain head moved during an append; the append is rolled back.")


def _utc(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("Audit times must be timezone-aware.")
    return moment.astimezone(dt.UTC)


def _request_user_id(request: HttpRequest | None) -> uuid.UUID | None:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    user_id = getattr(user, "pk", None)
    return user_id if isinstance(user_id, uuid.UUID) else None


def _request_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from azora.security.public.edge import client_ip

    return client_ip(request)


def _request_id(request: HttpRequest | None) -> str:
    from_request = getattr(request, "request_id", None)
    if isinstance(from_request, str) and from_request:
        return from_request
    # Outside a request's own code (a service called by a view) the logging context still knows the request id.
    return str(structlog.contextvars.get_contextvars().get("request_id") or "")


def _normalised_ip(ip: str | None) -> str | None:
    """The address as the database gives it back (compressed, lower case), so the hash survives a round trip."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def _redacted(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): _redacted_value(str(key), value) for key, value in detail.items()}


def _redacted_value(key: str, value: Any) -> Any:
    if any(part in key.lower() for part in SENSITIVE_KEY_PARTS):
        return REDACTED
    if isinstance(value, Mapping):
        return _redacted(value)
    return value


def _json_ready(detail: dict[str, Any]) -> dict[str, Any]:
    """Detail exactly as JSON will give it back (UUIDs, dates and decimals as text), so hashing is stable."""
    loaded: dict[str, Any] = json.loads(json.dumps(detail, cls=DjangoJSONEncoder))
    return loaded


# --- hashing --------------------------------------------------------------------------------------------------


def canonical_fields(record: AuditRecord) -> dict[str, Any]:
    """The hashed content of a record, as text and JSON values only."""
    return {
        "sequence": int(record.sequence),
        "id": str(record.id),
        "occurred_at": _utc(record.occurred_at).isoformat(),
        "actor_id": None if record.actor_id is None else str(record.actor_id),
        "actor_label": record.actor_label,
        "action": record.action,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "ip": _normalised_ip(record.ip),
        "request_id": record.request_id,
        "detail": record.detail,
    }


def chain_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((previous_hash + canonical).encode("ascii")).hexdigest()


def record_hash(record: AuditRecord) -> str:
    return chain_hash(record.previous_hash, canonical_fields(record))


# --- reading --------------------------------------------------------------------------------------------------


def record_view(record: AuditRecord) -> AuditRecordView:
    return AuditRecordView(
        sequence=record.sequence,
        id=record.id,
        occurred_at=record.occurred_at,
        actor_id=record.actor_id,
        actor_label=record.actor_label,
        action=record.action,
        target_type=record.target_type,
        target_id=record.target_id,
        ip=record.ip,
        request_id=record.request_id,
        detail=dict(record.detail),
        record_hash=record.record_hash,
    )


def record_page(
    *,
    action: str | None = None,
    actor_id: uuid.UUID | None = None,
    target_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[AuditRecordView]:
    """Newest first; `action` matches exactly, or a whole area with a trailing dot ("security.")."""
    records = AuditRecord.objects.all()
    if action:
        records = records.filter(action__startswith=action) if action.endswith(".") else records.filter(action=action)
    if actor_id is not None:
        records = records.filter(actor_id=actor_id)
    if target_id:
        records = records.filter(target_id=target_id)
    if since is not None:
        records = records.filter(occurred_at__gte=since)
    if until is not None:
        records = records.filter(occurred_at__lt=until)
    return paginate_queryset(records, cursor=cursor, limit=limit, to_item=record_view, ordering=("-sequence",))


# --- verifying ------------------------------------------------------------------------------------------------


def chain_verify() -> AuditVerification:
    """Recomputes the whole chain in sequence order; the first record that does not fit, and why."""
    checked = 0
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for record in AuditRecord.objects.order_by("sequence").iterator(chunk_size=VERIFY_CHUNK_SIZE):
        problem = _record_problem(record, expected_sequence=expected_sequence, previous_hash=previous_hash)
        if problem is not None:
            return AuditVerification(
                ok=False, records_checked=checked, first_bad_sequence=problem[0], problem=problem[1]
            )
        checked += 1
        expected_sequence = record.sequence + 1
        previous_hash = record.record_hash
    head_problem = _head_problem(last_sequence=expected_sequence - 1, last_hash=previous_hash)
    if head_problem is not None:
        return AuditVerification(
            ok=False, records_checked=checked, first_bad_sequence=head_problem[0], problem=head_problem[1]
        )
    return AuditVerification(ok=True, records_checked=checked, first_bad_sequence=None, problem="")


def _record_problem(record: AuditRecord, *, expected_sequence: int, previous_hash: str) -> tuple[int, str] | None:
    if record.sequence > expected_sequence:
        return expected_sequence, PROBLEM_MISSING
    if record.record_hash != record_hash(record):
        return record.sequence, PROBLEM_EDITED
    if record.previous_hash != previous_hash:
        # The record is intact but does not follow the one before it: moved, or something was put before it.
        return record.sequence, PROBLEM_OUT_OF_ORDER
    return None


def _head_problem(*, last_sequence: int, last_hash: str) -> tuple[int, str] | None:
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_sequence = head.last_sequence if head is not None else 0
    head_hash = head.last_hash if head is not None else GENESIS_HASH
    if head_sequence > last_sequence:
        return last_sequence + 1, PROBLEM_MISSING
    if head_sequence < last_sequence:
        return head_sequence + 1, PROBLEM_INSERTED
    if head_hash != last_hash:
        return last_sequence, PROBLEM_EDITED
    return None


def anchor_matches(*, sequence: int, record_hash: str) -> bool:
    """Whether record `sequence` still has the hash an operator kept elsewhere: the chain alone cannot tell a
    consistent rewrite of every record from the original; an anchor outside the database can."""
    return AuditRecord.objects.filter(sequence=sequence, record_hash=record_hash).exists()


def chain_verify_rows(rows: Iterable[Mapping[str, Any]]) -> AuditVerification:
    """Verifies an exported copy (JSON lines, parsed) without the database: each row's hash and its link."""
    checked = 0
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for row in rows:
        sequence = int(row["sequence"])
        fields = {key: row.get(key) for key in CSV_COLUMNS if key not in ("previous_hash", "record_hash")}
        fields["sequence"] = sequence
        problem: str | None = None
        if sequence > expected_sequence:
            problem, sequence = PROBLEM_MISSING, expected_sequence
        elif chain_hash(str(row["previous_hash"]), fields) != row["record_hash"]:
            problem = PROBLEM_EDITED
        elif row["previous_hash"] != previous_hash or sequence < expected_sequence:
            problem = PROBLEM_OUT_OF_ORDER
        if problem is not None:
            return AuditVerification(ok=False, records_checked=checked, first_bad_sequence=sequence, problem=problem)
        checked += 1
        expected_sequence = sequence + 1
        previous_hash = str(row["record_hash"])
    return AuditVerification(ok=True, records_checked=checked, first_bad_sequence=None, problem="")


# --- exporting ------------------------------------------------------------------------------------------------


def export_lines(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None, fmt: str = "jsonl"
) -> Iterator[str]:
    """The records in sequence order, each line ending in a newline; CSV starts with a header line."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidAuditQuery(
            f"format must be one of: {', '.join(EXPORT_FORMATS)}.",
            extra={"errors": [{"field": "query.format", "message": "jsonl or csv"}]},
        )
    records = AuditRecord.objects.order_by("sequence")
    if since is not None:
        records = records.filter(occurred_at__gte=since)
    if until is not None:
        records = records.filter(occurred_at__lt=until)
    rows = (_export_row(record) for record in records.iterator(chunk_size=VERIFY_CHUNK_SIZE))
    if fmt == "csv":
        return _csv_lines(rows)
    return (json.dumps(row, sort_keys=True, ensure_ascii=True) + "\n" for row in rows)


def _export_row(record: AuditRecord) -> dict[str, Any]:
    return {**canonical_fields(record), "previous_hash": record.previous_hash, "record_hash": record.record_hash}


def _csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield _csv_line(CSV_COLUMNS)
    for row in rows:
        yield _csv_line(_csv_cell(row[column]) for column in CSV_COLUMNS)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    text = str(value)
    # A spreadsheet runs a cell starting with these as a formula (CSV injection, OWASP).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(list(cells))
    return buffer.getvalue()
