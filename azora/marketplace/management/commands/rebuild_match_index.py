"""`rebuild_match_index`: rewrites the open-requirements read model "my matches" ranks from (after a bulk load of
listings behind the services' back, or to repair it); safe while the platform serves."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from azora.marketplace.services.match_index import match_index_rebuild


class Command(BaseCommand):
    help = "Rewrite every open listing's rows of the matching read model, a batch of listings per transaction."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", type=int, default=5_000, help="listings per transaction (default 5000)")

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        rows = match_index_rebuild(batch=max(1, batch))
        self.stdout.write(f"Open requirements: {rows} rows")
