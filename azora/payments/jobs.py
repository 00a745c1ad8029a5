"""The Payment Service's periodic jobs: webhooks whose after-commit task was lost, and intents stuck in processing."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.payments import services
from azora.shared.scheduling import periodic


@periodic(name="payments.process_pending_webhooks", every=dt.timedelta(minutes=1))
@task()
def process_pending_webhooks_task() -> int:
    return services.pending_webhooks_process()


@periodic(name="payments.sync_stuck_intents", every=dt.timedelta(minutes=5))
@task()
def sync_stuck_intents_task() -> int:
    return services.stuck_intents_sync()
