"""Constitutional AI's periodic jobs: purging decisions older than the retention period (the chain stays verifiable)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.constitution import services
from azora.shared.scheduling import periodic


@periodic(name="constitution.purge_decisions", every=dt.timedelta(hours=6))
@task()
def purge_decisions_task() -> int:
    """Deletes audit records older than AZORA_CONSTITUTION_RETENTION_DAYS and re-anchors the chain."""
    return services.decisions_purge()
