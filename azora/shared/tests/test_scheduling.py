"""Periodic jobs: slots, registration, and a scheduler that enqueues each run once even when two race."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from azora.shared import jobs as shared_jobs
from azora.shared.models import PeriodicJobRun
from azora.shared.scheduling import (
    PeriodicJob,
    claim_run,
    discover_jobs,
    periodic,
    prune_job_runs,
    register_periodic,
    registered_jobs,
    run_due_jobs,
    run_scheduler,
    seconds_until_next_slot,
)
from azora.shared.tests.conftest import DATABASE_TASKS, RegisterJob
from azora.shared.tests.tasks_for_tests import record_tick_task, record_tock_task

NOW = dt.datetime(2026, 5, 1, 12, 34, 56, 789000, tzinfo=dt.UTC)
TICK_TASK_PATH = "azora.shared.tests.tasks_for_tests.record_tick_task"


def runs() -> list[tuple[str, dt.datetime]]:
    return list(PeriodicJobRun.objects.order_by("job_name", "slot_start").values_list("job_name", "slot_start"))


def tick_groups() -> int:
    return Group.objects.filter(name__startswith="tick:").count()


@pytest.mark.parametrize(
    ("every", "slot"),
    [
        (dt.timedelta(minutes=1), dt.datetime(2026, 5, 1, 12, 34, tzinfo=dt.UTC)),
        (dt.timedelta(minutes=15), dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.UTC)),
        (dt.timedelta(hours=1), dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)),
        (dt.timedelta(days=1), dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        # 1777638896 s since the epoch; 1777638896 mod 7 = 5, so the 7-second slot began at :51.
        (dt.timedelta(seconds=7), dt.datetime(2026, 5, 1, 12, 34, 51, tzinfo=dt.UTC)),
    ],
)
def test_a_slot_starts_at_the_multiple_of_the_interval_at_or_before_now(every: dt.timedelta, slot: dt.datetime) -> None:
    job = PeriodicJob(name="tests.tick", task=record_tick_task, every=every)

    assert job.slot_start(NOW) == slot
    assert job.next_slot_start(NOW) == slot + every


def test_the_scheduler_sleeps_until_the_nearest_next_slot_and_at_most_thirty_seconds() -> None:
    minute = PeriodicJob(name="tests.tick", task=record_tick_task, every=dt.timedelta(minutes=1))
    hour = PeriodicJob(name="tests.tock", task=record_tock_task, every=dt.timedelta(hours=1))

    assert seconds_until_next_slot([minute, hour], now=NOW) == pytest.approx(3.211)
    assert seconds_until_next_slot([hour], now=NOW) == 30.0


def test_registration_refuses_bad_declarations(register_job: RegisterJob) -> None:
    register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))

    with pytest.raises(TypeError, match="is not a task"):
        register_periodic(record_tick_task.func, name="tests.plain", every=dt.timedelta(minutes=1))  # type: ignore[type-var]
    with pytest.raises(ImproperlyConfigured, match=r"must look like 'app\.verb_noun'"):
        register_periodic(record_tick_task, name="Tick Tock", every=dt.timedelta(minutes=1))
    with pytest.raises(ImproperlyConfigured, match="whole number of seconds"):
        register_periodic(record_tick_task, name="tests.fast", every=dt.timedelta(milliseconds=500))
    with pytest.raises(ImproperlyConfigured, match=r"already used by .*record_tick_task"):
        register_periodic(record_tock_task, name="tests.tick", every=dt.timedelta(minutes=1))


def test_a_job_is_named_after_its_app_and_task_by_default(register_job: RegisterJob) -> None:
    register_periodic(record_tick_task, every=dt.timedelta(minutes=5))
    register_job(record_tick_task, "shared.record_tick", dt.timedelta(minutes=5))  # removed again after the test

    assert [(job.name, job.every) for job in registered_jobs() if job.task is record_tick_task] == [
        ("shared.record_tick", dt.timedelta(minutes=5))
    ]


def test_the_decorator_returns_the_task_unchanged(register_job: RegisterJob) -> None:
    decorated = periodic(name="tests.tock", every=dt.timedelta(hours=2))(record_tock_task)
    register_job(record_tock_task, "tests.tock", dt.timedelta(hours=2))  # removed again after the test

    assert decorated is record_tock_task


def test_discovery_collects_the_jobs_modules_of_installed_apps() -> None:
    jobs = {job.name: job for job in discover_jobs()}

    assert {name: (job.task, job.every) for name, job in jobs.items() if name.startswith("shared.")} == {
        "shared.prune_outbox": (shared_jobs.prune_outbox_task, dt.timedelta(hours=1)),
        "shared.prune_periodic_job_runs": (shared_jobs.prune_periodic_job_runs_task, dt.timedelta(hours=1)),
        "shared.prune_task_results": (shared_jobs.prune_task_results_task, dt.timedelta(days=1)),
        "shared.redeliver_events": (shared_jobs.redeliver_events_task, dt.timedelta(minutes=1)),
    }


@pytest.mark.django_db
def test_each_slot_is_run_once(register_job: RegisterJob) -> None:
    job = register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))

    assert run_due_jobs(now=NOW, jobs=[job]) == ["tests.tick"]
    assert run_due_jobs(now=NOW + dt.timedelta(seconds=3), jobs=[job]) == []
    assert run_due_jobs(now=NOW + dt.timedelta(seconds=4), jobs=[job]) == ["tests.tick"]

    assert runs() == [
        ("tests.tick", dt.datetime(2026, 5, 1, 12, 34, tzinfo=dt.UTC)),
        ("tests.tick", dt.datetime(2026, 5, 1, 12, 35, tzinfo=dt.UTC)),
    ]
    assert tick_groups() == 2


@pytest.mark.django_db
def test_two_schedulers_in_turn_enqueue_a_slot_once(register_job: RegisterJob, database_tasks: None) -> None:
    job = register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))
    slot = job.slot_start(NOW)

    assert [claim_run(job, slot_start=slot), claim_run(job, slot_start=slot)] == [True, False]

    result = DBTaskResult.objects.get(task_path=TICK_TASK_PATH)
    assert result.status == "READY"
    assert list(PeriodicJobRun.objects.values_list("job_name", "slot_start", "task_result_id")) == [
        ("tests.tick", slot, str(result.id))
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_on_postgresql_enqueue_a_slot_once(register_job: RegisterJob, settings: Settings) -> None:
    settings.TASKS = DATABASE_TASKS
    job = register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))
    slot = job.slot_start(NOW)
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def scheduler() -> None:
        try:
            start.wait()
            outcomes.append(claim_run(job, slot_start=slot))
        except Exception as error:  # surfaced by the assertion below, not lost in the thread
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [False, True]
    assert DBTaskResult.objects.filter(task_path=TICK_TASK_PATH).count() == 1
    assert runs() == [("tests.tick", slot)]


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_leaves_no_claim_and_does_not_stop_the_others(
    register_job: RegisterJob, settings: Settings
) -> None:
    settings.TASKS = {**settings.TASKS, "retired": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    broken = register_job(record_tock_task.using(backend="retired"), "tests.tock", dt.timedelta(minutes=1))
    working = register_job(record_tick_task, "tests.tick", dt.timedelta(minutes=1))
    settings.TASKS = {"default": settings.TASKS["default"]}  # the backend the job was declared for is gone

    assert run_due_jobs(now=NOW, jobs=[broken, working]) == ["tests.tick"]

    assert runs() == [("tests.tick", dt.datetime(2026, 5, 1, 12, 34, tzinfo=dt.UTC))]


@pytest.mark.django_db
def test_one_scheduler_pass_enqueues_every_discovered_job() -> None:
    run_scheduler(stop=threading.Event(), once=True)

    assert sorted(PeriodicJobRun.objects.values_list("job_name", flat=True)) == sorted(
        job.name for job in discover_jobs()
    )


@pytest.mark.django_db
def test_a_stopped_scheduler_enqueues_nothing() -> None:
    stop = threading.Event()
    stop.set()

    run_scheduler(stop=stop)

    assert not PeriodicJobRun.objects.exists()


@pytest.mark.django_db
def test_run_scheduler_once_command_reports_what_it_enqueued(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("run_scheduler", "--once")

    names = sorted(PeriodicJobRun.objects.values_list("job_name", flat=True))
    assert "shared.redeliver_events" in names
    assert capsys.readouterr().out == f"Enqueued: {', '.join(names)}\n"


@pytest.mark.django_db
def test_old_job_runs_are_pruned() -> None:
    PeriodicJobRun.objects.create(job_name="tests.tick", slot_start=NOW - dt.timedelta(days=8))
    kept = PeriodicJobRun.objects.create(job_name="tests.tick", slot_start=NOW - dt.timedelta(days=6))

    assert prune_job_runs(now=NOW) == 1

    assert list(PeriodicJobRun.objects.values_list("pk", flat=True)) == [kept.pk]
