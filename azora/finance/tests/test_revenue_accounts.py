"""The accounts the revenue engine posts to: a user's "earnings_held" and the platform's AZR "rewards_pool"."""

from __future__ import annotations

import uuid

import pytest

from azora.finance import errors, public, services
from azora.finance.tests.factories import UserFactory, fund, ledger_snapshot, posting
from azora.shared.money import Money

pytestmark = pytest.mark.django_db

SUPPLY_MINOR = 1_000_000_000 * 100


def test_held_earnings_are_a_liability_of_their_own_that_may_not_go_negative() -> None:
    user = UserFactory()
    held = public.user_held_earnings_account(user_id=user.id, currency="ZAR")
    assert (held.owner_type, held.owner_id, held.code, held.currency) == ("user", user.id, "earnings_held", "ZAR")
    assert (held.kind, held.may_go_negative, held.name) == ("liability", False, "Earnings on hold (ZAR)")
    assert public.user_held_earnings_account(user_id=user.id, currency="ZAR") == held
    released = public.user_earnings_account(user_id=user.id, currency="ZAR")
    assert released.id != held.id
    assert [account.code for account in public.accounts_of_user(user_id=user.id)] == ["earnings", "earnings_held"]


def test_held_earnings_cannot_be_released_beyond_what_they_hold() -> None:
    user = UserFactory()
    held = public.user_held_earnings_account(user_id=user.id, currency="ZAR")
    released = public.user_earnings_account(user_id=user.id, currency="ZAR")
    fund(held, 100_00)
    before = ledger_snapshot()
    with pytest.raises(errors.InsufficientFunds):
        services.transfer_post(
            transfer_id=uuid.uuid4(), kind="earnings_release", reason="Release", reference="test",
            postings=[posting(held, "debit", 100_01), posting(released, "credit", 100_01)],
        )  # fmt: skip
    assert ledger_snapshot() == before


def test_held_earnings_refuse_an_unknown_currency() -> None:
    with pytest.raises(errors.UnknownCurrency):
        public.user_held_earnings_account(user_id=UserFactory().id, currency="XXX")


def test_the_rewards_pool_is_azr_equity_that_may_not_go_negative() -> None:
    pool = public.platform_account(code="rewards_pool", currency="AZR")
    assert (pool.owner_type, pool.owner_id, pool.code, pool.currency) == ("platform", None, "rewards_pool", "AZR")
    assert (pool.kind, pool.may_go_negative, pool.name) == ("equity", False, "Rewards pool (AZR)")
    assert public.platform_account(code="rewards_pool", currency="AZR") == pool


def test_the_rewards_pool_exists_in_azr_only_and_a_refusal_creates_nothing() -> None:
    before = ledger_snapshot()
    with pytest.raises(errors.CurrencyMismatch):
        public.platform_account(code="rewards_pool", currency="ZAR")
    assert ledger_snapshot() == before


def test_rewards_funded_from_the_treasury_keep_the_supply_and_the_pool_never_overpays() -> None:
    treasury = public.platform_account(code="treasury", currency="AZR")
    pool = public.platform_account(code="rewards_pool", currency="AZR")
    wallet = public.user_wallet(user_id=UserFactory().id)
    services.transfer_post(
        transfer_id=uuid.uuid4(), kind="rewards_pool_fund", reason="Fund the rewards pool", reference="test",
        postings=[posting(treasury, "debit", 10_000_00), posting(pool, "credit", 10_000_00)],
    )  # fmt: skip
    services.transfer_post(
        transfer_id=uuid.uuid4(), kind="reward", reason="Course completed", reference="test",
        postings=[posting(pool, "debit", 150_00), posting(wallet, "credit", 150_00)],
    )  # fmt: skip
    assert public.balance(account_id=pool.id).posted == Money(9_850_00, "AZR")
    assert public.balance(account_id=wallet.id).posted == Money(150_00, "AZR")
    assert public.balance(account_id=treasury.id).posted == Money(SUPPLY_MINOR - 10_000_00, "AZR")
    before = ledger_snapshot()
    with pytest.raises(errors.InsufficientFunds):
        services.transfer_post(
            transfer_id=uuid.uuid4(), kind="reward", reason="Too much", reference="test",
            postings=[posting(pool, "debit", 9_850_01), posting(wallet, "credit", 9_850_01)],
        )  # fmt: skip
    assert ledger_snapshot() == before
    report = public.reconcile()
    assert report.is_clean, report.differences
