"""The ledger's write paths: what a transfer costs in SQL, and that a refusal inside a caller's transaction
leaves that transaction usable and unchanged (PostgreSQL's one-statement path and the portable ORM path)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from azora.finance import errors, public, services
from azora.finance.events import TransferPosted
from azora.finance.models import Posting as PostingRow
from azora.finance.models import Transfer
from azora.finance.tests.factories import AccountFactory, ledger_snapshot, posting, simple_transfer, wallet_with
from azora.shared.events.outbox import enqueue_dispatch
from azora.shared.events.registry import decode_event
from azora.shared.models import OutboxEvent
from azora.shared.money import Money
from azora.shared.testing.queries import statement_kinds, statement_sql

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_a_transfer_on_postgresql_is_one_statement_that_locks_checks_and_writes() -> None:
    source, target = wallet_with(5_00), AccountFactory()
    # The test's own transaction is the caller's: the transfer adds exactly one statement to it, no savepoint.
    with CaptureQueriesContext(connection) as captured:
        view = simple_transfer(source, target, 1_25)
    assert statement_kinds(captured) == ["WITH"]
    sql = statement_sql(captured.captured_queries[0])
    assert "FOR UPDATE" in sql
    assert "ORDER BY id FOR UPDATE" in sql  # the fixed lock order
    assert public.balance(account_id=source.id).posted == Money(3_75, "AZR")
    rows = PostingRow.objects.filter(transfer_id=view.id).order_by("id")
    assert [(row.side, row.amount, row.phase) for row in rows] == [
        ("debit", 1_25, "posted"),
        ("credit", 1_25, "posted"),
    ]


@pytest.mark.postgres
def test_the_outbox_row_of_the_one_statement_path_is_the_event_publish_would_write(
    django_capture_on_commit_callbacks: Any,
) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        view = simple_transfer(source, target, 1_00)
    row = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(view.id))
    assert row.status == OutboxEvent.Status.PENDING
    assert row.dispatched_at is None
    assert decode_event(row.event_type, row.payload) == TransferPosted(
        transfer_id=view.id, kind="test", account_ids=tuple(sorted([source.id, target.id]))
    )
    assert row.occurred_at == Transfer.objects.get(id=view.id).created_at
    # Dispatch is enqueued after commit, as publish() does, robustly.
    assert [(callback.func, callback.args) for callback in callbacks] == [(enqueue_dispatch, (row.id,))]


@pytest.mark.postgres
def test_a_repeat_on_postgresql_is_answered_from_the_first_transfer_without_writing() -> None:
    source, target = wallet_with(5_00), AccountFactory()
    transfer_id = uuid.uuid4()
    first = simple_transfer(source, target, 2_00, transfer_id=transfer_id)
    before = ledger_snapshot()
    assert simple_transfer(source, target, 2_00, transfer_id=transfer_id) == first
    with pytest.raises(errors.TransferIdReused):
        simple_transfer(source, target, 2_01, transfer_id=transfer_id)
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    "refusal",
    ["insufficient_funds", "currency_mismatch", "unknown_account", "reused_id"],
)
def test_a_refusal_inside_a_callers_transaction_writes_nothing_and_leaves_it_usable(refusal: str) -> None:
    source, target = wallet_with(5_00), AccountFactory()
    reused = simple_transfer(source, target, 1_00)
    zar = AccountFactory(currency="ZAR")
    postings = {
        "insufficient_funds": [posting(source, "debit", 9_00), posting(target, "credit", 9_00)],
        "currency_mismatch": [posting(zar, "debit", 1_00, currency="AZR"), posting(target, "credit", 1_00)],
        "unknown_account": [posting(source, "debit", 1_00), services_posting(uuid.uuid4(), "credit", 1_00)],
        "reused_id": [posting(source, "debit", 3_00), posting(target, "credit", 3_00)],
    }[refusal]
    expected = {
        "insufficient_funds": errors.InsufficientFunds,
        "currency_mismatch": errors.CurrencyMismatch,
        "unknown_account": errors.AccountNotFound,
        "reused_id": errors.TransferIdReused,
    }[refusal]
    before = ledger_snapshot()
    with transaction.atomic():
        with pytest.raises(expected):
            services.transfer_post(
                transfer_id=reused.id if refusal == "reused_id" else uuid.uuid4(),
                kind="test", reason="Refused inside a caller's transaction", reference="",
                postings=postings,
            )  # fmt: skip
        assert ledger_snapshot() == before
        # The caller's transaction goes on: a later transfer in it lands and commits.
        after = simple_transfer(source, target, 50)
    assert public.transfer_get(transfer_id=after.id) == after
    assert public.balance(account_id=source.id).posted == Money(3_50, "AZR")


def services_posting(account_id: uuid.UUID, side: str, minor: int) -> public.Posting:
    return public.Posting(account_id=account_id, side=side, amount=Money(minor, "AZR"))  # type: ignore[arg-type]
