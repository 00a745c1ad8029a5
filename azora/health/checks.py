"""The Health Monitor's own checks: database, cache, migrations, task queue and its backlog, outbox, disk, CPU and
memory of the host (read from /proc and the file system, so nothing needs installing)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from azora.health.registry import ProbeResult
from azora.shared.ids import uuid7

_migrations = {"all_applied": False}
PROC_STAT = Path("/proc/stat")
PROC_MEMINFO = Path("/proc/meminfo")


@dataclass(frozen=True, slots=True)
class HostThresholds:
    """The percentages over which the host probes fail, and the backlog limits of the queue and the outbox."""

    cpu_percent: int
    memory_percent: int
    disk_percent: int
    queue_oldest_seconds: int
    outbox_lag_seconds: int


def host_thresholds() -> HostThresholds:
    return HostThresholds(
        cpu_percent=settings.AZORA_HEALTH_CPU_PERCENT,
        memory_percent=settings.AZORA_HEALTH_MEMORY_PERCENT,
        disk_percent=settings.AZORA_HEALTH_DISK_PERCENT,
        queue_oldest_seconds=settings.AZORA_HEALTH_QUEUE_OLDEST_SECONDS,
        outbox_lag_seconds=settings.AZORA_HEALTH_OUTBOX_LAG_SECONDS,
    )


def database() -> ProbeResult | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return None if row == (1,) else ProbeResult.failed(f"SELECT 1 returned {row!r}")


def cache_round_trip() -> ProbeResult | None:
    """Writes, reads back and deletes a key unique to this call, so concurrent probes never see each other's."""
    key = f"health:probe:{uuid7()}"
    value = str(uuid7())
    cache.set(key, value, timeout=30)
    try:
        read_back = cache.get(key)
    finally:
        cache.delete(key)
    return None if read_back == value else ProbeResult.failed("the cache did not return the value just written")


def migrations_applied() -> ProbeResult | None:
    """Loading the migration graph is costly, so once everything is applied that answer is kept for the process."""
    if _migrations["all_applied"]:
        return None
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return ProbeResult.failed(f"{len(plan)} migration(s) not applied")
    _migrations["all_applied"] = True
    return None


def task_queue() -> ProbeResult | None:
    from django_tasks_db.models import DBTaskResult

    list(DBTaskResult.objects.order_by().values_list("id", flat=True)[:1])
    return None


def task_queue_backlog() -> ProbeResult | None:
    """Fails when the oldest task that is due has waited longer than AZORA_HEALTH_QUEUE_OLDEST_SECONDS: workers
    are down or cannot keep up. Not a readiness probe: a web process is still worth serving when workers lag."""
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    limit = host_thresholds().queue_oldest_seconds
    due = DBTaskResult.objects.ready().order_by().aggregate(depth=Count("id"), oldest=Min("enqueued_at"))
    if due["oldest"] is None:
        return None
    waited = (timezone.now() - due["oldest"]).total_seconds()
    if waited > limit:
        return ProbeResult.failed(f"{due['depth']} task(s) waiting; the oldest for {int(waited)} s (limit {limit} s)")
    return None


def outbox() -> ProbeResult | None:
    """Fails on events whose delivery gave up, or a pending event older than AZORA_HEALTH_OUTBOX_LAG_SECONDS."""
    from azora.shared.events import outbox_stats

    stats = outbox_stats()
    limit = host_thresholds().outbox_lag_seconds
    if stats.failed:
        return ProbeResult.failed(f"{stats.failed} event(s) failed delivery")
    lag = stats.oldest_pending_age_seconds
    if lag is not None and lag > limit:
        return ProbeResult.failed(f"{stats.pending} event(s) pending; the oldest for {int(lag)} s (limit {limit} s)")
    return None


def disk_space(path: Path | None = None) -> ProbeResult | None:
    """The file system holding the data directory (SQLite, media, exports) must be under AZORA_HEALTH_DISK_PERCENT."""
    usage = shutil.disk_usage(path or Path(settings.DATA_DIR))
    used = percent(usage.used, usage.total)
    limit = host_thresholds().disk_percent
    return ProbeResult.failed(f"disk {used:.0f}% used (limit {limit}%)") if used > limit else None


def memory() -> ProbeResult | None:
    """Memory in use (MemTotal - MemAvailable) must be under AZORA_HEALTH_MEMORY_PERCENT; skipped without /proc."""
    if not PROC_MEMINFO.exists():
        return None
    used = memory_used_percent(PROC_MEMINFO.read_text())
    limit = host_thresholds().memory_percent
    return ProbeResult.failed(f"memory {used:.0f}% used (limit {limit}%)") if used > limit else None


def memory_used_percent(meminfo: str) -> float:
    fields = {}
    for line in meminfo.splitlines():
        name, _, rest = line.partition(":")
        value = rest.split()
        if value:
            fields[name] = int(value[0])
    total = fields.get("MemTotal", 0)
    return percent(total - fields.get("MemAvailable", fields.get("MemFree", 0)), total)


class CpuSampler:
    """CPU busy % between two readings of /proc/stat's first line (all cores), at least `min_interval` seconds
    apart: a shorter interval would measure the probe round itself. The first reading only sets the baseline, so a
    round never waits to sample; between samples the last figure stands. Without /proc, the load average per core."""

    def __init__(self, path: Path = PROC_STAT, *, min_interval: float = 5.0) -> None:
        self.path = path
        self.min_interval = min_interval
        self._baseline: tuple[float, int, int] | None = None
        self._last: float | None = None
        self._lock = threading.Lock()

    def busy_percent(self, *, at: float | None = None) -> float | None:
        if not self.path.exists():
            return _load_percent()
        now = time.monotonic() if at is None else at
        busy, total = cpu_times(self.path.read_text())
        with self._lock:
            if self._baseline is None:
                self._baseline = (now, busy, total)
            elif now - self._baseline[0] >= self.min_interval and total > self._baseline[2]:
                self._last = percent(busy - self._baseline[1], total - self._baseline[2])
                self._baseline = (now, busy, total)
            return self._last


def cpu_times(stat: str) -> tuple[int, int]:
    """(busy, total) jiffies from /proc/stat's "cpu" line; idle and iowait are not busy."""
    values = [int(value) for value in stat.splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])  # guest times are already counted in user and nice
    return total - idle, total


def _load_percent() -> float | None:
    try:
        return percent(int(os.getloadavg()[0] * 100), (os.cpu_count() or 1) * 100)
    except OSError:
        return None


cpu_sampler = CpuSampler()


def cpu() -> ProbeResult | None:
    used = cpu_sampler.busy_percent()
    limit = host_thresholds().cpu_percent
    if used is not None and used > limit:
        return ProbeResult.failed(f"CPU {used:.0f}% busy (limit {limit}%)")
    return None


def percent(part: float, whole: float) -> float:
    return 0.0 if whole <= 0 else round(100.0 * part / whole, 2)
