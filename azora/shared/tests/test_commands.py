"""`dispatch_outbox`: the operator's way to dispatch pending events in-process."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from azora.shared.events import publish
from azora.shared.models import EventDelivery, OutboxEvent
from azora.shared.tests.conftest import Subscribe
from azora.shared.tests.events.support import WidgetShipped, fail_unless_unlocked, record_shipment

pytestmark = pytest.mark.django_db


def published(widget: int) -> uuid.UUID:
    with transaction.atomic():
        return publish(WidgetShipped(widget_id=uuid.UUID(int=widget), quantity=1))


def test_dispatches_every_due_pending_event(subscribe: Subscribe, capsys: pytest.CaptureFixture[str]) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    published(1)
    published(2)
    Group.objects.create(name="unlock")
    waiting = published(3)
    EventDelivery.objects.create(
        event_id=waiting,
        subscriber_name="tests.flaky_warehouse",
        status=EventDelivery.Status.RETRYING,
        attempts=1,
        next_attempt_at=timezone.now() + dt.timedelta(hours=1),
    )

    call_command("dispatch_outbox")

    assert capsys.readouterr().out == "Dispatched: dispatched 2\n"
    assert OutboxEvent.objects.filter(status=OutboxEvent.Status.DISPATCHED).count() == 2
    assert OutboxEvent.objects.get(pk=waiting).status == OutboxEvent.Status.PENDING


def test_dispatches_one_event(subscribe: Subscribe, capsys: pytest.CaptureFixture[str]) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    event_id = published(1)
    other = published(2)

    call_command("dispatch_outbox", "--event", str(event_id))

    assert capsys.readouterr().out == f"{event_id}: dispatched\n"
    assert OutboxEvent.objects.get(pk=other).status == OutboxEvent.Status.PENDING


def test_reports_when_nothing_is_due(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("dispatch_outbox")

    assert capsys.readouterr().out == "Dispatched: nothing due\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--event", "not-an-id"], "'not-an-id' is not an event id"),
        (["--event", "00000000-0000-0000-0000-000000000001"], "No outbox event 00000000-0000-0000-0000-000000000001"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_refuses_bad_arguments(arguments: list[str], message: str) -> None:
    published(1)

    with pytest.raises(CommandError, match=message):
        call_command("dispatch_outbox", *arguments)

    assert OutboxEvent.objects.get().status == OutboxEvent.Status.PENDING
