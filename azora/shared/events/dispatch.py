"""Delivering outbox events to their subscribers: once each, in its own transaction, with retries and backoff."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from azora.shared.events.enqueue import enqueue_dispatch
from azora.shared.events.registry import Subscription, decode_event, subscriptions_for
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent

FIRST_RETRY_DELAY = dt.timedelta(seconds=10)
MAX_RETRY_DELAY = dt.timedelta(hours=1)
MAX_ATTEMPTS = 10
# An event still pending this long after it occurred missed its dispatch (a crash between commit and enqueue).
STUCK_AFTER = dt.timedelta(minutes=1)
REDELIVERY_BATCH_SIZE = 500
ERROR_MESSAGE_LIMIT = 500

logger = structlog.get_logger(__name__)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed attempt: 10 s, 20 s, 40 s, ... capped at one hour."""
    # The exponent is capped so a huge attempt count cannot overflow timedelta before the cap applies.
    return min(FIRST_RETRY_DELAY * (1 << min(max(attempts - 1, 0), 20)), MAX_RETRY_DELAY)


def dispatch_event(event_id: uuid.UUID, *, now: dt.datetime | None = None) -> str | None:
    """Runs every due, not-yet-handled subscriber of the event and records the event's resulting status.

    Safe to run any number of times and concurrently: a subscriber's work and its HandledEvent row commit
    together, so a redelivered event is never handled twice by the same subscriber. Returns the event's
    status, or None when the event does not exist (rolled back or pruned).
    """
    now = now or timezone.now()
    row = OutboxEvent.objects.filter(pk=event_id).first()
    if row is None:
        return None
    if row.status == OutboxEvent.Status.DISPATCHED:
        return row.status
    subscriptions = subscriptions_for(row.event_type)
    for subscription in subscriptions:
        _deliver(row, subscription, now=now)
    return _settle(row, subscriptions, now=now)


def _deliver(row: OutboxEvent, subscription: Subscription, *, now: dt.datetime) -> None:
    delivery, _ = EventDelivery.objects.get_or_create(event=row, subscriber_name=subscription.name)
    if not _is_due(delivery, now=now):
        return
    try:
        with transaction.atomic():
            if not _claim(row, subscription):
                _mark_handled(delivery, now=now, attempted=False)
                return
            # The publishing request's id, so what a handler records (an audit record, a log line) names it.
            with structlog.contextvars.bound_contextvars(request_id=row.request_id or None):
                subscription.handler(decode_event(row.event_type, row.payload))
            _mark_handled(delivery, now=now, attempted=True)
    except Exception as error:  # any failure of a handler is recorded and retried, never raised to the caller
        _record_failure(delivery, error, now=now)


def _is_due(delivery: EventDelivery, *, now: dt.datetime) -> bool:
    if delivery.status in (EventDelivery.Status.HANDLED, EventDelivery.Status.DEAD):
        return False
    return delivery.next_attempt_at is None or delivery.next_attempt_at <= now


def _claim(row: OutboxEvent, subscription: Subscription) -> bool:
    """Inserts the dedupe row; False when this subscriber already handled the event (it committed first)."""
    try:
        with transaction.atomic():
            HandledEvent.objects.create(event=row, subscriber_name=subscription.name)
    except IntegrityError:
        return False
    return True


def _mark_handled(delivery: EventDelivery, *, now: dt.datetime, attempted: bool) -> None:
    fields: dict[str, object] = {"status": EventDelivery.Status.HANDLED, "next_attempt_at": None, "updated_at": now}
    if attempted:
        fields |= {"attempts": F("attempts") + 1, "last_attempted_at": now, "handled_at": now}
    EventDelivery.objects.filter(pk=delivery.pk).exclude(status=EventDelivery.Status.HANDLED).update(**fields)


