"""Concurrent appends to the audit chain (PostgreSQL): writers never wait, and the sealed chain is one unbroken line."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from azora.constitution import selectors, services
from azora.constitution.models import DecisionRecord
from azora.constitution.policy import decide

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
EACH = 5


def _append(worker: int, errors: list[BaseException], start: threading.Barrier) -> None:
    try:
        start.wait()
        for n in range(EACH):
            services.decision_record(
                decision=decide([], role="input", profile="STANDARD"),
                entry=services.AuditEntry(
                    surface="api",
                    user_id=None,
                    organisation_id=None,
                    request_id=f"w{worker}-{n}",
                    purpose="race",
                    input_text=f"{worker}:{n}",
                    output_text=f"{worker}:{n}",
                    stored_input="",
                    stored_output="",
                    latency_us=1,
                ),
            )
    except BaseException as error:  # reported to the test thread
        errors.append(error)
    finally:
        connection.close()


def test_concurrent_decisions_form_one_verifiable_chain() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    workers = [threading.Thread(target=_append, args=(w, errors, start)) for w in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    # A writer that found the head locked may have left its record for the seal job (normally seconds later).
    services.decisions_seal()
    sequences = DecisionRecord.objects.order_by("sequence").values_list("sequence", flat=True)
    assert list(sequences) == list(range(1, THREADS * EACH + 1))
    report = selectors.audit_verify()
    assert (report.ok, report.checked) == (True, THREADS * EACH)
