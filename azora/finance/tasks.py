"""Azora Finance's background tasks: the ledger reconciliation, which logs and counts every difference it finds."""

from __future__ import annotations

from django.tasks import task
from prometheus_client import Counter

from azora.finance import selectors
from azora.finance.public import ReconcileReport
from azora.shared.observability.logging import get_logger

logger = get_logger("azora.finance")

RECONCILE_RUNS = Counter(
    "azora_ledger_reconcile_runs_total", "Ledger reconciliations run, by result (clean or differences).",
    ["result"],
)  # fmt: skip
RECONCILE_DIFFERENCES = Counter(
    "azora_ledger_reconcile_differences_total", "Differences the ledger reconciliation found, by check.",
    ["check"],
)  # fmt: skip


def reconcile_and_alert() -> ReconcileReport:
    """Runs `reconcile`; any difference is logged as an error and counted (deploy/ alerts on the counter)."""
    report = selectors.reconcile()
    if report.is_clean:
        RECONCILE_RUNS.labels(result="clean").inc()
        logger.info("finance.reconcile_clean", accounts=report.accounts_checked, transfers=report.transfers_checked)
        return report
    RECONCILE_RUNS.labels(result="differences").inc()
    for difference in report.differences:
        RECONCILE_DIFFERENCES.labels(check=difference.check).inc()
    logger.error(
        "finance.reconcile_differences",
        count=len(report.differences),
        checks=sorted({difference.check for difference in report.differences}),
        first=[f"{d.check}: {d.subject}: expected {d.expected}, found {d.actual}" for d in report.differences[:10]],
    )
    return report


@task()
def reconcile_ledger_task() -> int:
    """Returns the number of differences found (0 when the ledger is consistent)."""
    return len(reconcile_and_alert().differences)
