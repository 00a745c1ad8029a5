"""Queueing dispatch: one task per transaction (per savepoint level), and a dispatch task row for a writer's own SQL."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from azora.shared.events import publish
from azora.shared.events.enqueue import DISPATCH_BATCH_LIMIT, dispatch_task_row
from azora.shared.models import HandledEvent, OutboxEvent
from azora.shared.tasks import dispatch_event_task, dispatch_events_task
from azora.shared.tests.conftest import Subscribe
from azora.shared.tests.events.support import WidgetShipped, record_shipment
from azora.shared.tests.test_tasks import run_worker_batch

WIDGET_IDS = [uuid.UUID(f"01890a5d-ac96-774b-bcce-b302099a80{n:02d}") for n in range(3)]
EVENTS_TASK = "azora.shared.tasks.dispatch_events_task"
EVENT_TASK = "azora.shared.tasks.dispatch_event_task"


def queued() -> list[tuple[str, dict[str, object]]]:
    return [
        (row.task_path, row.args_kwargs["kwargs"])
        for row in DBTaskResult.objects.order_by("enqueued_at", "task_path").only("task_path", "args_kwargs")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_events_of_one_transaction_share_one_task_that_dispatches_them_all(
    subscribe: Subscribe, database_tasks: None
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with transaction.atomic():
        first = publish(WidgetShipped(widget_id=WIDGET_IDS[0], quantity=1))
        second = publish(WidgetShipped(widget_id=WIDGET_IDS[1], quantity=2))
        assert not DBTaskResult.objects.exists()

    assert queued() == [(EVENTS_TASK, {"event_ids": [str(first), str(second)]})]
    run_worker_batch()
    result = DBTaskResult.objects.get()
    assert (result.status, result.return_value) == ("SUCCESSFUL", ["dispatched", "dispatched"])
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        f"shipped:{WIDGET_IDS[0]}",
        f"shipped:{WIDGET_IDS[1]}",
    ]
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {OutboxEvent.Status.DISPATCHED}


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_that_rolls_back_takes_its_events_out_of_the_dispatch(database_tasks: None) -> None:
    def publish_then_fail() -> None:
        with transaction.atomic():
            publish(WidgetShipped(widget_id=WIDGET_IDS[1], quantity=2))
            raise ZeroDivisionError

    with transaction.atomic():
        kept = publish(WidgetShipped(widget_id=WIDGET_IDS[0], quantity=1))
        with pytest.raises(ZeroDivisionError):
            publish_then_fail()  # in a savepoint that rolls back
        with transaction.atomic():  # a savepoint that is released: its event commits, in a task of its own
            inner = publish(WidgetShipped(widget_id=WIDGET_IDS[2], quantity=3))
        also_kept = publish(WidgetShipped(widget_id=WIDGET_IDS[2], quantity=4))

    assert list(OutboxEvent.objects.order_by("id").values_list("id", flat=True)) == [kept, inner, also_kept]
    # The outer level's batch was registered first, so its task is enqueued first.
    assert queued() == [
        (EVENTS_TASK, {"event_ids": [str(kept), str(also_kept)]}),
        (EVENT_TASK, {"event_id": str(inner)}),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_rolls_back_queues_nothing(database_tasks: None) -> None:
    def publish_twice_then_fail() -> None:
        with transaction.atomic():
            publish(WidgetShipped(widget_id=WIDGET_IDS[0], quantity=1))
            publish(WidgetShipped(widget_id=WIDGET_IDS[1], quantity=1))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        publish_twice_then_fail()

    assert not OutboxEvent.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_big_transaction_is_dispatched_by_several_tasks_in_order(database_tasks: None) -> None:
    with transaction.atomic():
        ids = [
            str(publish(WidgetShipped(widget_id=WIDGET_IDS[0], quantity=n))) for n in range(DISPATCH_BATCH_LIMIT + 1)
        ]

    assert queued() == [
        (EVENTS_TASK, {"event_ids": ids[:DISPATCH_BATCH_LIMIT]}),
        (EVENTS_TASK, {"event_ids": ids[DISPATCH_BATCH_LIMIT:]}),
    ]
    run_worker_batch()
    assert OutboxEvent.objects.filter(status=OutboxEvent.Status.DISPATCHED).count() == DISPATCH_BATCH_LIMIT + 1


@pytest.mark.django_db
def test_with_the_immediate_backend_one_commit_runs_every_subscriber_at_once(
    subscribe: Subscribe, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        publish(WidgetShipped(widget_id=WIDGET_IDS[0], quantity=1))
        publish(WidgetShipped(widget_id=WIDGET_IDS[1], quantity=1))

    assert len(callbacks) == 1
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        f"shipped:{WIDGET_IDS[0]}",
        f"shipped:{WIDGET_IDS[1]}",
    ]
    assert HandledEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_events_task_run_twice_handles_each_event_once_and_skips_unknown_ids(
    subscribe: Subscribe, database_tasks: None
) -> None:
    subscribe(WidgetShipped, "tests.record_shipment", record_shipment)
    with transaction.atomic():
        event_ids = [str(publish(WidgetShipped(widget_id=WIDGET_IDS[n], quantity=1))) for n in range(2)]
    unknown = str(uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8099"))
    dispatch_events_task.enqueue(event_ids=[*event_ids, unknown])  # a duplicate, naming an event that never committed

    run_worker_batch()

    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True), key=lambda value: len(value or [])) == [
        ["dispatched", "dispatched"],
        ["dispatched", "dispatched", None],
    ]
    assert Group.objects.count() == 2
    assert HandledEvent.objects.count() == 2


@pytest.mark.django_db
def test_no_task_row_for_a_writer_with_the_immediate_backend() -> None:
    assert dispatch_task_row(using="default", event_ids=[WIDGET_IDS[0]]) is None


@pytest.mark.django_db
def test_no_task_row_for_no_events_or_more_than_one_task(database_tasks: None) -> None:
    assert dispatch_task_row(using="default", event_ids=[]) is None
    many = [uuid.UUID(int=n) for n in range(DISPATCH_BATCH_LIMIT + 1)]
    assert dispatch_task_row(using="default", event_ids=many) is None


@pytest.mark.django_db
def test_a_task_row_only_on_postgresql(database_tasks: None) -> None:
    row = dispatch_task_row(using="default", event_ids=[WIDGET_IDS[0]])
    assert (row is not None) == (connection.vendor == "postgresql")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 2])
def test_a_task_row_written_by_sql_is_the_row_the_backends_enqueue_writes(database_tasks: None, count: int) -> None:
    event_ids = WIDGET_IDS[:count]
    row = dispatch_task_row(using="default", event_ids=event_ids)
    assert row is not None
    with connection.cursor() as cursor:
        cursor.execute(row.insert, [row.param])
    written = DBTaskResult.objects.get()
    if count == 1:
        enqueued_id = dispatch_event_task.enqueue(event_id=str(event_ids[0])).id
    else:
        enqueued_id = dispatch_events_task.enqueue(event_ids=[str(event_id) for event_id in event_ids]).id
    reference = DBTaskResult.objects.get(pk=enqueued_id)

    fields = [field.attname for field in DBTaskResult._meta.concrete_fields if field.name not in ("id", "enqueued_at")]
    assert {name: getattr(written, name) for name in fields} == {name: getattr(reference, name) for name in fields}
    assert written.id != reference.id
    assert written.id.version == 4  # the backend's own id rule (uuid4 by default)
    assert 0 <= (reference.enqueued_at - written.enqueued_at).total_seconds() < 5
    assert written.task_result.kwargs == reference.task_result.kwargs  # the worker reads it as the backend's own
    assert written.return_value is None
    assert list(DBTaskResult.objects.ready().values_list("pk", flat=True).order_by("enqueued_at")) == [
        written.pk,
        reference.pk,
    ]
