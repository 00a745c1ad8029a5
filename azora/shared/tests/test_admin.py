"""The admin: the outbox, deliveries and job runs are visible and read-only; "retry now" makes a delivery due."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.shared.events import MAX_ATTEMPTS, publish
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent, PeriodicJobRun
from azora.shared.tests.conftest import Subscribe
from azora.shared.tests.events.support import UNLOCK_GROUP, WidgetShipped, fail_unless_unlocked

pytestmark = pytest.mark.django_db

WIDGET_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")


@pytest.fixture
def dead_delivery() -> EventDelivery:
    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=1))
    OutboxEvent.objects.filter(pk=event_id).update(status=OutboxEvent.Status.FAILED)
    return EventDelivery.objects.create(
        event_id=event_id,
        subscriber_name="tests.flaky_warehouse",
        status=EventDelivery.Status.DEAD,
        attempts=MAX_ATTEMPTS,
        last_error_class="builtins.ConnectionError",
        last_error_message="warehouse unreachable",
    )


@pytest.mark.parametrize("model", [OutboxEvent, EventDelivery, HandledEvent, PeriodicJobRun])
def test_each_table_is_listed_and_cannot_be_added_to(
    admin_client: Client, dead_delivery: EventDelivery, model: type[OutboxEvent]
) -> None:
    PeriodicJobRun.objects.create(job_name="tests.tick", slot_start=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    HandledEvent.objects.create(event_id=dead_delivery.event_id, subscriber_name="tests.record_shipment")
    opts = model._meta

    listing = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    adding = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_an_event_page_shows_its_deliveries_and_cannot_be_changed(
    admin_client: Client, dead_delivery: EventDelivery
) -> None:
    url = reverse("admin:shared_outboxevent_change", args=[dead_delivery.event_id])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"event_type": "tests.forged"})

    assert page.status_code == 200
    assert b"warehouse unreachable" in page.content
    assert posted.status_code == 403
    assert OutboxEvent.objects.get().event_type == "tests.widget_shipped"


def test_retry_now_makes_a_dead_delivery_due_and_dispatches_it(
    admin_client: Client,
    dead_delivery: EventDelivery,
    subscribe: Subscribe,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    subscribe(WidgetShipped, "tests.flaky_warehouse", fail_unless_unlocked)
    Group.objects.create(name=UNLOCK_GROUP)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            reverse("admin:shared_eventdelivery_changelist"),
            {"action": "retry_now", "_selected_action": [dead_delivery.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert b"1 delivery(ies) will be retried now." in response.content
    assert len(callbacks) == 1  # one dispatch, after the action's transaction commits
    retried = EventDelivery.objects.get()
    assert (retried.status, retried.attempts, retried.last_error_class) == (
        EventDelivery.Status.HANDLED,
        MAX_ATTEMPTS + 1,
        "builtins.ConnectionError",
    )
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.DISPATCHED


def test_a_delivery_cannot_be_edited_by_hand(admin_client: Client, dead_delivery: EventDelivery) -> None:
    url = reverse("admin:shared_eventdelivery_change", args=[dead_delivery.pk])

    admin_client.post(url, {"status": "handled", "attempts": "0"})

    unchanged = EventDelivery.objects.get()
    assert (unchanged.status, unchanged.attempts) == (EventDelivery.Status.DEAD, MAX_ATTEMPTS)
