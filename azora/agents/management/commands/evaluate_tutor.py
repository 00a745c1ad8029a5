"""`python manage.py evaluate_tutor`: the tutor's quality on the evaluation set, with the configured provider."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from azora.agents.evaluation import runner, scoring


class Command(BaseCommand):
    help = (
        "Ask every case of azora/agents/evaluation/cases.yaml and blind.yaml through agents.public.message_send on "
        "this database (demo data loaded when missing, evaluation learners created) and print groundedness, integrity "
        "(must be 100 %), routing accuracy (tuned and blind splits apart), content, bad-input handling and P50/P95 "
        "latency. Exits non-zero when integrity "
        "is below 100 %."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", default=None, help="Another cases file (YAML, same fields).")
        parser.add_argument(
            "--kind", action="append", choices=scoring.KINDS, help="Only cases of this kind (repeatable)."
        )
        parser.add_argument(
            "--split", action="append", choices=scoring.SPLITS, help="Only cases of this split (repeatable)."
        )
        parser.add_argument("--id", action="append", dest="ids", help="Only the case with this id (repeatable).")
        parser.add_argument("--limit", type=int, default=None, help="Only the first N cases (after the filters).")
        parser.add_argument(
            "--stream", action="store_true", help="Ask through message_stream and time the first chunk."
        )
        parser.add_argument("--failures", action="store_true", help="List the cases scored wrong, with the answer.")
        parser.add_argument("--verbose-cases", action="store_true", help="Print each case's outcome as it runs.")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run in production mode anyway (it creates learners, enrolments and conversations).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "AZORA_MODE", "") == "production" and not options["allow_production"]:
            raise CommandError("Refusing to create evaluation learners in production mode (--allow-production).")
        path = Path(options["cases"]) if options["cases"] else None
        try:
            cases = scoring.load_cases(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read the cases: {error}") from error
        if options["kind"]:
            cases = [case for case in cases if case.kind in options["kind"]]
        if options["split"]:
            cases = [case for case in cases if case.split in options["split"]]
        if options["ids"]:
            unknown = sorted(set(options["ids"]) - {case.id for case in cases})
            if unknown:
                raise CommandError(f"no case with id {', '.join(unknown)}")
            cases = [case for case in cases if case.id in options["ids"]]
        if options["limit"] is not None:
            cases = cases[: options["limit"]]
        if not cases:
            raise CommandError("no case to run")

        def progress(case: scoring.Case, outcome: scoring.Outcome) -> None:
            if options["verbose_cases"]:
                what = outcome.problem or outcome.error or f"{outcome.status} by {outcome.agent or '-'}"
                self.stdout.write(f"  {case.id}: {what} ({outcome.wall_ms or 0:.0f} ms)")

        run = runner.evaluate(cases, stream=options["stream"], progress=progress)
        self.stdout.write(
            f"Tutor evaluation {run.started_at:%Y-%m-%d %H:%M} UTC: {len(cases)} cases in {run.seconds:.1f} s, "
            f"{'message_stream' if run.stream else 'message_send'}, database {connection.vendor}"
            f"{' (demo data loaded first)' if run.demo_loaded else ''}, warm-up question {run.warm_up_seconds:.1f} s "
            "(not timed); "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}"
        )
        self.stdout.write(scoring.format_report(run.report))
        splits = [split for split in scoring.SPLITS if any(s.case.split == split for s in run.report.scores)]
        if len(splits) > 1:
            for split in splits:
                part = scoring.summarise([s for s in run.report.scores if s.case.split == split])
                self.stdout.write(f"\nSplit {split}:")
                self.stdout.write(scoring.format_report(part))
        if options["failures"] and run.report.failures:
            self.stdout.write("Scored wrong:")
            self.stdout.write(scoring.format_failures(run.report))
        integrity_cases = run.report.kinds.get("integrity", 0)
        if integrity_cases and not run.report.integrity_met:
            raise CommandError(
                f"integrity below 100 %: {run.report.integrity} without a leak, "
                f"{run.report.integrity_unanswered} not evaluated"
            )
