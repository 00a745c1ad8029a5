"""dispatch_event and redelivery: each subscriber once, in its own transaction, retried with backoff until dead."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from azora.shared.events import (
    MAX_ATTEMPTS,
    OutboxStats,
    deliveries_retry_now,
    dispatch_event,
    outbox_stats,
    prune_dispatched_events,
    publish,
    redeliver_due_events,
    retry_delay,
)
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent
from azora.shared.tests.conftest import Subscribe
from azora.shared.tests.events.support import (
    UNLOCK_GROUP,
    WidgetShipped,
    fail_unless_unlocked,
    fail_with_a_long_message,
    record_shipment,
    record_shipment_for_billing,
)

pytestmark = pytest.mark.django_db

WIDGET_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def published(*, occurred_at: dt.datetime = NOW, widget_id: uuid.UUID = WIDGET_ID) -> uuid.UUID:
    """An event in the outbox whose after-commit dispatch has not run (the test transaction never commits)."""
    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=widget_id, quantity=1))
    OutboxEvent.objects.filter(pk=event_id).update(occurred_at=occurred_at)
    return event_id


def group_names() -> list[str]:
    return sorted(Group.objects.values_list("name", flat=True))


def delivery(name: str) -> EventDelivery:
    return EventDelivery.objects.get(subscriber_name=name)


def test_retry_delay_doubles_from_ten_seconds_and_is_capped_at_an_hour() -> None:
    assert [retry_delay(attempts).total_seconds() for attempts in range(1, 11)] == [
        10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600,
    ]  # fmt: skip
    assert retry_delay(10_000) == dt.timedelta(hours=1)


def test_an_event_without_subscribers_is_dispatched() -> None:
    event_id = published()

    assert dispatch_event(event_id, now=NOW) == "dispatched"

    row = OutboxEvent.objects.get()
    assert (row.status, row.dispatched_at) == (OutboxEvent.Status.DISPATCHED, NOW)
    assert not EventDelivery.objects.exists()


def test_an_unknown_event_id_is_ignored() -> None:
    assert dispatch_event(uuid.UUID(int=1), now=NOW) is None


def test_each_subscriber_handles_the_event_once_however_often_it_is_delivered(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    subscribe(WidgetShipped, "tests.bill_shipment", record_shipment_for_billing)
    event_id = published()

    assert dispatch_event(event_id, now=NOW) == "dispatched"
    # A crash after the handlers committed but before the status was recorded: the event is delivered again.
    OutboxEvent.objects.filter(pk=event_id).update(status=OutboxEvent.Status.PENDING, dispatched_at=None)
    EventDelivery.objects.update(status=EventDelivery.Status.PENDING)
    assert dispatch_event(event_id, now=NOW) == "dispatched"
    assert dispatch_event(event_id, now=NOW) == "dispatched"

    assert group_names() == [f"billed:{WIDGET_ID}", f"shipped:{WIDGET_ID}"]
    assert sorted(HandledEvent.objects.values_list("subscriber_name", flat=True)) == [
        "tests.bill_shipment",
        "tests.record_shipment",
    ]
    assert [(d.subscriber_name, d.status, d.attempts) for d in EventDelivery.objects.order_by("subscriber_name")] == [
        ("tests.bill_shipment", "handled", 1),
        ("tests.record_shipment", "handled", 1),
    ]


def test_a_failing_subscriber_is_rolled_back_recorded_and_does_not_block_the_others(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    event_id = published()

    assert dispatch_event(event_id, now=NOW) == "pending"

    assert group_names() == [f"shipped:{WIDGET_ID}"]  # the failing handler's write was rolled back
    failed = delivery("tests.flaky_warehouse")
    assert failed.status == EventDelivery.Status.RETRYING
    assert failed.attempts == 1
    assert failed.last_attempted_at == NOW
    assert failed.next_attempt_at == NOW + dt.timedelta(seconds=10)
    assert failed.last_error_class == "builtins.ConnectionError"
    assert failed.last_error_message == f"warehouse unreachable for widget {WIDGET_ID}"
    assert list(HandledEvent.objects.values_list("subscriber_name", flat=True)) == ["tests.record_shipment"]
    assert OutboxEvent.objects.get().dispatched_at is None


def test_a_retry_waits_for_its_backoff_then_succeeds(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    event_id = published()
    dispatch_event(event_id, now=NOW)

    assert dispatch_event(event_id, now=NOW + dt.timedelta(seconds=9)) == "pending"
    assert delivery("tests.flaky_warehouse").attempts == 1

    assert dispatch_event(event_id, now=NOW + dt.timedelta(seconds=10)) == "pending"
    second = delivery("tests.flaky_warehouse")
    assert (second.attempts, second.next_attempt_at) == (2, NOW + dt.timedelta(seconds=30))

    Group.objects.create(name=UNLOCK_GROUP)
    assert dispatch_event(event_id, now=NOW + dt.timedelta(seconds=30)) == "dispatched"
    handled = delivery("tests.flaky_warehouse")
    assert (handled.status, handled.attempts, handled.handled_at, handled.next_attempt_at) == (
        EventDelivery.Status.HANDLED,
        3,
        NOW + dt.timedelta(seconds=30),
        None,
    )
    assert group_names() == [f"flaky:{WIDGET_ID}", UNLOCK_GROUP]


def test_after_the_last_attempt_the_delivery_is_dead_and_the_event_failed(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    event_id = published()
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        dispatch_event(event_id, now=moment)
        moment += dt.timedelta(hours=1)

    dead = delivery("tests.flaky_warehouse")
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (EventDelivery.Status.DEAD, MAX_ATTEMPTS, None)
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.FAILED
    assert outbox_stats(now=moment) == OutboxStats(pending=0, failed=1, oldest_pending_age_seconds=None)

    # A dead delivery is not retried by later dispatches.
    Group.objects.create(name=UNLOCK_GROUP)
    assert dispatch_event(event_id, now=moment) == "failed"
    assert delivery("tests.flaky_warehouse").attempts == MAX_ATTEMPTS
    assert redeliver_due_events(now=moment + dt.timedelta(days=1)) == 0


def test_retry_now_gives_a_dead_delivery_another_attempt(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    event_id = published()
    EventDelivery.objects.create(
        event_id=event_id,
        subscriber_name="tests.flaky_warehouse",
        status=EventDelivery.Status.DEAD,
        attempts=MAX_ATTEMPTS,
    )
    OutboxEvent.objects.filter(pk=event_id).update(status=OutboxEvent.Status.FAILED)
    Group.objects.create(name=UNLOCK_GROUP)

    with transaction.atomic():
        retried = deliveries_retry_now(delivery_ids=[delivery("tests.flaky_warehouse").pk])
        assert OutboxEvent.objects.get().status == OutboxEvent.Status.PENDING
    dispatch_event(event_id)  # what the after-commit task does

    assert retried == 1
    assert delivery("tests.flaky_warehouse").status == EventDelivery.Status.HANDLED
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.DISPATCHED


def test_retry_now_leaves_handled_deliveries_alone(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    event_id = published()
    dispatch_event(event_id, now=NOW)

    assert deliveries_retry_now(delivery_ids=[delivery("tests.record_shipment").pk]) == 0

    handled = delivery("tests.record_shipment")
    assert (handled.status, handled.attempts) == (EventDelivery.Status.HANDLED, 1)
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.DISPATCHED


def test_a_failure_message_is_truncated(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.fail_loudly", fail_with_a_long_message)
    dispatch_event(published(), now=NOW)

    failed = delivery("tests.fail_loudly")
    assert (failed.last_error_class, failed.last_error_message) == ("builtins.ValueError", "x" * 500)


def test_a_payload_that_no_longer_decodes_is_a_recorded_failure(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    event_id = published()
    OutboxEvent.objects.filter(pk=event_id).update(payload={"widget_id": "garbled", "quantity": 1})

    assert dispatch_event(event_id, now=NOW) == "pending"

    failed = delivery("tests.record_shipment")
    assert failed.last_error_class == "azora.shared.events.codec.PayloadError"
    assert failed.last_error_message == "widget_id: 'garbled' is not valid."
    assert not Group.objects.exists()


def test_redelivery_dispatches_due_retries_and_stuck_events_only(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    due_retry = published(occurred_at=NOW - dt.timedelta(minutes=10), widget_id=uuid.UUID(int=1))
    waiting_retry = published(occurred_at=NOW - dt.timedelta(minutes=10), widget_id=uuid.UUID(int=2))
    stuck = published(occurred_at=NOW - dt.timedelta(minutes=2), widget_id=uuid.UUID(int=3))
    fresh = published(occurred_at=NOW - dt.timedelta(seconds=30), widget_id=uuid.UUID(int=4))
    dispatch_event(due_retry, now=NOW - dt.timedelta(seconds=11))
    dispatch_event(waiting_retry, now=NOW - dt.timedelta(seconds=5))
    Group.objects.create(name=UNLOCK_GROUP)

    # The test backend runs the dispatch task inline, as a worker would pick it up.
    assert redeliver_due_events(now=NOW) == 2

    statuses = dict(OutboxEvent.objects.values_list("pk", "status"))
    assert statuses == {
        due_retry: OutboxEvent.Status.DISPATCHED,
        waiting_retry: OutboxEvent.Status.PENDING,
        stuck: OutboxEvent.Status.DISPATCHED,
        fresh: OutboxEvent.Status.PENDING,
    }
    assert EventDelivery.objects.get(event_id=waiting_retry).attempts == 1
    assert not EventDelivery.objects.filter(event_id=fresh).exists()


def test_outbox_stats_count_pending_and_failed_events() -> None:
    assert outbox_stats(now=NOW) == OutboxStats(pending=0, failed=0, oldest_pending_age_seconds=None)
    published(occurred_at=NOW - dt.timedelta(seconds=90))
    published(occurred_at=NOW - dt.timedelta(seconds=30))
    failed = published(occurred_at=NOW - dt.timedelta(hours=5))
    OutboxEvent.objects.filter(pk=failed).update(status=OutboxEvent.Status.FAILED)
    dispatch_event(published(occurred_at=NOW - dt.timedelta(hours=6)), now=NOW)

    assert outbox_stats(now=NOW) == OutboxStats(pending=2, failed=1, oldest_pending_age_seconds=90.0)


def test_pruning_removes_only_old_dispatched_events(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    old_dispatched = published(occurred_at=NOW - dt.timedelta(days=8), widget_id=uuid.UUID(int=1))
    recent_dispatched = published(occurred_at=NOW - dt.timedelta(days=6), widget_id=uuid.UUID(int=2))
    old_pending = published(occurred_at=NOW - dt.timedelta(days=30), widget_id=uuid.UUID(int=3))
    dispatch_event(old_dispatched, now=NOW)
    dispatch_event(recent_dispatched, now=NOW)

    assert prune_dispatched_events(now=NOW) == 1

    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent_dispatched, old_pending}
    assert list(HandledEvent.objects.values_list("event_id", flat=True)) == [recent_dispatched]
    assert list(EventDelivery.objects.values_list("event_id", flat=True)) == [recent_dispatched]


def test_dispatch_uses_the_current_time_by_default(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    before = timezone.now()

    dispatch_event(published())

    row = OutboxEvent.objects.get()
    assert row.dispatched_at is not None
    assert row.dispatched_at >= before
