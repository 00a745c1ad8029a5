"""`python manage.py evaluate_constitution`: the rails' quality on the labelled set and their added latency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from azora.constitution.evaluation import runner


class Command(BaseCommand):
    help = (
        "Evaluate the constitution's rails on the labelled set (azora/constitution/evaluation/cases.yaml): "
        "per-category precision, recall and F1, false refusals on safe teaching content, personal-data recall, "
        "and P50/P95 added latency of the rule checks on 1,000-character texts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--split",
            choices=["all", "dev", "holdout", "fresh", "probe", "each"],
            default="each",
            help="Which part of the set to score ('each': every split, then all; default).",
        )
        parser.add_argument(
            "--profile",
            default="STANDARD",
            choices=["STRICT", "STANDARD", "LENIENT", "DEVELOPMENT"],
            help="Constitution profile the decisions are made under (default STANDARD).",
        )
        parser.add_argument("--cases", default=None, help="Another cases file (YAML, same fields).")
        parser.add_argument("--failures", action="store_true", help="List the cases scored wrong.")
        parser.add_argument(
            "--without-language",
            action="store_true",
            help="Do not tell the detectors each case's language (as when the learner's language is unknown).",
        )
        parser.add_argument(
            "--latency-samples",
            type=int,
            default=1000,
            help="Texts of 1,000 characters timed (0 skips the latency measurement; default 1000).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit with an error when a quality target is missed (F1, false refusals, personal-data recall).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["cases"]) if options["cases"] else None
        try:
            cases = runner.load_cases(path)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"cannot read the cases: {error}") from error
        choices: dict[str, list[tuple[str, ...]]] = {
            "all": [tuple(runner.SPLITS)],
            "dev": [("dev",)],
            "holdout": [("holdout",)],
            "fresh": [("fresh",)],
            "probe": [("probe",)],
            "each": [*((split,) for split in runner.SPLITS), tuple(runner.SPLITS)],
        }
        split_sets = choices[options["split"]]
        missed: list[str] = []
        for splits in split_sets:
            report = runner.evaluate(
                cases, profile=options["profile"], splits=splits, with_language=not options["without_language"]
            )
            self.stdout.write(runner.format_report(report))
            if options["failures"] and report.failures:
                self.stdout.write("Scored wrong:")
                self.stdout.write(runner.format_failures(report))
            self.stdout.write("")
            missed += [f"{'+'.join(splits)}: {miss}" for miss in runner.missed_targets(report)]
        if options["latency_samples"] > 0:
            latency = runner.measure_latency(cases, samples=options["latency_samples"])
            self.stdout.write(runner.format_latency(latency))
        if missed:
            self.stdout.write("Targets missed: " + "; ".join(missed))
            if options["check"]:
                raise CommandError("quality targets missed")
        else:
            self.stdout.write("Quality targets met (F1, false refusals, personal-data recall).")
