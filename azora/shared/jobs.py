"""Shared Services' periodic jobs: event redelivery and the clean-up of outbox, job-run and task-result rows."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.shared.events import prune_dispatched_events, redeliver_due_events
from azora.shared.scheduling import periodic, prune_job_runs
from azora.shared.tasks import prune_task_results


@periodic(name="shared.redeliver_events", every=dt.timedelta(minutes=1))
@task()
def redeliver_events_task() -> int:
    """Dispatches events whose retry is due or whose after-commit dispatch never ran."""
    return redeliver_due_events()


@periodic(name="shared.prune_outbox", every=dt.timedelta(hours=1))
@task()
def prune_outbox_task() -> int:
    return prune_dispatched_events()


@periodic(name="shared.prune_periodic_job_runs", every=dt.timedelta(hours=1))
@task()
def prune_periodic_job_runs_task() -> int:
    return prune_job_runs()


@periodic(name="shared.prune_task_results", every=dt.timedelta(days=1))
@task()
def prune_task_results_task() -> int:
    return prune_task_results()
