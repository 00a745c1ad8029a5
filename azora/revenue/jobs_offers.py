"""The revenue engine's periodic offer job: expiring upgrade offers."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.revenue.services.offers import offers_expire_due
from azora.shared.scheduling import periodic


@periodic(name="revenue.expire_offers", every=dt.timedelta(minutes=15))
@task()
def expire_offers_task() -> int:
    """Active offers past their expiry become expired (safe to run twice). Accepting already refuses an offer past
    its expiry, so this only makes the stored status (and the acceptance report) catch up."""
    return offers_expire_due()