def _record_failure(delivery: EventDelivery, error: Exception, *, now: dt.datetime) -> None:
    """Counts the attempt and schedules the next one, or gives up after MAX_ATTEMPTS (the delivery is then dead).

    Only the error's class and a truncated message are stored: never a traceback, its locals or the payload.
    """
    with transaction.atomic():
        current = EventDelivery.objects.select_for_update().get(pk=delivery.pk)
        if current.status == EventDelivery.Status.HANDLED:
            return
        current.attempts += 1
        current.last_attempted_at = now
        current.last_error_class = f"{type(error).__module__}.{type(error).__qualname__}"[:300]
        current.last_error_message = str(error)[:ERROR_MESSAGE_LIMIT]
        if current.attempts >= MAX_ATTEMPTS:
            current.status = EventDelivery.Status.DEAD
            current.next_attempt_at = None
        else:
            current.status = EventDelivery.Status.RETRYING
            current.next_attempt_at = now + retry_delay(current.attempts)
        current.save()
    logger.warning(
        "event_subscriber_failed",
        event_id=str(current.event_id),
        subscriber=current.subscriber_name,
        attempts=current.attempts,
        status=current.status,
        error_class=current.last_error_class,
    )


def _settle(row: OutboxEvent, subscriptions: list[Subscription], *, now: dt.datetime) -> str:
    """Dispatched when every subscriber handled the event; failed when the rest are dead; pending otherwise."""
    names = {subscription.name for subscription in subscriptions}
    handled = set(
        HandledEvent.objects.filter(event=row, subscriber_name__in=names).values_list("subscriber_name", flat=True)
    )
    dead = set(
        EventDelivery.objects.filter(
            event=row, subscriber_name__in=names, status=EventDelivery.Status.DEAD
        ).values_list("subscriber_name", flat=True)
    )
    if handled >= names:
        status = OutboxEvent.Status.DISPATCHED
    elif names - handled <= dead:
        status = OutboxEvent.Status.FAILED
    else:
        status = OutboxEvent.Status.PENDING
    OutboxEvent.objects.filter(pk=row.pk).exclude(status=OutboxEvent.Status.DISPATCHED).update(
        status=status, dispatched_at=now if status == OutboxEvent.Status.DISPATCHED else None
    )
    return str(status)


def redeliver_due_events(*, now: dt.datetime | None = None, limit: int = REDELIVERY_BATCH_SIZE) -> int:
    """Enqueues dispatch for pending events with a retry now due, or stuck without one; returns how many.

    An event whose retry is scheduled in the future is left alone until then.
    """
    event_ids = due_event_ids(now=now or timezone.now(), stuck_after=STUCK_AFTER, limit=limit)
    for event_id in event_ids:
        enqueue_dispatch(event_id)
    if event_ids:
        logger.info("outbox_events_redelivered", events=len(event_ids))
    return len(event_ids)


def dispatch_pending_events(*, now: dt.datetime | None = None, limit: int = REDELIVERY_BATCH_SIZE) -> dict[str, int]:
    """Dispatches every pending event that is due, in this process (the operator's `dispatch_outbox` command).

    Unlike the redelivery job it does not wait for an event to look stuck. Returns a count per resulting status.
    """
    now = now or timezone.now()
    outcomes: dict[str, int] = {}
    for event_id in due_event_ids(now=now, stuck_after=dt.timedelta(0), limit=limit):
        status = dispatch_event(event_id, now=now) or "missing"
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def due_event_ids(*, now: dt.datetime, stuck_after: dt.timedelta, limit: int) -> list[uuid.UUID]:
    """Pending events, oldest first, with a due retry or older than `stuck_after` and no retry scheduled later."""
    retrying = EventDelivery.objects.filter(status=EventDelivery.Status.RETRYING)
    due_retry = retrying.filter(next_attempt_at__lte=now).values("event_id")
    waiting = retrying.filter(next_attempt_at__gt=now).values("event_id")
    stuck = Q(occurred_at__lte=now - stuck_after) & ~Q(pk__in=waiting)
    return list(
        OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING)
        .filter(Q(pk__in=due_retry) | stuck)
        .order_by("occurred_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
