"""`health_check`: prints the readiness report and exits non-zero when the platform is not ready."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from azora.health.public import run_readiness


class Command(BaseCommand):
    help = "Runs the readiness probes (database, cache, migrations, task queue and each app's own)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as /readyz does")

    def handle(self, *args: Any, **options: Any) -> None:
        report = run_readiness()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            for check in report.checks:
                line = f"{check.name:<20} {check.status:<5} {check.latency_ms:>9.2f} ms"
                if not check.critical:
                    line += "  (non-critical)"
                if check.error:
                    line += f"  {check.error}"
                self.stdout.write(line)
            self.stdout.write(f"readiness: {report.status}")
        if not report.is_ready:
            raise SystemExit(1)
