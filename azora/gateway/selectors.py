"""Reads of the API edge's idempotency records, as frozen snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from azora.gateway.models import IdempotencyRecord


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """What an Idempotency-Key is bound to and, once completed, the response to replay."""

    id: int
    method: str
    path: str
    request_hash: str
    is_completed: bool
    created_at: datetime
    response_status: int | None
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    expires_at: datetime

    def is_abandoned(self, *, now: datetime, lease: timedelta) -> bool:
        """Still in progress long after any request would have finished: its process died."""
        return not self.is_completed and self.created_at <= now - lease

    def matches(self, *, method: str, path: str, request_hash: str) -> bool:
        return (self.method, self.path, self.request_hash) == (method, path, request_hash)


def stored_request_from_record(record: IdempotencyRecord) -> StoredRequest:
    return StoredRequest(
        id=record.pk,
        method=record.method,
        path=record.path,
        request_hash=record.request_hash,
        is_completed=record.state == IdempotencyRecord.State.COMPLETED,
        created_at=record.created_at,
        response_status=record.response_status,
        response_headers=tuple((str(name), str(value)) for name, value in record.response_headers),
        response_body=bytes(record.response_body or b""),
        expires_at=record.expires_at,
    )


def idempotency_record_get(*, scope: str, key: str, now: datetime | None = None) -> StoredRequest | None:
    """The caller's live record for `key`; an expired one counts as absent."""
    record = (
        IdempotencyRecord.objects.filter(scope=scope, key=key, expires_at__gt=now or timezone.now()).order_by().first()
    )
    return None if record is None else stored_request_from_record(record)
