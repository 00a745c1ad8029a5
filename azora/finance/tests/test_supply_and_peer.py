"""The AZR supply (issued once, always conserved), burns on redemption and withdrawal, and peer transfers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import override_settings

from azora.finance import errors, public, services
from azora.finance.models import Transfer
from azora.finance.tests.factories import AccountFactory, UserFactory, ledger_snapshot, wallet_with
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

SUPPLY_MINOR = 1_000_000_000 * 100


def azr(minor: int) -> Money:
    return Money(minor, "AZR")


def posted(account: public.AccountView) -> int:
    return public.balance(account_id=account.id).posted.minor


def circulating() -> int:
    """The AZR held by every account except the mint, from the public balances."""
    from azora.finance.models import Account

    accounts = Account.objects.filter(currency="AZR").exclude(owner_type="platform", code="mint")
    return sum(posted(services.account_view(account)) for account in accounts)


def test_the_supply_is_in_the_treasury_after_migrate_and_issued_once() -> None:
    treasury = services.platform_account(code="treasury", currency="AZR")
    mint = services.platform_account(code="mint", currency="AZR")
    assert posted(treasury) == SUPPLY_MINOR
    assert posted(mint) == -SUPPLY_MINOR
    first = Transfer.objects.get(id=services.SUPPLY_TRANSFER_ID)
    before = ledger_snapshot()
    assert services.supply_issue().id == first.id
    assert services.supply_issue().id == first.id
    assert ledger_snapshot() == before
    assert circulating() == SUPPLY_MINOR


@pytest.mark.django_db(transaction=True)
def test_the_supply_is_issued_again_after_a_flush_by_post_migrate() -> None:
    # transaction=True tests flush the tables, and flush sends post_migrate: the supply is back.
    treasury = services.platform_account(code="treasury", currency="AZR")
    assert posted(treasury) == SUPPLY_MINOR
    assert public.reconcile().is_clean


@override_settings(AZORA_AZR_REDEMPTION_BURN_BPS=200)
def test_a_redemption_burns_two_percent_and_returns_the_rest_to_the_treasury() -> None:
    wallet = wallet_with(100_00)
    user_id = wallet.owner_id
    assert user_id is not None
    treasury = services.platform_account(code="treasury", currency="AZR")
    treasury_before = posted(treasury)
    view = services.burn_for_redemption(
        transfer_id=uuid.uuid4(), user_id=user_id, amount=azr(50_00), reason="Redeemed for a course discount",
        reference="course:1",
    )  # fmt: skip
    burn = services.platform_account(code="burn", currency="AZR")
    assert posted(wallet) == 50_00
    assert posted(burn) == 1_00
    assert posted(treasury) == treasury_before + 49_00
    assert view.kind == "redemption"
    assert view.metadata["burned_minor"] == 1_00
    assert circulating() == SUPPLY_MINOR
    assert public.reconcile().is_clean


def test_a_withdrawal_burns_three_percent() -> None:
    wallet = wallet_with(10_00)
    assert wallet.owner_id is not None
    services.burn_for_withdrawal(
        transfer_id=uuid.uuid4(), user_id=wallet.owner_id, amount=azr(10_00), reason="Withdrawal to bank",
        reference="withdrawal:1",
    )  # fmt: skip
    assert posted(wallet) == 0
    assert posted(services.platform_account(code="burn", currency="AZR")) == 30
    assert posted(services.platform_account(code="withdrawals", currency="AZR")) == 9_70
    assert circulating() == SUPPLY_MINOR


def test_bad_burns_are_refused_and_write_nothing() -> None:
    wallet = wallet_with(1_00)
    assert wallet.owner_id is not None
    before = ledger_snapshot()
    for amount, error in [(azr(1_01), errors.InsufficientFunds), (azr(0), errors.InvalidAmount),
                          (Money(1_00, "ZAR"), errors.CurrencyMismatch)]:  # fmt: skip
        with pytest.raises(error):
            services.burn_for_redemption(
                transfer_id=uuid.uuid4(), user_id=wallet.owner_id, amount=amount, reason="Redeem", reference=""
            )
    with pytest.raises(errors.InsufficientFunds):
        services.burn_for_withdrawal(
            transfer_id=uuid.uuid4(), user_id=uuid.uuid4(), amount=azr(1_00), reason="Nothing there", reference=""
        )
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("amount", "fee"),
    [(1, 1), (1_00, 1), (10_00, 1), (10_01, 2), (12_34, 2), (100_00, 10), (1_000_00, 1_00), (999_999, 1_000)],
)
def test_the_peer_fee_is_a_tenth_of_a_percent_rounded_up_and_at_least_a_cent(amount: int, fee: int) -> None:
    assert services.peer_transfer_fee(amount=azr(amount)) == azr(fee)


@override_settings(AZORA_AZR_PEER_FEE_BPS=50, AZORA_AZR_PEER_FEE_MIN_MINOR=25)
def test_the_peer_fee_is_configurable() -> None:
    assert services.peer_transfer_fee(amount=azr(1_00)) == azr(25)
    assert services.peer_transfer_fee(amount=azr(100_00)) == azr(50)


def test_a_peer_transfer_charges_the_sender_amount_plus_fee() -> None:
    sender = wallet_with(100_00)
    recipient = UserFactory()
    assert sender.owner_id is not None
    view = services.peer_transfer(
        transfer_id=uuid.uuid4(), from_user_id=sender.owner_id, to_user_id=recipient.pk, amount=azr(20_00),
        note="For the textbook",
    )  # fmt: skip
    fees = services.platform_account(code="fees:peer", currency="AZR")
    assert posted(sender) == 79_98
    assert posted(services.user_wallet(user_id=recipient.pk)) == 20_00
    assert posted(fees) == 2
    assert view.kind == "peer"
    assert view.reason == "For the textbook"
    assert view.metadata == {
        "from_user_id": str(sender.owner_id), "to_user_id": str(recipient.pk), "amount_minor": 20_00,
        "fee_minor": 2, "note": "For the textbook",
    }  # fmt: skip
    assert circulating() == SUPPLY_MINOR


def test_bad_peer_transfers_are_refused_and_write_nothing() -> None:
    sender = wallet_with(10_00)
    assert sender.owner_id is not None
    recipient = UserFactory()
    stranger_without_wallet = UserFactory()
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"amount": azr(10_00)}, errors.InsufficientFunds),  # 10.00 + 0.01 fee
        ({"amount": azr(0)}, errors.InvalidAmount),
        ({"amount": azr(-1)}, errors.InvalidAmount),
        ({"amount": Money(1_00, "ZAR")}, errors.CurrencyMismatch),
        ({"to_user_id": sender.owner_id}, errors.InvalidTransfer),
        ({"to_user_id": uuid.uuid4()}, errors.AccountNotFound),
        ({"note": "x" * 281}, errors.InvalidTransfer),
        ({"from_user_id": stranger_without_wallet.pk}, errors.InsufficientFunds),
    ]
    for change, error in cases:
        arguments: dict[str, Any] = {
            "transfer_id": uuid.uuid4(), "from_user_id": sender.owner_id, "to_user_id": recipient.pk,
            "amount": azr(1_00), "note": "", **change,
        }  # fmt: skip
        before = ledger_snapshot()
        with pytest.raises(error):
            services.peer_transfer(**arguments)
        assert ledger_snapshot() == before, change


@override_settings(AZORA_AZR_PEER_DAILY_LIMIT=100)
def test_the_daily_limit_counts_amounts_sent_today_not_fees() -> None:
    sender = wallet_with(1_000_00)
    assert sender.owner_id is not None
    recipient = UserFactory()

    def send(minor: int) -> public.TransferView:
        assert sender.owner_id is not None
        return services.peer_transfer(
            transfer_id=uuid.uuid4(), from_user_id=sender.owner_id, to_user_id=recipient.pk, amount=azr(minor),
            note="",
        )  # fmt: skip

    send(60_00)
    assert public.peer_transfer_limit_remaining(user_id=sender.owner_id) == azr(40_00)
    before = ledger_snapshot()
    with pytest.raises(errors.DailyLimitExceeded) as raised:
        send(40_01)
    assert raised.value.extra == {"remaining_minor": 40_00, "limit_minor": 100_00}
    assert ledger_snapshot() == before
    send(40_00)  # exactly the limit (the fees of both sends are not counted)
    assert public.peer_transfer_limit_remaining(user_id=sender.owner_id) == azr(0)
    with pytest.raises(errors.DailyLimitExceeded):
        send(1)
    # Money received does not count against the recipient's own limit.
    assert public.peer_transfer_limit_remaining(user_id=recipient.pk) == azr(100_00)


def test_a_repeated_peer_transfer_is_applied_once_even_at_the_limit() -> None:
    sender = wallet_with(50_00)
    assert sender.owner_id is not None
    recipient = AccountFactory()
    assert recipient.owner_id is not None
    arguments: dict[str, Any] = {
        "transfer_id": uuid.uuid4(), "from_user_id": sender.owner_id, "to_user_id": recipient.owner_id,
        "amount": azr(10_00), "note": "Thanks",
    }  # fmt: skip
    first = services.peer_transfer(**arguments)
    assert services.peer_transfer(**arguments) == first
    assert posted(sender) == 39_99
    with pytest.raises(errors.TransferIdReused):
        services.peer_transfer(**{**arguments, "note": "Other"})


def test_burns_round_down_to_the_cent() -> None:
    wallet = wallet_with(10_00)
    assert wallet.owner_id is not None
    view = services.burn_for_redemption(
        transfer_id=uuid.uuid4(), user_id=wallet.owner_id, amount=azr(1_25), reason="Redeem", reference=""
    )
    # 2 % of 1.25 AZR is 0.025: 0.02 is burned, 1.23 returns to the treasury.
    assert sorted(p.amount.minor for p in view.postings if p.side == "credit") == [2, 1_23]
    tiny = services.burn_for_redemption(
        transfer_id=uuid.uuid4(), user_id=wallet.owner_id, amount=azr(49), reason="Redeem", reference=""
    )
    # 2 % of 0.49 rounds to nothing: no burn posting at all (postings are always > 0).
    assert [(p.side, p.amount.minor) for p in tiny.postings] == [("debit", 49), ("credit", 49)]
