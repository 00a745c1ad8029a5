"""Azora Finance's probe for the Health Monitor: the last finished ledger reconciliation found no difference."""

from __future__ import annotations

import datetime as dt

import pytest
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from azora.finance.probes import last_reconcile_clean
from azora.finance.tasks import reconcile_ledger_task
from azora.health.public import ProbeResult

pytestmark = pytest.mark.django_db


def finished_run(*, minutes_ago: int, status: str = TaskResultStatus.SUCCESSFUL, differences: int | None = 0) -> None:
    """A run of the hourly reconciliation as the database task backend records it."""
    finished = timezone.now() - dt.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.create(
        task_path=reconcile_ledger_task.module_path, args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        queue_name="default", run_after=finished, status=status, started_at=finished, finished_at=finished,
        return_value=differences,
    )  # fmt: skip


def test_no_run_yet_passes() -> None:
    assert last_reconcile_clean() is None


def test_the_latest_run_decides() -> None:
    finished_run(minutes_ago=120, differences=4)
    finished_run(minutes_ago=60, differences=0)
    assert last_reconcile_clean() is None

    finished_run(minutes_ago=1, differences=2)
    assert last_reconcile_clean() == ProbeResult.failed("the last ledger reconciliation found 2 difference(s)")


def test_a_run_that_crashed_fails() -> None:
    finished_run(minutes_ago=1, status=TaskResultStatus.FAILED, differences=None)

    assert last_reconcile_clean() == ProbeResult.failed("the last ledger reconciliation did not finish")
