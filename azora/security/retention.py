"""Retention: security events and other activity logs after AZORA_RETENTION_ACTIVITY_DAYS, sessions after
AZORA_RETENTION_SESSIONS_DAYS, and data exports after their expiry (the files first, then the link to them).

Audit records are never pruned here: they are the evidence the retention itself was applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from azora.security.models import DataExport, SecurityEvent
from azora.shared.observability.logging import get_logger

logger = get_logger(__name__)

# Deleting in slices keeps each statement's locks short on a large table.
BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    activity_days: int
    sessions_days: int

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        return cls(
            activity_days=settings.AZORA_RETENTION_ACTIVITY_DAYS, sessions_days=settings.AZORA_RETENTION_SESSIONS_DAYS
        )


def _delete_in_batches(queryset: QuerySet[Model]) -> int:
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:BATCH_SIZE])
        if not batch:
            return deleted
        count, _ = queryset.model._default_manager.filter(pk__in=batch).delete()
        deleted += count


def security_events_prune(*, now: dt.datetime, policy: RetentionPolicy) -> int:
    cutoff = now - dt.timedelta(days=policy.activity_days)
    return _delete_in_batches(SecurityEvent.objects.filter(created_at__lt=cutoff))


def sessions_prune(*, now: dt.datetime, policy: RetentionPolicy) -> int:
    """Ends allauth user sessions started or last seen before the cutoff (their session data goes too), then
    removes expired Django sessions; returns how many sessions ended."""
    cutoff = now - dt.timedelta(days=policy.sessions_days)
    ended = 0
    stale = UserSession.objects.filter(Q(created_at__lt=cutoff) | Q(last_seen_at__lt=cutoff))
    for user_session in stale.iterator(chunk_size=BATCH_SIZE):
        user_session.end()  # deletes the session from its store (cache and database) and the row
        ended += 1
    ended += _delete_in_batches(Session.objects.filter(expire_date__lt=now))
    return ended


def data_exports_expire(*, now: dt.datetime) -> int:
    """Ready exports past their expiry lose their file and become expired; returns how many."""
    expired = 0
    due = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now)
    for export in due.iterator(chunk_size=BATCH_SIZE):
        if export.storage_key:
            default_storage.delete(export.storage_key)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED, storage_key="")
        expired += 1
    return expired


def retention_run(*, now: dt.datetime | None = None, policy: RetentionPolicy | None = None) -> dict[str, int]:
    now = now or timezone.now()
    policy = policy or RetentionPolicy.from_settings()
    outcome = {
        "security_events": security_events_prune(now=now, policy=policy),
        "sessions": sessions_prune(now=now, policy=policy),
        "data_exports": data_exports_expire(now=now),
    }
    logger.info("retention_applied", **outcome)
    return outcome
