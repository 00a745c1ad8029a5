"""Shared tasks on django-tasks-db's real database backend, run by its worker, and the pruning of old results."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from azora.shared.events import dispatch_event, publish
from azora.shared.models import EventDelivery, HandledEvent, OutboxEvent, PeriodicJobRun
from azora.shared.scheduling import run_due_jobs
from azora.shared.tasks import dispatch_event_task, prune_task_results
from azora.shared.tests.conftest import RegisterJob, Subscribe
from azora.shared.tests.events.support import WidgetShipped, record_shipment
from azora.shared.tests.tasks_for_tests import record_tick_task

WIDGET_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")


def run_worker_batch() -> None:
    """What `manage.py db_worker --batch` does: run every ready task, then stop (no signal handlers, no sleep)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="azora-test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_a_published_event_is_queued_after_commit_and_dispatched_by_the_worker(
    subscribe: Subscribe, database_tasks: None
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=2))
        assert not DBTaskResult.objects.exists()

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status, queued.args_kwargs) == (
        "azora.shared.tasks.dispatch_event_task",
        "READY",
        {"args": [], "kwargs": {"event_id": str(event_id)}},
    )
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.PENDING
    assert not Group.objects.exists()

    run_worker_batch()

    finished = DBTaskResult.objects.get()
    assert (finished.status, finished.return_value, finished.worker_ids) == (
        "SUCCESSFUL",
        "dispatched",
        ["azora-test-worker"],
    )
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.DISPATCHED
    assert list(Group.objects.values_list("name", flat=True)) == [f"shipped:{WIDGET_ID}"]
    assert HandledEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_dispatch_task_run_twice_handles_the_event_once(subscribe: Subscribe, database_tasks: None) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=2))
    dispatch_event_task.enqueue(event_id=str(event_id))  # a duplicate delivery of the same task

    run_worker_batch()

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert Group.objects.count() == 1
    assert HandledEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_job_is_run_by_the_worker(register_job: RegisterJob, database_tasks: None) -> None:
    job = register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))

    run_due_jobs(jobs=[job])
    assert not Group.objects.exists()
    run_worker_batch()

    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert list(Group.objects.values_list("name", flat=True)) == [result.return_value]
    assert PeriodicJobRun.objects.get().task_result_id == str(result.id)


@pytest.mark.django_db
def test_finished_task_results_are_pruned_after_fourteen_days(database_tasks: None) -> None:
    now = timezone.now()
    ids = [record_tick_task.enqueue().id for _ in range(4)]
    DBTaskResult.objects.filter(pk=ids[0]).update(status="SUCCESSFUL", finished_at=now - dt.timedelta(days=15))
    DBTaskResult.objects.filter(pk=ids[1]).update(status="FAILED", finished_at=now - dt.timedelta(days=15))
    DBTaskResult.objects.filter(pk=ids[2]).update(status="SUCCESSFUL", finished_at=now - dt.timedelta(days=13))

    assert prune_task_results(now=now) == 2

    assert sorted(str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)) == sorted(ids[2:])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_racing_on_postgresql_handle_the_event_once(subscribe: Subscribe, database_tasks: None) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    with transaction.atomic():
        event_id = publish(WidgetShipped(widget_id=WIDGET_ID, quantity=2))
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def dispatcher() -> None:
        try:
            start.wait()
            outcomes.append(dispatch_event(event_id))
        except Exception as error:  # surfaced by the assertion below, not lost in the thread
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["dispatched", "dispatched"]
    assert list(Group.objects.values_list("name", flat=True)) == [f"shipped:{WIDGET_ID}"]
    assert HandledEvent.objects.count() == 1
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (EventDelivery.Status.HANDLED, 1)
