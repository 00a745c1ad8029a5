"""Azora Finance's probes for the Health Monitor: the last ledger reconciliation found no difference.

The reconciliation itself runs hourly (finance.reconcile_ledger) and is far too heavy for a probe round; the probe
reads the outcome of its last finished run from the task results.
"""

from __future__ import annotations

from django.tasks.base import TaskResultStatus

from azora.finance.tasks import reconcile_ledger_task
from azora.health.public import ProbeResult, register_probe


def last_reconcile_clean() -> ProbeResult | None:
    """Fails when the last finished reconciliation found differences or crashed; passes before the first run."""
    from django_tasks_db.models import DBTaskResult

    last = (
        DBTaskResult.objects.filter(task_path=reconcile_ledger_task.module_path)
        .finished()
        .order_by("-finished_at")
        .values("status", "return_value")
        .first()
    )
    if last is None:
        return None
    if last["status"] != TaskResultStatus.SUCCESSFUL:
        return ProbeResult.failed("the last ledger reconciliation did not finish")
    differences = last["return_value"]
    if differences:
        return ProbeResult.failed(f"the last ledger reconciliation found {differences} difference(s)")
    return None


register_probe("ledger_reconcile", last_reconcile_clean, service="finance")
