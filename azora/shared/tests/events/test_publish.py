"""publish(): the event is written in the caller's transaction and dispatched only after it commits."""

from __future__ import annotations

import uuid

import pytest
import structlog
from django.contrib.auth.models import Group
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.shared.events import PublishOutsideTransaction, publish
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent
from azora.shared.tests.conftest import Subscribe
from azora.shared.tests.events.support import WidgetShipped, record_shipment

WIDGET_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")


@pytest.mark.django_db
def test_publish_writes_the_event_in_the_callers_transaction() -> None:
    with structlog.contextvars.bound_contextvars(request_id="req-123", trace_id="4bf92f3577b34da6a3ce929d0e0e4736"):
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=3))

    row = OutboxEvent.objects.get()
    assert row.id == event_id
    assert event_id.version == 7
    assert row.event_type == "tests.widget_shipped"
    assert row.payload == {"widget_id": str(WIDGET_ID), "quantity": 3}
    assert row.status == OutboxEvent.Status.PENDING
    assert row.dispatched_at is None
    assert row.request_id == "req-123"
    assert row.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.mark.django_db
def test_publish_without_a_request_context_leaves_the_ids_blank() -> None:
    publish(WidgetShipped(widget_id=WIDGET_ID, quantity=3))

    row = OutboxEvent.objects.get()
    assert (row.request_id, row.trace_id) == ("", "")


@pytest.mark.django_db
def test_nothing_is_dispatched_before_commit(
    subscribe: Subscribe, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with django_capture_on_commit_callbacks() as callbacks:
        publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))
        assert not Group.objects.exists()

    assert len(callbacks) == 1
    assert not Group.objects.exists()
    assert not HandledEvent.objects.exists()


@pytest.mark.django_db
def test_after_commit_the_event_is_dispatched_to_its_subscribers(
    subscribe: Subscribe, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with django_capture_on_commit_callbacks(execute=True):
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))

    assert list(Group.objects.values_list("name", flat=True)) == [f"shipped:{WIDGET_ID}"]
    row = OutboxEvent.objects.get()
    assert row.status == OutboxEvent.Status.DISPATCHED
    assert row.dispatched_at is not None
    assert list(HandledEvent.objects.values_list("event_id", "subscriber_name")) == [
        (event_id, "tests.record_shipment")
    ]
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error_class) == (EventDelivery.Status.HANDLED, 1, "")


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_is_refused_and_writes_nothing() -> None:
    with pytest.raises(PublishOutsideTransaction, match=r"publish\(WidgetShipped\) must run inside transaction"):
        publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_writes_and_dispatches_nothing(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError, match="changed my mind"):
        publish_then_fail()

    assert not OutboxEvent.objects.exists()
    assert not EventDelivery.objects.exists()
    assert not HandledEvent.objects.exists()
    assert not Group.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_dispatches_the_event(subscribe: Subscribe) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))

    assert list(Group.objects.values_list("name", flat=True)) == [f"shipped:{WIDGET_ID}"]
    assert OutboxEvent.objects.get(pk=event_id).status == OutboxEvent.Status.DISPATCHED
