"""The revenue engine's periodic subscription jobs (renewals at period end, dunning retries, settling charges left
pending) and the task that sends a dunning email."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, cast

from django.tasks import task

from azora.revenue.services import subscriptions
from azora.shared.scheduling import periodic

# --- subscriptions (H2) ---------------------------------------------------------------------------------------


@periodic(name="revenue.renew_subscriptions", every=dt.timedelta(minutes=5))
@task()
def renew_subscriptions_task() -> int:
    """Renews every subscription whose period (or trial) has ended; ends the canceled ones and card-less trials."""
    return subscriptions.subscriptions_renew_due()


@periodic(name="revenue.retry_past_due_subscriptions", every=dt.timedelta(minutes=15))
@task()
def retry_past_due_subscriptions_task() -> int:
    """Dunning: retries past-due renewals on their day (1, 3 and 7 days after the renewal), then ends them."""
    return subscriptions.subscriptions_retry_due()


@periodic(name="revenue.settle_subscription_charges", every=dt.timedelta(minutes=5))
@task()
def settle_subscription_charges_task() -> int:
    """Records the outcome of charges left pending (a payment still processing, or a run that stopped half-way)."""
    return subscriptions.subscription_charges_settle()


@task()
def send_subscription_email_task(subscription_id: str, kind: str, charge_id: str) -> bool:
    return subscriptions.subscription_email_send(
        subscription_id=uuid.UUID(subscription_id),
        kind=cast(Literal["payment_failed", "ended"], kind),
        charge_id=uuid.UUID(charge_id) if charge_id else None,
    )
