"""The API edge's periodic jobs: the clean-up of expired Idempotency-Key records."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.gateway.services import purge_expired_idempotency_records
from azora.shared.scheduling import periodic


@periodic(name="gateway.purge_idempotency_records", every=dt.timedelta(hours=1))
@task()
def purge_idempotency_records_task() -> int:
    """Deletes records past their 24-hour TTL; replays already treat them as absent."""
    return purge_expired_idempotency_records()
