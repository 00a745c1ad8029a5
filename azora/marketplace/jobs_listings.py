"""Marketplace periodic jobs for listings: expiring those past their closing date."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.marketplace.services import listings
from azora.shared.scheduling import periodic


@periodic(name="marketplace.expire_listings", every=dt.timedelta(minutes=15))
@task()
def expire_listings_task() -> int:
    """Open and paused listings past `closes_at` become expired (a ListingStatusChanged each); how many."""
    return listings.listings_expire()
