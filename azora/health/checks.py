"""The built-in readiness checks: database, cache, migrations applied and task queue reachable."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from azora.health.probes import ProbeResult
from azora.shared.ids import uuid7

_migrations = {"all_applied": False}


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
