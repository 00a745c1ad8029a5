"""Azora Finance's periodic jobs: voiding expired holds, resolving pending payouts, and reconciling the ledger."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from azora.finance import services
from azora.finance.tasks import reconcile_ledger_task
from azora.shared.scheduling import periodic, register_periodic


@periodic(name="finance.expire_holds", every=dt.timedelta(minutes=1))
@task()
def expire_holds_task() -> int:
    """Voids pending transfers whose expiry has passed, releasing their held funds."""
    return services.transfers_expire_due()


@periodic(name="finance.sync_pending_payouts", every=dt.timedelta(minutes=5))
@task()
def sync_pending_payouts_task() -> int:
    """Asks the payout provider about payouts left pending (a lost answer, a bank that answers later)."""
    return services.pending_payouts_sync()


register_periodic(reconcile_ledger_task, name="finance.reconcile_ledger", every=dt.timedelta(hours=1))
