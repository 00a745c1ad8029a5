"""The subscription jobs are on the schedule under stable names, and their tasks run (and find nothing to do)."""

from __future__ import annotations

import datetime as dt

import pytest

from azora.revenue import jobs
from azora.shared.scheduling import discover_jobs

pytestmark = pytest.mark.django_db


def test_the_subscription_jobs_are_scheduled() -> None:
    scheduled = {job.name: job.every for job in discover_jobs()}
    assert scheduled["revenue.renew_subscriptions"] == dt.timedelta(minutes=5)
    assert scheduled["revenue.retry_past_due_subscriptions"] == dt.timedelta(minutes=15)
    assert scheduled["revenue.settle_subscription_charges"] == dt.timedelta(minutes=5)


def test_the_job_tasks_run_with_nothing_due() -> None:
    for task in (
        jobs.renew_subscriptions_task,
        jobs.retry_past_due_subscriptions_task,
        jobs.settle_subscription_charges_task,
    ):
        assert task.enqueue().return_value == 0
