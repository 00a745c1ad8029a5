"""Shared Services' background tasks: dispatching outbox events, and the clean-up of finished task results."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from azora.shared.events import dispatch_event

TASK_RESULT_RETENTION = dt.timedelta(days=14)


@task()
def dispatch_event_task(event_id: str) -> str | None:
    """Takes only the event id and re-reads the event; running it twice handles nothing twice."""
    return dispatch_event(uuid.UUID(event_id))


@task()
def dispatch_events_task(event_ids: list[str]) -> list[str | None]:
    """Dispatches the events one transaction published, in order; returns each event's resulting status.

    Like `dispatch_event_task`, safe to run twice. An error outside the handlers (the database) fails the task and
    leaves the events after it pending: the redelivery job enqueues them once they look stuck (docs/events.md).
    """
    return [dispatch_event(uuid.UUID(event_id)) for event_id in event_ids]


def prune_task_results(*, older_than: dt.timedelta = TASK_RESULT_RETENTION, now: dt.datetime | None = None) -> int:
    """Deletes finished (successful or failed) task results older than the retention window; returns how many.

    The same rule as django-tasks-db's `prune_db_task_results` command, callable from a periodic job.
    """
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True, slots=True)
class TaskQueueState:
    """The database task queue now: tasks waiting (ready, due or not), running, failed in the last day, and how
    long the oldest waiting task has waited."""

    waiting: int
    running: int
    failed_last_day: int
    oldest_waiting_age_seconds: float | None


def task_queue_state(*, now: dt.datetime | None = None) -> TaskQueueState:
    """One query over the task results table (empty when tasks run in process, as in the embedded mode)."""
    now = now or timezone.now()
    figures = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - dt.timedelta(days=1))),
        oldest=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY)),
    )
    oldest: dt.datetime | None = figures["oldest"]
    return TaskQueueState(
        waiting=int(figures["waiting"]),
        running=int(figures["running"]),
        failed_last_day=int(figures["failed"]),
        oldest_waiting_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest is not None else None,
    )
