"""`export_audit`: writes the audit trail, with its hashes, as JSON lines or CSV (to a file or standard output)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from azora.security.audit_trail import EXPORT_FORMATS, InvalidAuditQuery
from azora.security.public.audit import audit_export


class Command(BaseCommand):
    help = "Export the audit trail in sequence order with each record's hashes (verify a copy with verify_audit)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="jsonl")
        parser.add_argument("--since", help="ISO 8601 time with a zone; records at or after it")
        parser.add_argument("--until", help="ISO 8601 time with a zone; records before it")
        parser.add_argument("--output", help="a file to write (default: standard output)")

    def handle(
        self, *args: Any, fmt: str, since: str | None, until: str | None, output: str | None, **options: Any
    ) -> None:
        try:
            lines = audit_export(since=_moment(since, "--since"), until=_moment(until, "--until"), fmt=fmt)
        except InvalidAuditQuery as error:
            raise CommandError(error.detail) from error
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        count = _write(Path(output), lines)
        self.stderr.write(f"Wrote {count} lines to {output}.")


def _moment(text: str | None, option: str) -> dt.datetime | None:
    if text is None:
        return None
    moment = parse_datetime(text)
    if moment is None or moment.tzinfo is None:
        raise CommandError(f"{option} must be an ISO 8601 time with a zone, such as 2026-01-31T00:00:00Z.")
    return moment


def _write(path: Path, lines: Any) -> int:
    count = 0
    try:
        with path.open("w", encoding="utf-8", newline="") as target:
            for line in lines:
                target.write(line)
                count += 1
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}.") from error
    return count
