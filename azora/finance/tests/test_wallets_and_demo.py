"""Every user gets an AZR wallet at sign-up (event subscriber, idempotent); the demo data loads twice safely."""

from __future__ import annotations

import pytest

from azora.accounts import public as accounts
from azora.accounts.events import UserSignedUp
from azora.finance import public
from azora.finance.demo import load_demo_data
from azora.finance.models import Account, Transfer
from azora.finance.models import Posting as PostingRow
from azora.finance.subscribers import create_wallet_on_sign_up
from azora.finance.tests.factories import UserFactory, ledger_snapshot
from azora.shared.demo import registered_loaders
from azora.shared.events import dispatch_event
from azora.shared.models import OutboxEvent
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def test_the_sign_up_event_creates_the_wallet_once() -> None:
    user = UserFactory()
    Account.objects.filter(owner_id=user.pk).delete()
    create_wallet_on_sign_up(UserSignedUp(user_id=user.pk))
    create_wallet_on_sign_up(UserSignedUp(user_id=user.pk))
    wallets = Account.objects.filter(owner_type="user", owner_id=user.pk, code="wallet")
    assert list(wallets.values_list("currency", "kind", "may_go_negative")) == [("AZR", "liability", False)]


def test_dispatching_a_sign_up_runs_the_finance_subscriber() -> None:
    user = UserFactory()
    event = OutboxEvent.objects.filter(event_type=UserSignedUp.event_type, payload__user_id=str(user.pk)).first()
    assert event is not None  # the factory onboards users as sign-up does, which publishes UserSignedUp
    dispatch_event(event.id)
    assert Account.objects.filter(owner_id=user.pk, code="wallet", currency="AZR").count() == 1


def test_user_wallet_is_created_lazily_too() -> None:
    user = UserFactory()
    wallet = public.user_wallet(user_id=user.pk)
    assert public.user_wallet(user_id=user.pk) == wallet
    assert public.balance(account_id=wallet.id).posted == Money(0, "AZR")


def _demo_users() -> None:
    from azora.accounts.demo import load_demo_data as load_accounts

    load_accounts()


def test_the_demo_gives_the_demo_users_azr_and_the_instructor_zar_earnings_once() -> None:
    _demo_users()
    load_demo_data()
    snapshot = ledger_snapshot()
    load_demo_data()
    assert ledger_snapshot() == snapshot
    learner = accounts.active_user_id_by_email(email="learner@azora.local")
    instructor = accounts.active_user_id_by_email(email="instructor@azora.local")
    assert learner is not None
    assert instructor is not None
    assert public.balance(account_id=public.user_wallet(user_id=learner).id).posted == Money(250_00, "AZR")
    assert public.balance(account_id=public.user_wallet(user_id=instructor).id).posted == Money(1_000_00, "AZR")
    earnings = public.user_earnings_account(user_id=instructor, currency="ZAR")
    assert public.balance(account_id=earnings.id).posted == Money(1_250_00, "ZAR")
    reasons = set(Transfer.objects.filter(kind__in=["reward", "earnings"]).values_list("reason", flat=True))
    assert reasons == {
        "Welcome reward for joining Azora (demo)",
        "Launch bonus for publishing a first course (demo)",
        "Course sales (demo)",
    }
    assert PostingRow.objects.filter(transfer__kind__in=["reward", "earnings"]).count() == 6
    assert public.reconcile().is_clean


def test_the_finance_demo_loader_runs_after_accounts() -> None:
    order = {loader.name: loader.order for loader in registered_loaders()}
    assert order["finance"] == 30
    assert order["accounts"] < order["finance"]
