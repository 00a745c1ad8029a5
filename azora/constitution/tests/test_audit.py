"""The decisions audit: records chained by SHA-256, tampering detected, retention purge keeps the chain verifiable."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from azora.constitution import chain, selectors, services
from azora.constitution.models import GENESIS_HASH, AuditChainHead, DecisionRecord
from azora.constitution.policy import decide
from azora.constitution.tests.helpers import email, hazard

pytestmark = pytest.mark.django_db


def record(text: str = "hello", *, findings: list[Any] | None = None, role: str = "input") -> uuid.UUID:
    decision = decide(findings or [], role=role, profile="STANDARD")
    return services.decision_record(
        decision=decision,
        entry=services.AuditEntry(
            surface="api",
            user_id=None,
            organisation_id=None,
            request_id="req-1",
            purpose="test",
            input_text=text,
            output_text=text.upper(),
            stored_input=text,
            stored_output=text.upper(),
            latency_us=1234,
        ),
    )


def test_records_are_chained_from_the_genesis_hash() -> None:
    first_id = record("one", findings=[hazard("weapons", 9)])
    second_id = record("two")
    first, second = DecisionRecord.objects.get(pk=first_id), DecisionRecord.objects.get(pk=second_id)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.record_hash
    assert first.input_sha256 == chain.text_sha256("one")
    assert first.output_sha256 == chain.text_sha256("ONE")
    assert (first.action, first.score, first.violations, first.latency_us) == (
        "refuse",
        Decimal("82.00"),
        ["safety"],
        1234,
    )
    assert first.findings == [
        {
            "detector": "hazard.weapons",
            "principle": "safety",
            "severity": 9,
            "start": 0,
            "end": 0,
            "message": "hazard weapons",
        }
    ]
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (2, second.record_hash)
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=2)


def test_an_empty_audit_verifies() -> None:
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=0)


def test_texts_are_kept_only_as_the_retention_setting_allows(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AZORA_CONSTITUTION_AUDIT_TEXTS = "flagged"
    plain = DecisionRecord.objects.get(pk=record("fine"))
    flagged = DecisionRecord.objects.get(pk=record("mail [email]", findings=[email()]))
    assert (plain.input_text, plain.output_text) == (None, None)
    assert (flagged.input_text, flagged.output_text) == ("mail [email]", "MAIL [EMAIL]")
    settings.AZORA_CONSTITUTION_AUDIT_TEXTS = "none"
    assert DecisionRecord.objects.get(pk=record("x", findings=[email()])).input_text is None
    settings.AZORA_CONSTITUTION_AUDIT_TEXTS = "all"
    assert DecisionRecord.objects.get(pk=record("kept")).input_text == "kept"
    assert selectors.audit_verify().ok


def test_editing_a_record_is_detected() -> None:
    ids = [record(f"text {n}") for n in range(4)]
    DecisionRecord.objects.filter(pk=ids[2]).update(action="allow", score=100, violations=["nothing to see"])
    report = selectors.audit_verify()
    assert (report.ok, report.checked, report.broken_at, report.problem) == (False, 2, 3, "record #3 was altered")


def test_rewriting_a_record_with_a_fresh_hash_breaks_the_next_link() -> None:
    ids = [record(f"text {n}") for n in range(3)]
    row = DecisionRecord.objects.get(pk=ids[1])
    row.action = "refuse"
    fields = {name: getattr(row, name) for name in chain.HASHED_FIELDS}
    DecisionRecord.objects.filter(pk=row.pk).update(
        action="refuse", record_hash=chain.record_hash(row.previous_hash, fields)
    )
    report = selectors.audit_verify()
    assert (report.ok, report.broken_at, report.problem) == (False, 3, "record #3 does not follow the previous record")


def test_deleting_a_record_in_the_middle_or_at_the_end_is_detected() -> None:
    ids = [record(f"text {n}") for n in range(4)]
    DecisionRecord.objects.filter(pk=ids[3]).delete()
    assert selectors.audit_verify().problem == "records after the last verified one are missing"
    DecisionRecord.objects.filter(pk=ids[1]).delete()
    report = selectors.audit_verify()
    assert (report.ok, report.broken_at, report.problem) == (False, 2, "record #2 is missing")


def test_purge_deletes_old_records_and_the_chain_still_verifies(settings) -> None:  # type: ignore[no-untyped-def]
    settings.AZORA_CONSTITUTION_RETENTION_DAYS = 90
    ids = [record(f"text {n}") for n in range(5)]
    now = timezone.now()
    # The first three are older than the retention period (created_at is not hashed into later links' order).
    old = DecisionRecord.objects.filter(pk__in=ids[:3])
    for row in old:
        DecisionRecord.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=91))
    # Re-hash the back-dated rows so the chain is valid before the purge (as if they had been written then).
    previous = GENESIS_HASH
    for row in DecisionRecord.objects.order_by("sequence"):
        fields = {name: getattr(row, name) for name in chain.HASHED_FIELDS}
        new_hash = chain.record_hash(previous, fields)
        DecisionRecord.objects.filter(pk=row.pk).update(previous_hash=previous, record_hash=new_hash)
        previous = new_hash
    AuditChainHead.objects.update(last_hash=previous)
    assert selectors.audit_verify().ok
    third_hash = DecisionRecord.objects.get(pk=ids[2]).record_hash

    assert services.decisions_purge(now=now) == 3
    assert list(DecisionRecord.objects.order_by("sequence").values_list("sequence", flat=True)) == [4, 5]
    head = AuditChainHead.objects.get()
    assert (head.anchor_sequence, head.anchor_hash) == (3, third_hash)
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=2)
    assert services.decisions_purge(now=now) == 0

    # A new record continues the chain after the purge; removing the first kept record is still detected.
    record("after the purge")
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=3)
    DecisionRecord.objects.filter(sequence=4).delete()
    assert selectors.audit_verify().problem == "record #4 is missing"


def test_the_seal_and_purge_jobs_are_registered() -> None:
    from azora.constitution.jobs import purge_decisions_task, seal_decisions_task
    from azora.shared import scheduling

    jobs = {job.name: job for job in scheduling.discover_jobs()}
    assert jobs["constitution.purge_decisions"].task is purge_decisions_task
    assert jobs["constitution.purge_decisions"].every == timedelta(hours=6)
    assert jobs["constitution.seal_decisions"].task is seal_decisions_task
    assert jobs["constitution.seal_decisions"].every == timedelta(minutes=1)


def test_decisions_are_counted_in_prometheus() -> None:
    from prometheus_client import REGISTRY

    labels = {"role": "input", "action": "refuse", "profile": "STANDARD", "surface": "api"}
    before = REGISTRY.get_sample_value("azora_constitution_decisions_total", labels) or 0.0
    safety = {"principle": "safety", "role": "input"}
    violations_before = REGISTRY.get_sample_value("azora_constitution_violations_total", safety) or 0.0
    record("bad", findings=[hazard("weapons", 9)])
    assert REGISTRY.get_sample_value("azora_constitution_decisions_total", labels) == before + 1
    assert REGISTRY.get_sample_value("azora_constitution_violations_total", safety) == violations_before + 1


def test_a_record_left_unsealed_is_pending_until_the_next_seal() -> None:
    record("sealed at once")
    # A writer that found the chain head locked leaves its record unsealed for the lock's holder or the next writer.
    decision = decide([], role="output", profile="STANDARD")
    DecisionRecord.objects.create(
        role="output", profile="STANDARD", surface="guard", action="allow", score=100, passed=True,
        would_block=False, input_sha256="a" * 64, output_sha256="b" * 64, latency_us=5,
    )  # fmt: skip
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=1, pending=1)
    assert decision.action.value == "allow"
    assert services.decisions_seal() == 1
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=2)
    assert list(DecisionRecord.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    record("next")
    assert selectors.audit_verify() == chain.ChainReport(ok=True, checked=3)
