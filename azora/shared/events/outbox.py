"""The transactional outbox: publishing events in the caller's transaction, operator actions, stats and pruning."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Min
from django.utils import timezone

from azora.shared.events.enqueue import dispatch_after_commit, enqueue_dispatch
from azora.shared.events.registry import DomainEvent, encode_event
from azora.shared.ids import uuid7
from azora.shared.models import EventDelivery, OutboxEvent

DISPATCHED_RETENTION = dt.timedelta(days=7)
PRUNE_BATCH_SIZE = 1000

logger = structlog.get_logger(__name__)

__all__ = [
    "FailedDelivery",
    "OutboxStats",
    "PublishOutsideTransaction",
    "deliveries_retry_now",
    "enqueue_dispatch",
    "failed_deliveries",
    "outbox_stats",
    "prune_dispatched_events",
    "publish",
]


class PublishOutsideTransaction(RuntimeError):
    """`publish` was called outside `transaction.atomic()`: the event would not share the change's fate."""


@dataclass(frozen=True, slots=True)
class OutboxStats:
    """Outbox health for metrics and readiness: events waiting, events given up on, and the oldest wait."""

    pending: int
    failed: int
    oldest_pending_age_seconds: float | None


def publish(event: DomainEvent) -> uuid.UUID:
    """Writes `event` to the outbox in the caller's transaction and dispatches it after that transaction commits.

    The events one transaction publishes share one dispatch task (docs/decisions/0017). Raises
    PublishOutsideTransaction outside `transaction.atomic()`; when the transaction rolls back nothing is
    written and nothing is dispatched. Returns the event id (UUIDv7), the subscribers' dedupe key.
    """
    if not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        raise PublishOutsideTransaction(
            f"publish({type(event).__qualname__}) must run inside transaction.atomic(), with the change it announces."
        )
    payload = encode_event(event)
    context = structlog.contextvars.get_contextvars()
    row = OutboxEvent.objects.create(
        id=uuid7(),
        event_type=event.event_type,
        payload=payload,
        occurred_at=timezone.now(),
        request_id=str(context.get("request_id") or "")[:200],
        trace_id=str(context.get("trace_id") or "")[:64],
    )
    dispatch_after_commit(row.id, using=DEFAULT_DB_ALIAS)
    return row.id


def outbox_stats(*, now: dt.datetime | None = None) -> OutboxStats:
    now = now or timezone.now()
    pending = OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).aggregate(
        count=Count("pk"), oldest=Min("occurred_at")
    )
    failed = OutboxEvent.objects.filter(status=OutboxEvent.Status.FAILED).count()
    oldest: dt.datetime | None = pending["oldest"]
    return OutboxStats(
        pending=int(pending["count"]),
        failed=failed,
        oldest_pending_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest is not None else None,
    )


# Operators read the error's first line; a whole traceback or a long message belongs in the logs.
FAILED_DELIVERY_ERROR_LENGTH = 300


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A delivery that failed at least once and is not handled: dead (given up) or retrying (waiting)."""

    id: int
    event_id: uuid.UUID
    event_type: str
    subscriber_name: str
    status: str
    attempts: int
    last_error: str
    last_attempted_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    occurred_at: dt.datetime


def failed_deliveries(*, limit: int = 100) -> list[FailedDelivery]:
    """Dead deliveries first, then retrying ones, oldest first within each (one query), for operators to retry."""
    rows = (
        EventDelivery.objects.select_related("event")
        .filter(status__in=[EventDelivery.Status.DEAD, EventDelivery.Status.RETRYING])
        .order_by("status", "event__occurred_at", "pk")[:limit]
    )
    return [
        FailedDelivery(
            id=row.pk,
            event_id=row.event_id,
            event_type=row.event.event_type,
            subscriber_name=row.subscriber_name,
            status=row.status,
            attempts=row.attempts,
            last_error=(f"{row.last_error_class}: " if row.last_error_class else "")
            + row.last_error_message.splitlines()[0][:FAILED_DELIVERY_ERROR_LENGTH]
            if row.last_error_message
            else row.last_error_class,
            last_attempted_at=row.last_attempted_at,
            next_attempt_at=row.next_attempt_at,
            occurred_at=row.event.occurred_at,
        )
        for row in rows
    ]


def deliveries_retry_now(*, delivery_ids: Iterable[int]) -> int:
    """Operator action: makes the given unhandled deliveries due now and dispatches their events after commit.

    A dead delivery gets one more attempt; if that fails too it is dead again. Returns how many were reset.
    """
    now = timezone.now()
    with transaction.atomic():
        deliveries = list(
            EventDelivery.objects.select_for_update()
            .filter(pk__in=list(delivery_ids))
            .exclude(status=EventDelivery.Status.HANDLED)
            .order_by("pk")
        )
        event_ids = sorted({delivery.event_id for delivery in deliveries})
        EventDelivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries]).update(
            status=EventDelivery.Status.RETRYING, next_attempt_at=now, updated_at=now
        )
        OutboxEvent.objects.filter(pk__in=event_ids, status=OutboxEvent.Status.FAILED).update(
            status=OutboxEvent.Status.PENDING
        )
        for event_id in event_ids:
            dispatch_after_commit(event_id, using=DEFAULT_DB_ALIAS)
    logger.info("outbox_deliveries_retried", deliveries=len(deliveries), events=len(event_ids))
    return len(deliveries)


def prune_dispatched_events(*, older_than: dt.timedelta = DISPATCHED_RETENTION, now: dt.datetime | None = None) -> int:
    """Deletes dispatched events (with their delivery and dedupe rows) that occurred before the retention window.

    Pending and failed events are kept whatever their age: they still need an operator or a retry.
    """
    cutoff = (now or timezone.now()) - older_than
    deleted = 0
    while True:
        batch = list(
            OutboxEvent.objects.filter(status=OutboxEvent.Status.DISPATCHED, occurred_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:PRUNE_BATCH_SIZE]
        )
        if not batch:
            return deleted
        with transaction.atomic():
            OutboxEvent.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
