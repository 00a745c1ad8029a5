"""The ledger's one-statement transfer on django-tasks-db writes its events' dispatch task in that statement
(docs/decisions/0017): with the events, only if the transfer is written, never after a rollback."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from azora.accounts.tests.factories import UserFactory
from azora.finance import errors, services
from azora.finance.events import TransferPosted, TransferReversed
from azora.finance.tests.factories import AccountFactory, ledger_snapshot, simple_transfer, wallet_with
from azora.shared.ids import uuid7
from azora.shared.models import OutboxEvent
from azora.shared.money import Money
from azora.shared.testing.queries import statement_kinds

pytestmark = pytest.mark.postgres

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_tasks(settings: Settings) -> None:
    """Tasks go to django-tasks-db's table, as in production (the test settings run them inline)."""
    settings.TASKS = DATABASE_TASKS


def queued() -> list[tuple[str, dict[str, object]]]:
    return [
        (row.task_path, row.args_kwargs["kwargs"])
        for row in DBTaskResult.objects.order_by("enqueued_at").only("task_path", "args_kwargs")
    ]


def outbox_ids(event_type: str) -> list[str]:
    return [
        str(pk) for pk in OutboxEvent.objects.filter(event_type=event_type).order_by("id").values_list("pk", flat=True)
    ]


@pytest.mark.django_db
def test_a_transfer_writes_its_dispatch_task_in_its_one_statement(
    database_tasks: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    DBTaskResult.objects.all().delete()  # the funding's own task
    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as captured:
        view = simple_transfer(source, target, 1_25)

    assert statement_kinds(captured) == ["WITH"]
    assert callbacks == []  # nothing left to enqueue after commit
    row = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(view.id))
    assert queued() == [("azora.shared.tasks.dispatch_event_task", {"event_id": str(row.id)})]
    task = DBTaskResult.objects.get()
    assert (task.status, task.queue_name, task.backend_name, task.priority) == ("READY", "default", "default", 0)
    assert task.enqueued_at == row.occurred_at  # the statement's one clock reading


@pytest.mark.django_db
def test_a_refused_transfer_writes_no_task(database_tasks: None) -> None:
    source, target = wallet_with(1_00), AccountFactory()
    before_tasks = DBTaskResult.objects.count()
    before = ledger_snapshot()

    with pytest.raises(errors.InsufficientFunds):
        simple_transfer(source, target, 1_01)

    assert ledger_snapshot() == before
    assert DBTaskResult.objects.count() == before_tasks


@pytest.mark.django_db
def test_a_repeat_writes_no_second_task(database_tasks: None) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    transfer_id = uuid.uuid4()
    simple_transfer(source, target, 2_00, transfer_id=transfer_id)
    tasks = DBTaskResult.objects.count()

    simple_transfer(source, target, 2_00, transfer_id=transfer_id)

    assert DBTaskResult.objects.count() == tasks


@pytest.mark.django_db(transaction=True)
def test_a_callers_rollback_takes_the_task_with_the_transfer(database_tasks: None) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    tasks, events = DBTaskResult.objects.count(), OutboxEvent.objects.count()
    before = ledger_snapshot()

    def transfer_then_fail() -> None:
        with transaction.atomic():
            simple_transfer(source, target, 1_00)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        transfer_then_fail()

    assert (DBTaskResult.objects.count(), OutboxEvent.objects.count()) == (tasks, events)
    assert ledger_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_worker_dispatches_what_the_statement_queued(database_tasks: None) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    view = simple_transfer(source, target, 1_00)

    Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
        worker_id="azora-test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip

    row = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(view.id))
    assert row.status == OutboxEvent.Status.DISPATCHED
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_a_reversal_queues_one_task_for_both_its_events(database_tasks: None) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    original = simple_transfer(source, target, 2_00)
    DBTaskResult.objects.all().delete()

    reversal = services.transfer_reverse(transfer_id=uuid.uuid4(), original_transfer_id=original.id, reason="Refund")

    posted = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(reversal.id))
    reversed_ids = outbox_ids(TransferReversed.event_type)
    assert len(reversed_ids) == 1
    assert queued() == [("azora.shared.tasks.dispatch_events_task", {"event_ids": [str(posted.id), *reversed_ids]})]


@pytest.mark.django_db
def test_a_peer_transfer_checked_under_its_locks_writes_its_task_with_the_transfer(database_tasks: None) -> None:
    alice, bob = UserFactory(), UserFactory()
    wallet_with(50_00, user_id=alice.pk)
    DBTaskResult.objects.all().delete()

    sent = services.peer_transfer(
        transfer_id=uuid7(), from_user_id=alice.pk, to_user_id=bob.pk, amount=Money(10_00, "AZR"), note="Lunch"
    )

    row = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(sent.id))
    assert queued() == [("azora.shared.tasks.dispatch_event_task", {"event_id": str(row.id)})]
