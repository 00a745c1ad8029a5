"""Periodic jobs: their declaration in each app's `jobs.py`, and the scheduler that enqueues each run exactly once."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from azora.shared.models import PeriodicJobRun

JOB_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
RUN_RETENTION = dt.timedelta(days=7)
# The scheduler wakes at least this often, so a new deployment's jobs and a stop request are noticed promptly.
MAX_SLEEP_SECONDS = 30.0

type AnyTask = Task[..., Any]

logger = structlog.get_logger(__name__)
_jobs: dict[str, PeriodicJob] = {}


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """A task enqueued once per `every`, in slots aligned to the Unix epoch (hourly jobs run on the hour)."""

    name: str
    task: AnyTask
    every: dt.timedelta

    def slot_start(self, now: dt.datetime) -> dt.datetime:
        """The start of the slot that contains `now`: floor(now / every) * every."""
        seconds = int(self.every.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return dt.datetime.fromtimestamp(start, tz=dt.UTC)

    def next_slot_start(self, now: dt.datetime) -> dt.datetime:
        return self.slot_start(now) + self.every


def register_periodic[T: AnyTask](task: T, *, every: dt.timedelta, name: str | None = None) -> T:
    """Runs `task` (which takes no arguments) once every `every`.

    `name` identifies the job's runs, so keep it stable; by default it is "<app label>.<task name without
    _task>", e.g. "revenue.renew_subscriptions" for revenue's `renew_subscriptions_task`.
    """
    if not isinstance(task, Task):
        raise TypeError(f"{task!r} is not a task: decorate the function with @task() first.")
    name = name or _default_job_name(task)
    if not JOB_NAME_PATTERN.match(name):
        raise ImproperlyConfigured(f"Periodic job name {name!r} must look like 'app.verb_noun'.")
    if every < dt.timedelta(seconds=1) or every.total_seconds() != int(every.total_seconds()):
        raise ImproperlyConfigured(f"Periodic job {name!r} must run every whole number of seconds, not {every}.")
    existing = _jobs.get(name)
    if existing is not None and existing.task.module_path != task.module_path:
        raise ImproperlyConfigured(f"Periodic job name {name!r} is already used by {existing.task.module_path}.")
    _jobs[name] = PeriodicJob(name=name, task=task, every=every)
    return task


def periodic[T: AnyTask](*, every: dt.timedelta, name: str | None = None) -> Callable[[T], T]:
    """Decorator form of `register_periodic`, placed above `@task()` in an app's `jobs.py`."""

    def register(task: T) -> T:
        return register_periodic(task, name=name, every=every)

    return register


def _default_job_name(task: AnyTask) -> str:
    app = apps.get_containing_app_config(task.func.__module__)
    if app is None:
        raise ImproperlyConfigured(f"{task.module_path} is outside every installed app: give the job a name.")
    return f"{app.label}.{task.name.removesuffix('_task')}"


def unregister_periodic(name: str) -> None:
    """Removes a job from the schedule (for tests that register temporary jobs)."""
    _jobs.pop(name, None)


def discover_jobs() -> list[PeriodicJob]:
    """Imports every installed app's `jobs` module, then returns all registered jobs in name order."""
    autodiscover_modules("jobs")
    return registered_jobs()


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def claim_run(job: PeriodicJob, *, slot_start: dt.datetime) -> bool:
    """Claims the job's run for the slot and enqueues its task, atomically; False when another scheduler did.

    The unique (job_name, slot_start) row is the lock: of two schedulers racing for one slot, the second
    insert fails, so the run is enqueued once. With the database task backend the task row commits with
    the claim, so a crash leaves neither.
    """
    try:
        with transaction.atomic():
            run = PeriodicJobRun.objects.create(job_name=job.name, slot_start=slot_start)
            result = job.task.enqueue()
            PeriodicJobRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id)[:64])
    except IntegrityError:
        return False
    return True


def run_due_jobs(*, now: dt.datetime | None = None, jobs: Iterable[PeriodicJob] | None = None) -> list[str]:
    """Claims and enqueues the current slot of every job not yet run in it; returns the names enqueued.

    Slots missed while no scheduler ran are not caught up: a periodic job does the work that is due now.
    A job that cannot be enqueued is logged and tried again on the next pass; the others still run.
    """
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs() if jobs is None else jobs:
        try:
            if claim_run(job, slot_start=job.slot_start(now)):
                enqueued.append(job.name)
        except Exception:  # one broken job must not stop the schedule of the others
            logger.exception("periodic_job_enqueue_failed", job=job.name)
    if enqueued:
        logger.info("periodic_jobs_enqueued", jobs=enqueued)
    return enqueued


def seconds_until_next_slot(jobs: Iterable[PeriodicJob], *, now: dt.datetime) -> float:
    upcoming = [(job.next_slot_start(now) - now).total_seconds() for job in jobs]
    return min([MAX_SLEEP_SECONDS, *upcoming])


def run_scheduler(*, stop: threading.Event, once: bool = False) -> None:
    """Enqueues due jobs, then sleeps until the next slot begins, until `stop` is set (or after one pass)."""
    jobs = discover_jobs()
    logger.info("scheduler_started", jobs=[job.name for job in jobs])
    while not stop.is_set():
        _drop_stale_connections()
        try:
            run_due_jobs(jobs=jobs)
        except Exception:  # a database that is briefly away must not end the scheduler
            logger.exception("scheduler_pass_failed")
        finally:
            _drop_stale_connections()
        if once:
            return
        stop.wait(max(seconds_until_next_slot(jobs, now=timezone.now()), 0.0) + 0.01)


def _drop_stale_connections() -> None:
    """A long-lived process must drop connections the database closed while it slept.

    Not inside a transaction: Django would close a connection whose autocommit was turned off by it.
    """
    if not connection.in_atomic_block:
        close_old_connections()


def prune_job_runs(*, older_than: dt.timedelta = RUN_RETENTION, now: dt.datetime | None = None) -> int:
    """Deletes claimed-run rows older than the retention window; recent ones stay visible to operators."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = PeriodicJobRun.objects.filter(slot_start__lt=cutoff).delete()
    return deleted
