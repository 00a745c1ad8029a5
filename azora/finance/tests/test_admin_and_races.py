"""The ledger's admin pages are read-only; on PostgreSQL, racing sends respect balances, limits and ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from azora.accounts.models import User
from azora.finance import errors, public, services
from azora.finance.models import Account, Payout, Posting, Transfer
from azora.finance.tests.factories import UserFactory, fund, simple_transfer, wallet_with
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors


@pytest.fixture
def operator() -> Client:
    user = User.objects.create_superuser(email="ledger-root@example.test", password="an-operator-password-1")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_ledger_admin_pages_render_and_refuse_changes(operator: Client) -> None:
    wallet = wallet_with(5_00)
    view = simple_transfer(wallet, services.platform_account(code="burn", currency="AZR"), 1_00)
    posting = Posting.objects.filter(transfer_id=view.id).first()
    assert posting is not None
    earnings = services.user_earnings_account(user_id=UserFactory().pk, currency="ZAR")
    fund(earnings, 200_00)
    payout = public.payout_request(
        payout_id=uuid.uuid4(), user_id=earnings.owner_id, amount=Money(100_00, "ZAR"),  # type: ignore[arg-type]  # a user's account has an owner
        destination={"type": "bank_account", "account_number": "000123456789", "bank_code": "250655",
                     "account_holder": "Thandi Nkosi"},
    )  # fmt: skip
    for model, pk in ((Account, wallet.id), (Transfer, view.id), (Posting, posting.pk), (Payout, payout.id)):
        name = model._meta.model_name
        assert operator.get(reverse(f"admin:finance_{name}_changelist")).status_code == 200
        assert operator.get(reverse(f"admin:finance_{name}_change", args=[pk])).status_code == 200
        assert operator.get(reverse(f"admin:finance_{name}_add")).status_code == 403
        assert operator.post(reverse(f"admin:finance_{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    assert Posting.objects.filter(transfer_id=view.id).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(AZORA_AZR_PEER_DAILY_LIMIT=100)
def test_racing_peer_sends_cannot_pass_the_daily_limit_or_the_balance_together() -> None:
    sender = wallet_with(1_000_00)
    assert sender.owner_id is not None
    sender_id = sender.owner_id
    recipients = [UserFactory().pk for _ in range(6)]

    def send(to_user_id: uuid.UUID) -> Callable[[], object]:
        return lambda: services.peer_transfer(
            transfer_id=uuid.uuid4(), from_user_id=sender_id, to_user_id=to_user_id, amount=Money(40_00, "AZR"),
            note="race",
        )  # fmt: skip

    outcomes = race_errors(*(send(recipient) for recipient in recipients))

    # 100 AZR a day: two sends of 40 fit, a third would not.
    assert sum(outcome is None for outcome in outcomes) == 2
    assert all(isinstance(o, errors.DailyLimitExceeded) for o in outcomes if o is not None)
    assert public.balance(account_id=sender.id).posted == Money(1_000_00 - 2 * (40_00 + 4), "AZR")
    assert public.reconcile().is_clean


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_transfers_with_one_id_apply_once_and_never_overdraw() -> None:
    source, target = wallet_with(10_00), wallet_with(0)
    transfer_id = uuid.uuid4()
    same = [lambda: simple_transfer(source, target, 3_00, transfer_id=transfer_id) for _ in range(4)]
    others = [lambda: simple_transfer(source, target, 3_00) for _ in range(4)]

    outcomes = race_errors(*same, *others)

    # Five distinct transfers of 3.00 compete for 10.00: exactly three land, whichever order the race took,
    # and the id shared by four calls lands at most once. Every refusal is for want of funds.
    assert Transfer.objects.filter(kind="test").count() == 3
    assert Transfer.objects.filter(id=transfer_id).count() <= 1
    assert all(isinstance(outcome, errors.InsufficientFunds) for outcome in outcomes if outcome is not None)
    assert sum(outcome is None for outcome in outcomes[4:]) == 3 - Transfer.objects.filter(id=transfer_id).count()
    assert public.balance(account_id=source.id).posted == Money(1_00, "AZR")
    assert public.reconcile().is_clean
