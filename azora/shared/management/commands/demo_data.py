"""`demo_data` (`azora demo-data`): loads every app's registered demo data, idempotently; refused in production."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from azora.shared.demo import load_demo_data, registered_loaders


class Command(BaseCommand):
    help = "Load the demo data of every app (safe to run again: loaders create only what is missing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--only", action="append", metavar="NAME", help="run only this loader (repeatable)")
        parser.add_argument(
            "--list", action="store_true", dest="list_loaders", help="list the registered loaders and exit"
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load demo data in production mode (demo accounts have published passwords)",
        )

    def handle(
        self, *args: Any, only: list[str] | None, list_loaders: bool, allow_production: bool, **options: Any
    ) -> None:
        if list_loaders:
            for entry in registered_loaders():
                self.stdout.write(f"{entry.order:>5}  {entry.name}")
            return
        # Demo accounts use published passwords: loading them into a real deployment would open it to anyone.
        if getattr(settings, "AZORA_MODE", "") == "production" and not allow_production:
            raise CommandError("Refusing to load demo data in production mode (pass --allow-production to insist).")
        try:
            ran = load_demo_data(only=only)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(f"Demo data loaded: {', '.join(ran) or 'no loaders registered'}")
