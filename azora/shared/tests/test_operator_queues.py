"""What operators see of the outbox and the task queue: failed deliveries (to retry) and the queue's state."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from azora.shared.events import failed_deliveries
from azora.shared.models import EventDelivery, OutboxEvent
from azora.shared.tasks import task_queue_state

pytestmark = pytest.mark.django_db


def event_with_delivery(status: str, *, error: str = "") -> EventDelivery:
    event = OutboxEvent.objects.create(
        id=uuid.uuid4(), event_type="test.happened", payload={}, occurred_at=timezone.now(), status="failed"
    )
    return EventDelivery.objects.create(
        event=event, subscriber_name="test.subscriber", status=status, attempts=3,
        last_error_class="builtins.RuntimeError", last_error_message=error,
    )  # fmt: skip


def test_failed_deliveries_lists_dead_then_retrying_with_the_errors_first_line() -> None:
    retrying = event_with_delivery("retrying", error="timeout")
    dead = event_with_delivery("dead", error="boom\nTraceback line that stays in the logs")
    event_with_delivery("handled")

    rows = failed_deliveries()

    assert [(row.id, row.status) for row in rows] == [(dead.pk, "dead"), (retrying.pk, "retrying")]
    assert rows[0].last_error == "builtins.RuntimeError: boom"
    assert rows[0].event_type == "test.happened"
    assert rows[0].attempts == 3


def test_task_queue_state_counts_waiting_running_and_recent_failures() -> None:
    now = timezone.now()
    common = {"args_kwargs": {"args": [], "kwargs": {}}, "task_path": "x.y", "backend_name": "default",
              "run_after": now, "exception_class_path": "", "traceback": ""}  # fmt: skip
    waiting = DBTaskResult.objects.create(status="READY", **common)
    DBTaskResult.objects.filter(pk=waiting.pk).update(enqueued_at=now - timedelta(seconds=90))
    DBTaskResult.objects.create(status="RUNNING", **common)
    DBTaskResult.objects.create(status="FAILED", finished_at=now - timedelta(hours=2), **common)
    DBTaskResult.objects.create(status="FAILED", finished_at=now - timedelta(days=3), **common)

    state = task_queue_state(now=now)

    assert (state.waiting, state.running, state.failed_last_day) == (1, 1, 1)
    assert state.oldest_waiting_age_seconds == 90.0


def test_an_empty_queue_has_no_oldest_task() -> None:
    state = task_queue_state()

    assert (state.waiting, state.running, state.failed_last_day, state.oldest_waiting_age_seconds) == (0, 0, 0, None)
