"""Health Monitor's periodic jobs for probes: the probe round, and the roll-up and pruning of history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task

from azora.health import history
from azora.health import round as probe_round
from azora.shared.scheduling import periodic


@periodic(name="health.run_probes", every=dt.timedelta(seconds=settings.AZORA_HEALTH_PROBE_INTERVAL_SECONDS))
@task()
def run_probes_task() -> dict[str, object]:
    """One probe round (every AZORA_HEALTH_PROBE_INTERVAL_SECONDS, 30 s by default): what failed and changed."""
    report = probe_round.probe_round_run()
    return {"probes": report.probes, "failed": list(report.failed), "changed": list(report.changed),
            "duration_ms": report.duration_ms}  # fmt: skip


@periodic(name="health.rollup_history", every=dt.timedelta(minutes=5))
@task()
def rollup_history_task() -> int:
    """Refreshes the hour rows of the last hours and the day rows of yesterday and today."""
    return history.rollup()


@periodic(name="health.prune_history", every=dt.timedelta(hours=1))
@task()
def prune_history_task() -> int:
    """Deletes history past its retention (minutes 2 days, hours 35 days, days 400 days, by default)."""
    return history.prune()
