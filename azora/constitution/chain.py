"""The decisions audit's hash chain: the canonical form of a record, its hash, and verification of the whole chain.

Each record's hash is SHA-256 over the previous record's hash and the record's canonical JSON, so editing,
inserting or deleting a record breaks every later link. The chain head (one row) holds the last hash, so removing
the newest records is detected too; a purge moves the head's anchor to the last purged record (ADR 0015).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

HASHED_FIELDS = (
    "id",
    "sequence",
    "created_at",
    "user_id",
    "organisation_id",
    "request_id",
    "surface",
    "purpose",
    "role",
    "profile",
    "action",
    "score",
    "passed",
    "would_block",
    "violations",
    "findings",
    "input_sha256",
    "output_sha256",
    "input_text",
    "output_text",
    "latency_us",
    "constitution_number",
)


def _canonical_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{Decimal(str(value)):.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_canonical_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _canonical_value(item) for key, item in value.items()}
    return str(value)


def canonical(fields: Mapping[str, Any]) -> str:
    """The record's hashed fields as canonical JSON (sorted keys, no spaces, scores with two decimals)."""
    return json.dumps(
        {name: _canonical_value(fields.get(name)) for name in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def record_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{previous_hash}\n{canonical(fields)}".encode()).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None  # the sequence of the first record that does not verify
    problem: str = ""
    pending: int = 0  # records written but not sealed into the chain yet


def verify(
    records: Iterable[Mapping[str, Any]],
    *,
    anchor_sequence: int,
    anchor_hash: str,
    last_sequence: int,
    last_hash: str,
) -> ChainReport:
    """Walks `records` in sequence order from the anchor; each must follow the previous one and hash to itself."""
    expected_sequence = anchor_sequence + 1
    previous = anchor_hash
    checked = 0
    for record in records:
        sequence = int(record["sequence"])
        if sequence != expected_sequence:
            return ChainReport(False, checked, expected_sequence, f"record #{expected_sequence} is missing")
        if record["previous_hash"] != previous:
            return ChainReport(False, checked, sequence, f"record #{sequence} does not follow the previous record")
        if record_hash(previous, record) != record["record_hash"]:
            return ChainReport(False, checked, sequence, f"record #{sequence} was altered")
        previous = record["record_hash"]
        expected_sequence += 1
        checked += 1
    if expected_sequence - 1 != last_sequence or previous != last_hash:
        return ChainReport(False, checked, expected_sequence, "records after the last verified one are missing")
    return ChainReport(True, checked)
