"""Concurrent appends on PostgreSQL: the chain head's row lock makes them queue, so the chain never forks."""

from __future__ import annotations

import pytest
from django.db import transaction

from azora.security import public as security
from azora.security.models import AuditChainHead, AuditRecord
from azora.shared.testing.concurrency import race_errors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPENDS_PER_THREAD = 10


def _append_many(thread: int) -> None:
    for index in range(APPENDS_PER_THREAD):
        with transaction.atomic():
            security.audit_record(action="security.x_done", target_id=f"{thread}-{index}")


def test_two_threads_appending_at_once_make_one_unbroken_chain() -> None:
    errors = race_errors(lambda: _append_many(1), lambda: _append_many(2))

    assert errors == [None, None]
    sequences = list(AuditRecord.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * APPENDS_PER_THREAD + 1))
    previous_hashes = list(AuditRecord.objects.values_list("previous_hash", flat=True))
    assert len(set(previous_hashes)) == len(previous_hashes)  # no two records claim the same predecessor
    assert AuditChainHead.objects.get().last_sequence == 2 * APPENDS_PER_THREAD
    verification = security.audit_verify()
    assert (verification.ok, verification.records_checked) == (True, 2 * APPENDS_PER_THREAD)


def test_the_very_first_appends_racing_create_one_head() -> None:
    errors = race_errors(
        lambda: security.audit_record(action="security.x_done", target_id="a"),
        lambda: security.audit_record(action="security.x_done", target_id="b"),
    )

    assert errors == [None, None]
    assert AuditChainHead.objects.count() == 1
    assert security.audit_verify().ok
