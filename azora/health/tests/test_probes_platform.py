"""The Health Monitor's own probes of the platform: task backlog, outbox, disk, memory and CPU thresholds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from azora.health import checks
from azora.health.checks import CpuSampler, cpu_times, memory_used_percent
from azora.health.public import ProbeResult
from azora.shared.models import OutboxEvent

MEMINFO = "MemTotal:       1000000 kB\nMemFree:         100000 kB\nMemAvailable:    250000 kB\n"


def stat_line(user: int, idle: int) -> str:
    return f"cpu  {user} 0 0 {idle} 0 0 0 0 0 0\ncpu0 1 2 3 4\n"


def test_memory_in_use_is_total_less_available() -> None:
    assert memory_used_percent(MEMINFO) == 75.0


def test_cpu_times_count_idle_and_iowait_as_not_busy() -> None:
    assert cpu_times("cpu  100 20 30 400 50 6 7 8 9 10\n") == (171, 621)


def test_cpu_is_sampled_at_least_the_interval_apart(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    sampler = CpuSampler(stat, min_interval=5.0)
    stat.write_text(stat_line(user=100, idle=900))
    assert sampler.busy_percent(at=0.0) is None  # the baseline
    stat.write_text(stat_line(user=190, idle=910))
    assert sampler.busy_percent(at=1.0) is None  # too soon: it would measure the round itself
    assert sampler.busy_percent(at=6.0) == 90.0
    stat.write_text(stat_line(user=200, idle=1000))
    assert sampler.busy_percent(at=7.0) == 90.0  # the last figure stands until the next sample
    assert sampler.busy_percent(at=12.0) == 10.0


def test_disk_fails_over_its_threshold(settings: Any, tmp_path: Path) -> None:
    settings.AZORA_HEALTH_DISK_PERCENT = 100
    assert checks.disk_space(tmp_path) is None
    settings.AZORA_HEALTH_DISK_PERCENT = 0
    result = checks.disk_space(tmp_path)
    assert result is not None
    assert result.error.startswith("disk ")
    assert result.error.endswith("% used (limit 0%)")


def test_memory_fails_over_its_threshold(settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(MEMINFO)
    monkeypatch.setattr(checks, "PROC_MEMINFO", meminfo)
    settings.AZORA_HEALTH_MEMORY_PERCENT = 85
    assert checks.memory() is None
    settings.AZORA_HEALTH_MEMORY_PERCENT = 70
    assert checks.memory() == ProbeResult.failed("memory 75% used (limit 70%)")


@pytest.mark.django_db
def test_the_outbox_fails_on_a_failed_event_or_an_old_pending_one(settings: Any) -> None:
    settings.AZORA_HEALTH_OUTBOX_LAG_SECONDS = 300
    assert checks.outbox() is None
    pending = OutboxEvent.objects.create(
        event_type="test.Happened", payload={}, occurred_at=timezone.now() - dt.timedelta(seconds=600)
    )
    lagging = checks.outbox()
    assert lagging is not None
    assert lagging.error.startswith("1 event(s) pending; the oldest for 60")
    assert lagging.error.endswith(" s (limit 300 s)")
    OutboxEvent.objects.filter(pk=pending.pk).update(status=OutboxEvent.Status.FAILED)
    assert checks.outbox() == ProbeResult.failed("1 event(s) failed delivery")


@pytest.mark.django_db
def test_the_task_backlog_fails_when_the_oldest_due_task_waited_too_long(settings: Any) -> None:
    settings.AZORA_HEALTH_QUEUE_OLDEST_SECONDS = 300
    assert checks.task_queue_backlog() is None
    task = DBTaskResult.objects.create(
        task_path="azora.shared.tasks.dispatch_event_task", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", queue_name="default", run_after=timezone.now() - dt.timedelta(hours=1),
        status=TaskResultStatus.READY,
    )  # fmt: skip
    assert checks.task_queue_backlog() is None
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(hours=1))

    result = checks.task_queue_backlog()

    assert result is not None
    assert result.error.startswith("1 task(s) waiting; the oldest for 36")
    assert result.error.endswith("s (limit 300 s)")
