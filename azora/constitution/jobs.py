"""Constitutional AI's periodic jobs: sealing pending decisions into the audit chain; purging old ones."""

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


@periodic(name="constitution.seal_decisions", every=dt.timedelta(minutes=1))
@task()
def seal_decisions_task() -> int:
    """Chains decision records a writer left unsealed (it found the chain head locked); normally there are none."""
    return services.decisions_seal()
