"""Domain events: declare them (DomainEvent), publish them through the outbox, and subscribe to them.

See docs/events.md. Everything another app needs is importable from here.
"""

from azora.shared.events.codec import PayloadError
from azora.shared.events.dispatch import (
    MAX_ATTEMPTS,
    dispatch_event,
    dispatch_pending_events,
    redeliver_due_events,
    retry_delay,
)
from azora.shared.events.outbox import (
    FailedDelivery,
    OutboxStats,
    PublishOutsideTransaction,
    deliveries_retry_now,
    failed_deliveries,
    outbox_stats,
    prune_dispatched_events,
    publish,
)
from azora.shared.events.registry import DomainEvent, Subscription, subscriber

__all__ = [
    "MAX_ATTEMPTS",
    "DomainEvent",
    "FailedDelivery",
    "OutboxStats",
    "PayloadError",
    "PublishOutsideTransaction",
    "Subscription",
    "deliveries_retry_now",
    "dispatch_event",
    "dispatch_pending_events",
    "failed_deliveries",
    "outbox_stats",
    "prune_dispatched_events",
    "publish",
    "redeliver_due_events",
    "retry_delay",
    "subscriber",
]
