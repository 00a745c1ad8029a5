"""transfer_post: exact balances, every refusal leaves the ledger untouched, idempotency by transfer id."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from azora.finance import errors, public, services
from azora.finance.events import TransferPosted
from azora.finance.models import Account, Transfer
from azora.finance.models import Posting as PostingRow
from azora.finance.tests.factories import AccountFactory, fund, ledger_snapshot, posting, simple_transfer, wallet_with
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def azr(minor: int) -> Money:
    return Money(minor, "AZR")


def test_a_transfer_moves_exact_amounts_and_writes_two_postings() -> None:
    source = wallet_with(10_00)
    target = AccountFactory()
    before = PostingRow.objects.count()

    view = simple_transfer(source, target, 3_37, reason="Lunch", reference="order-7", metadata={"order": 7})

    assert public.balance(account_id=source.id) == public.BalanceView(source.id, "AZR", azr(6_63), azr(0), azr(6_63))
    assert public.balance(account_id=target.id).posted == azr(3_37)
    assert PostingRow.objects.count() == before + 2
    assert view.status == "posted"
    assert view.reason == "Lunch"
    assert view.reference == "order-7"
    assert view.metadata == {"order": 7}
    assert view.reverses_id is None
    assert sorted((p.side, p.amount.minor) for p in view.postings) == [("credit", 3_37), ("debit", 3_37)]
    assert public.transfer_get(transfer_id=view.id) == view


def test_a_transfer_publishes_transfer_posted_in_the_outbox() -> None:
    source, target = wallet_with(5_00), AccountFactory()
    view = simple_transfer(source, target, 1_00)
    event = OutboxEvent.objects.get(event_type=TransferPosted.event_type, payload__transfer_id=str(view.id))
    assert sorted(event.payload["account_ids"]) == sorted([str(source.id), str(target.id)])


def test_a_multi_leg_transfer_balances_per_currency() -> None:
    buyer = wallet_with(100_00, currency="ZAR")
    seller = AccountFactory(code="earnings", currency="ZAR")
    fees = services.platform_account(code="revenue:sales", currency="ZAR")
    services.transfer_post(
        transfer_id=uuid.uuid4(), kind="purchase", reason="Course purchase", reference="course:1",
        postings=[posting(buyer, "debit", 50_00), posting(seller, "credit", 40_00), posting(fees, "credit", 10_00)],
    )  # fmt: skip
    assert public.balance(account_id=buyer.id).posted == Money(50_00, "ZAR")
    assert public.balance(account_id=seller.id).posted == Money(40_00, "ZAR")
    assert public.balance(account_id=fees.id).posted == Money(10_00, "ZAR")


def test_a_debit_normal_account_may_go_negative_when_flagged() -> None:
    clearing = services.platform_account(code="clearing:sandbox", currency="ZAR")
    wallet = AccountFactory(currency="ZAR")
    simple_transfer(clearing, wallet, 25_00)
    # An asset account is debit-normal: the debit raised it; crediting it lowers it, below zero here (it may).
    assert public.balance(account_id=clearing.id).posted == Money(25_00, "ZAR")
    simple_transfer(wallet_with(40_00, currency="ZAR"), clearing, 40_00)
    assert public.balance(account_id=clearing.id).posted == Money(-15_00, "ZAR")
    assert clearing.kind == "asset"
    assert clearing.may_go_negative


def _bad_requests(source: public.AccountView, target: public.AccountView, zar: public.AccountView) -> list[Any]:
    """(postings or field overrides, expected error) for every kind of bad request."""
    return [
        ({"postings": [posting(source, "debit", 100)]}, errors.UnbalancedTransfer),
        ({"postings": [posting(source, "debit", 100), posting(target, "credit", 99)]}, errors.UnbalancedTransfer),
        ({"postings": [posting(source, "debit", 0), posting(target, "credit", 0)]}, errors.InvalidAmount),
        ({"postings": [posting(source, "debit", -5), posting(target, "credit", -5)]}, errors.InvalidAmount),
        ({"postings": [posting(source, "debit", 100), posting(zar, "credit", 100, "AZR")]}, errors.CurrencyMismatch),
        (
            {"postings": [posting(source, "debit", 100), posting(target, "credit", 100, "ZAR")]},
            errors.UnbalancedTransfer,
        ),
        (
            {"postings": [posting(source, "debit", 100), public.Posting(uuid.uuid4(), "credit", Money(100, "AZR"))]},
            errors.AccountNotFound,
        ),
        ({"postings": [posting(source, "debit", 100), posting(target, "sideways", 100)]}, errors.InvalidTransfer),
        ({"postings": [posting(source, "debit", 10**16), posting(target, "credit", 10**16)]}, errors.InvalidAmount),
        ({"postings": [posting(source, "debit", 5_01), posting(target, "credit", 5_01)]}, errors.InsufficientFunds),
        ({"reason": "   "}, errors.InvalidTransfer),
        ({"reason": "x" * 501}, errors.InvalidTransfer),
        ({"kind": ""}, errors.InvalidTransfer),
        ({"metadata": {"when": object()}}, errors.InvalidTransfer),
        ({"transfer_id": "not-a-uuid"}, errors.InvalidTransfer),
    ]


def test_every_bad_request_is_refused_with_a_clear_error_and_writes_nothing() -> None:
    source, target = wallet_with(5_00), AccountFactory()
    zar = AccountFactory(currency="ZAR")
    for fields, error in _bad_requests(source, target, zar):
        before = ledger_snapshot()
        with pytest.raises(error):
            simple_transfer(source, target, 1_00, **fields)
        assert ledger_snapshot() == before, fields


def test_an_overdraft_is_refused_and_the_balance_is_unchanged() -> None:
    source, target = wallet_with(1_00), AccountFactory()
    before = ledger_snapshot()
    with pytest.raises(errors.InsufficientFunds) as raised:
        simple_transfer(source, target, 1_01)
    assert raised.value.status == 409
    assert raised.value.extra == {"account_id": str(source.id)}
    assert ledger_snapshot() == before
    assert public.balance(account_id=source.id).posted == azr(1_00)


def test_unknown_currency_and_too_many_decimals_are_refused_when_parsing() -> None:
    assert services.parse_amount(amount="12.50", currency="AZR") == azr(12_50)
    assert services.parse_amount(amount=" 7 ", currency="JPY") == Money(7, "JPY")
    for amount, currency, error in [
        ("1.001", "AZR", errors.InvalidAmount),
        ("1.5", "JPY", errors.InvalidAmount),
        ("0", "AZR", errors.InvalidAmount),
        ("-3", "AZR", errors.InvalidAmount),
        ("abc", "AZR", errors.InvalidAmount),
        ("NaN", "AZR", errors.InvalidAmount),
        ("Infinity", "AZR", errors.InvalidAmount),
        ("1", "XYZ", errors.UnknownCurrency),
    ]:
        with pytest.raises(error):
            services.parse_amount(amount=amount, currency=currency)


def test_an_account_in_an_unknown_currency_cannot_be_made() -> None:
    before = ledger_snapshot()
    with pytest.raises(errors.UnknownCurrency):
        services.user_wallet(user_id=uuid.uuid4(), currency="XYZ")
    with pytest.raises(errors.InvalidTransfer):
        services.platform_account(code="nonsense", currency="AZR")
    assert ledger_snapshot() == before


def test_the_same_id_with_the_same_content_returns_the_first_result_once() -> None:
    source, target = wallet_with(10_00), AccountFactory()
    transfer_id = uuid.uuid4()
    first = simple_transfer(source, target, 2_00, transfer_id=transfer_id)
    before = ledger_snapshot()

    again = simple_transfer(source, target, 2_00, transfer_id=transfer_id)

    assert again == first
    assert ledger_snapshot() == before
    assert public.balance(account_id=source.id).posted == azr(8_00)


def test_the_same_id_with_postings_in_another_order_is_the_same_content() -> None:
    source, target = wallet_with(10_00), AccountFactory()
    transfer_id = uuid.uuid4()
    first = simple_transfer(source, target, 2_00, transfer_id=transfer_id)
    swapped = [posting(target, "credit", 2_00), posting(source, "debit", 2_00)]
    assert simple_transfer(source, target, 2_00, transfer_id=transfer_id, postings=swapped) == first


@pytest.mark.parametrize(
    "change",
    [{"reason": "Other reason"}, {"reference": "ref-2"}, {"kind": "other"}, {"metadata": {"a": 1}}, {"minor": 2_01}],
)
def test_the_same_id_with_other_content_is_refused(change: dict[str, Any]) -> None:
    source, target = wallet_with(10_00), AccountFactory()
    transfer_id = uuid.uuid4()
    simple_transfer(source, target, 2_00, transfer_id=transfer_id)
    before = ledger_snapshot()
    minor = change.pop("minor", 2_00)
    with pytest.raises(errors.TransferIdReused) as raised:
        simple_transfer(source, target, minor, transfer_id=transfer_id, **change)
    assert raised.value.code == "transfer_id_reused"
    assert ledger_snapshot() == before


def test_a_transfer_inside_the_callers_transaction_rolls_back_with_it() -> None:
    from django.db import transaction

    source, target = wallet_with(10_00), AccountFactory()
    before = ledger_snapshot()

    def caller_that_fails_after_the_transfer() -> None:
        with transaction.atomic():
            simple_transfer(source, target, 1_00)
            raise RuntimeError("the caller fails after the transfer")

    with pytest.raises(RuntimeError):
        caller_that_fails_after_the_transfer()
    assert ledger_snapshot() == before


def test_a_failed_transfer_inside_the_callers_transaction_leaves_it_usable() -> None:
    from django.db import transaction

    source, target = wallet_with(10_00), AccountFactory()
    with transaction.atomic():
        with pytest.raises(errors.InsufficientFunds):
            simple_transfer(source, target, 11_00)
        simple_transfer(source, target, 1_00)
    assert public.balance(account_id=target.id).posted == azr(1_00)
    assert Transfer.objects.filter(kind="test").count() == 1


def test_accounts_are_made_once_per_owner_code_and_currency() -> None:
    user_id = uuid.uuid4()
    wallet = services.user_wallet(user_id=user_id)
    assert services.user_wallet(user_id=user_id) == wallet
    zar = services.user_wallet(user_id=user_id, currency="ZAR")
    earnings = services.user_earnings_account(user_id=user_id, currency="ZAR")
    assert len({wallet.id, zar.id, earnings.id}) == 3
    assert (wallet.kind, wallet.may_go_negative, wallet.owner_type, wallet.code) == (
        "liability",
        False,
        "user",
        "wallet",
    )
    assert public.accounts_of_user(user_id=user_id) == [earnings, wallet, zar]
    assert services.platform_account(code="treasury", currency="AZR") == services.platform_account(
        code="treasury", currency="AZR"
    )
    mint = services.platform_account(code="mint", currency="AZR")
    assert (mint.kind, mint.may_go_negative, mint.owner_id) == ("equity", True, None)
    organisation_id = uuid.uuid4()
    credits = services.organisation_account(organisation_id=organisation_id, code="credits", currency="ZAR")
    assert services.organisation_account(organisation_id=organisation_id, code="credits", currency="ZAR") == credits


def test_fund_helper_leaves_the_ledger_reconciled() -> None:
    wallet = AccountFactory(currency="ZAR")
    fund(wallet, 12_34)
    assert public.balance(account_id=wallet.id).posted == Money(12_34, "ZAR")
    assert public.reconcile().is_clean


def test_earnings_currencies_come_from_the_settings() -> None:
    assert public.earnings_currencies() == ("ZAR", "USD")


def test_the_totals_update_names_the_accounts_table() -> None:
    # services._SAVE_TOTALS_SQL is a constant statement; it must follow the model's table.
    assert Account._meta.db_table == "finance_account"
    assert services._SAVE_TOTALS_SQL.startswith("UPDATE finance_account SET")
