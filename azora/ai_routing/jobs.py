"""AI Routing's periodic jobs: giving back budget reservations that crashed calls left behind."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from azora.ai_routing.services.budgets import reservations_release_stale
from azora.shared.scheduling import periodic

# A call holds its reservation for at most its providers' timeouts; anything older belongs to a dead process.
STALE_AFTER = dt.timedelta(minutes=15)


@periodic(name="ai_routing.release_stale_reservations", every=dt.timedelta(minutes=5))
@task()
def release_stale_reservations_task() -> int:
    return reservations_release_stale(older_than=timezone.now() - STALE_AFTER)
