"""The revenue engine's periodic earnings job: releasing instructor shares after the refund hold."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.revenue.services import shares
from azora.shared.scheduling import periodic


@periodic(name="revenue.release_earnings", every=dt.timedelta(hours=1))
@task()
def release_earnings_task() -> int:
    """Releases every order whose hold (AZORA_REVENUE_HOLD_DAYS) is over; safe to run twice (one release each)."""
    return shares.earnings_release_due()
