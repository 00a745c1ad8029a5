"""`verify_audit`: recomputes the audit trail's hash chain (or an exported copy's) and names the first bad record."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from azora.security import audit_trail
from azora.security.public.audit import AuditVerification, audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain; exits 1 naming the first edited, missing, inserted or reordered "
        "record. --file verifies an exported JSON-lines copy instead of the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", help="an export made by export_audit --format jsonl")
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="a record hash kept outside the database (repeatable); a rewritten chain will not match it",
        )

    def handle(self, *args: Any, file: str | None, anchor: list[str], **options: Any) -> None:
        anchors = [_parsed_anchor(text) for text in anchor]
        result = audit_trail.chain_verify_rows(_rows(Path(file))) if file else audit_verify()
        if not result.ok:
            raise CommandError(_broken(result), returncode=1)
        for sequence, expected_hash in anchors:
            if not _anchor_matches(sequence, expected_hash, file):
                raise CommandError(
                    f"Audit chain does not match the anchor at sequence {sequence}: the chain was rewritten.",
                    returncode=1,
                )
        self.stdout.write(f"Audit chain intact: {result.records_checked} records.")


def _anchor_matches(sequence: int, record_hash: str, file: str | None) -> bool:
    if file is None:
        return audit_trail.anchor_matches(sequence=sequence, record_hash=record_hash)
    return any(int(row["sequence"]) == sequence and row["record_hash"] == record_hash for row in _rows(Path(file)))


def _broken(result: AuditVerification) -> str:
    return (
        f"Audit chain broken at sequence {result.first_bad_sequence} ({result.problem}); "
        f"{result.records_checked} records before it are intact."
    )


def _parsed_anchor(text: str) -> tuple[int, str]:
    sequence, _, record_hash = text.partition(":")
    if not sequence.isdigit() or len(record_hash) != 64:
        raise CommandError(f"--anchor must be SEQUENCE:HASH (a 64-character hex hash), not {text!r}.")
    return int(sequence), record_hash.lower()


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _row(line, number)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


def _row(line: str, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except ValueError as error:
        raise CommandError(f"Line {number} is not JSON.", returncode=1) from error
    if not isinstance(row, dict) or not {"sequence", "previous_hash", "record_hash"} <= row.keys():
        raise CommandError(f"Line {number} is not an audit record.", returncode=1)
    return row
