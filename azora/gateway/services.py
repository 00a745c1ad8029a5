"""Writes of the API edge: claiming, completing, releasing and purging Idempotency-Key records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from azora.gateway.models import IdempotencyRecord
from azora.gateway.selectors import StoredRequest, idempotency_record_get

# No request runs this long (proxies and clients time out well before); a claim older than this
# belongs to a process that died mid-request, and its key may be claimed afresh.
IN_PROGRESS_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Claim:
    """Either this request now owns the key (`record_id`) or another request does (`existing`)."""

    record_id: int | None
    existing: StoredRequest | None


def idempotency_claim(
    *, scope: str, key: str, method: str, path: str, request_hash: str, ttl: timedelta, now: datetime | None = None
) -> Claim:
    """Insert the in-progress row in its own committed transaction; the unique (scope, key) decides who runs.

    An expired row left behind for the key is removed first, so a key can be reused after its TTL;
    so is a claim still in progress after IN_PROGRESS_LEASE, whose process died mid-request.
    """
    now = now or timezone.now()
    abandoned = Q(state=IdempotencyRecord.State.IN_PROGRESS, created_at__lte=now - IN_PROGRESS_LEASE)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    method=method,
                    path=path,
                    request_hash=request_hash,
                    state=IdempotencyRecord.State.IN_PROGRESS,
                    created_at=now,
                    expires_at=now + ttl,
                )
            return Claim(record_id=record.pk, existing=None)
        except IntegrityError:
            existing = idempotency_record_get(scope=scope, key=key, now=now)
            if existing is not None and not existing.is_abandoned(now=now, lease=IN_PROGRESS_LEASE):
                return Claim(record_id=None, existing=existing)
            IdempotencyRecord.objects.filter(Q(expires_at__lte=now) | abandoned, scope=scope, key=key).delete()
    # The row vanished and reappeared between our attempts: another request owns the key now.
    return Claim(record_id=None, existing=idempotency_record_get(scope=scope, key=key, now=now))


def idempotency_complete(*, record_id: int, status: int, headers: Sequence[tuple[str, str]], body: bytes) -> None:
    """Store the response the key will replay until it expires."""
    IdempotencyRecord.objects.filter(pk=record_id).update(
        state=IdempotencyRecord.State.COMPLETED,
        response_status=status,
        response_headers=[list(pair) for pair in headers],
        response_body=body,
    )


def idempotency_release(*, record_id: int) -> None:
    """Forget a claim whose request failed on our side, so the client may retry with the same key."""
    IdempotencyRecord.objects.filter(pk=record_id, state=IdempotencyRecord.State.IN_PROGRESS).delete()


def idempotency_forget(*, record_id: int) -> None:
    """Drop a record whatever its state (one whose stored response can no longer be read)."""
    IdempotencyRecord.objects.filter(pk=record_id).delete()


def purge_expired_idempotency_records(*, now: datetime | None = None) -> int:
    """Delete records past their expiry; returns how many went. Safe to run concurrently."""
    deleted, _by_model = IdempotencyRecord.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
