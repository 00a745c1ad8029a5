"""The Health Monitor's own probes: the platform's database, cache, migrations, task queue, outbox and host."""

from __future__ import annotations

from azora.health import checks
from azora.health.public import register_probe

SERVICE = "platform"

# The first four also decide /readyz (unchanged since before the monitor): a process that cannot reach them is
# not worth sending traffic to. The rest describe the platform without taking a process out of rotation.
register_probe("database", checks.database, service=SERVICE, readiness=True)
register_probe("cache", checks.cache_round_trip, service=SERVICE, readiness=True)
register_probe("migrations", checks.migrations_applied, service=SERVICE, readiness=True)
register_probe("task_queue", checks.task_queue, service=SERVICE, readiness=True)
register_probe("task_backlog", checks.task_queue_backlog, service=SERVICE)
register_probe("outbox", checks.outbox, service=SERVICE)
register_probe("disk", checks.disk_space, service=SERVICE)
register_probe("cpu", checks.cpu, service=SERVICE, critical=False)
register_probe("memory", checks.memory, service=SERVICE, critical=False)
