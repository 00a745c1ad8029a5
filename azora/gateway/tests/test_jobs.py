"""The gateway's periodic jobs are registered with the scheduler and do their clean-up when run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from azora.gateway.jobs import purge_idempotency_records_task
from azora.gateway.models import IdempotencyRecord
from azora.gateway.tests.factories import IdempotencyRecordFactory
from azora.shared.scheduling import discover_jobs


def test_purge_is_scheduled_hourly() -> None:
    jobs = {job.name: job for job in discover_jobs()}

    job = jobs["gateway.purge_idempotency_records"]
    assert job.every == dt.timedelta(hours=1)
    assert job.task is purge_idempotency_records_task


@pytest.mark.django_db
def test_purge_task_deletes_expired_records() -> None:
    IdempotencyRecordFactory(created_at=timezone.now() - dt.timedelta(hours=25))
    live = IdempotencyRecordFactory()

    result = purge_idempotency_records_task.enqueue()

    assert result.return_value == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [live.pk]
