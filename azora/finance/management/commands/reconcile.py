"""`azora manage reconcile`: recomputes every ledger balance and checks every invariant; exit 1 on a difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from azora.finance.tasks import reconcile_and_alert


class Command(BaseCommand):
    help = "Recompute every ledger balance from the postings and check every invariant; exit code 1 on differences."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile_and_alert()
        self.stdout.write(f"Checked {report.accounts_checked} accounts and {report.transfers_checked} transfers.")
        if report.is_clean:
            self.stdout.write(self.style.SUCCESS("The ledger reconciles: no differences."))
            return
        self.stdout.write(self.style.ERROR(f"{len(report.differences)} difference(s):"))
        for difference in report.differences:
            self.stdout.write(
                f"  [{difference.check}] {difference.subject}: expected {difference.expected}, "
                f"found {difference.actual}"
            )
        raise CommandError("The ledger does not reconcile.", returncode=1)
