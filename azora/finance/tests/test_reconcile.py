"""reconcile: clean on a consistent ledger; finds tampered totals, unbalanced transfers, supply and negatives."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from azora.finance import public, services
from azora.finance.models import Account, Transfer
from azora.finance.models import Posting as PostingRow
from azora.finance.tasks import RECONCILE_DIFFERENCES, RECONCILE_RUNS, reconcile_ledger_task
from azora.finance.tests.factories import AccountFactory, simple_transfer, wallet_with
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def checks(report: public.ReconcileReport) -> list[tuple[str, str]]:
    return [(difference.check, difference.subject) for difference in report.differences]


def busy_ledger() -> tuple[public.AccountView, public.AccountView]:
    wallet, other = wallet_with(50_00), AccountFactory()
    simple_transfer(wallet, other, 5_00)
    assert wallet.owner_id is not None
    assert other.owner_id is not None
    services.peer_transfer(
        transfer_id=uuid.uuid4(), from_user_id=wallet.owner_id, to_user_id=other.owner_id,
        amount=Money(1_00, "AZR"), note="",
    )  # fmt: skip
    return wallet, other


def test_a_consistent_ledger_reconciles_clean() -> None:
    busy_ledger()
    report = public.reconcile()
    assert report.is_clean, report.differences
    assert report.accounts_checked == Account.objects.count()
    assert report.transfers_checked == Transfer.objects.count()


def test_a_tampered_cached_balance_is_found() -> None:
    wallet, _ = busy_ledger()
    Account.objects.filter(id=wallet.id).update(posted_credits=models_value(wallet.id, "posted_credits") + 1)
    report = public.reconcile()
    assert not report.is_clean
    assert checks(report) == [("cached_totals", f"account {wallet.id} (Wallet (AZR)) posted_credits")]
    difference = report.differences[0]
    assert int(difference.actual) == int(difference.expected) + 1


def models_value(account_id: uuid.UUID, field: str) -> int:
    value: int = Account.objects.values_list(field, flat=True).get(id=account_id)
    return value


def _insert_posting(transfer_id: uuid.UUID, account_id: uuid.UUID, side: str, amount: int, currency: str) -> None:
    """Writes a posting behind the services' back, as a bug or a hand edit of the database would."""
    PostingRow.objects.create(
        transfer_id=transfer_id, account_id=account_id, side=side, amount=amount, currency=currency, phase="posted"
    )


def test_an_unbalanced_transfer_a_broken_supply_and_a_forbidden_negative_are_found() -> None:
    wallet, _ = busy_ledger()
    transfer = Transfer.objects.filter(kind="test").first()
    assert transfer is not None
    # An extra debit of 60.00 on the wallet: the transfer no longer balances, the wallet is below zero, AZR vanished.
    _insert_posting(transfer.id, wallet.id, "debit", 60_00, "AZR")
    found = {check for check, _ in checks(public.reconcile())}
    assert found == {"cached_totals", "transfer_balanced", "forbidden_negative", "azr_supply"}


def test_a_posting_in_another_currency_than_its_account_is_found() -> None:
    wallet, other = busy_ledger()
    transfer = Transfer.objects.filter(kind="test").first()
    assert transfer is not None
    _insert_posting(transfer.id, wallet.id, "debit", 1, "ZAR")
    _insert_posting(transfer.id, other.id, "credit", 1, "ZAR")
    assert "posting_currency" in {check for check, _ in checks(public.reconcile())}


def test_the_command_prints_clean_and_exits_zero() -> None:
    busy_ledger()
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "The ledger reconciles: no differences." in out.getvalue()


def test_the_command_lists_each_difference_and_exits_one() -> None:
    wallet, _ = busy_ledger()
    Account.objects.filter(id=wallet.id).update(pending_debits=7)
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("reconcile", stdout=out)
    assert raised.value.returncode == 1
    assert f"[cached_totals] account {wallet.id} (Wallet (AZR)) pending_debits: expected 0, found 7" in out.getvalue()


def test_the_task_counts_differences_for_prometheus() -> None:
    wallet, _ = busy_ledger()
    clean_before = RECONCILE_RUNS.labels(result="clean")._value.get()
    assert reconcile_ledger_task.call() == 0
    assert RECONCILE_RUNS.labels(result="clean")._value.get() == clean_before + 1
    Account.objects.filter(id=wallet.id).update(posted_debits=0)
    counted_before = RECONCILE_DIFFERENCES.labels(check="cached_totals")._value.get()
    assert reconcile_ledger_task.call() >= 1
    assert RECONCILE_DIFFERENCES.labels(check="cached_totals")._value.get() >= counted_before + 1


@pytest.mark.postgres
def test_postgresql_refuses_to_update_or_delete_a_posting() -> None:
    from django.db import DatabaseError, transaction

    wallet = wallet_with(1_00)
    row = PostingRow.objects.filter(account_id=wallet.id).first()
    assert row is not None
    assert connection.vendor == "postgresql"

    def execute(statement: str) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.id])

    for statement in (
        "UPDATE finance_posting SET amount = amount + 1 WHERE id = %s",
        "DELETE FROM finance_posting WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="Cannot update or delete rows from finance_posting"):
            execute(statement)
    with pytest.raises(DatabaseError, match="Cannot update or delete rows from finance_posting"), transaction.atomic():
        PostingRow.objects.filter(id=row.id).update(amount=5)
    row.refresh_from_db()
    assert row.amount == 1_00
    assert public.reconcile().is_clean
