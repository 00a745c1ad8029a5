"""Payouts of released earnings: held, sent through the sandbox payout provider, then settled or returned."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from azora.accounts.models import User
from azora.finance import errors, public, services
from azora.finance.adapters.payouts import PayoutError, PayoutOrder, PayoutResult, SandboxPayoutProvider
from azora.finance.models import Payout, SandboxPayout, Transfer
from azora.finance.tests.factories import UserFactory, fund, ledger_snapshot
from azora.shared.models import OutboxEvent
from azora.shared.money import Money
from azora.shared.testing.concurrency import race_errors

pytestmark = pytest.mark.django_db

PAID = "000123456789"
CLOSED = "000111111113"
NO_ACCOUNT = "000111111116"
LATER = "000555555559"


def zar(minor: int) -> Money:
    return Money(minor, "ZAR")


def bank(number: str = PAID, **fields: str) -> dict[str, str]:
    return {"type": "bank_account", "account_number": number, "bank_code": "250655", "account_holder": "Thandi Nkosi",
            **fields}  # fmt: skip


def instructor(released: int = 500_00, *, currency: str = "ZAR") -> User:
    user: User = UserFactory()
    if released:
        fund(public.user_earnings_account(user_id=user.id, currency=currency), released)
    return user


def available(user: User, currency: str = "ZAR") -> int:
    account = public.user_earnings_account(user_id=user.id, currency=currency)
    return public.balance(account_id=account.id).available.minor


def request(user: User, minor: int, number: str = PAID, *, payout_id: uuid.UUID | None = None) -> public.PayoutView:
    return public.payout_request(
        payout_id=payout_id or uuid.uuid4(), user_id=user.id, amount=zar(minor), destination=bank(number)
    )


def events(event_type: str) -> list[dict[str, Any]]:
    return list(OutboxEvent.objects.filter(event_type=event_type).order_by("id").values_list("payload", flat=True))


def everything() -> dict[str, Any]:
    return {
        "ledger": ledger_snapshot(),
        "payouts": sorted(Payout.objects.values_list("id", "status")),
        "sandbox": SandboxPayout.objects.count(),
    }


# --- the minimum ------------------------------------------------------------------------------------------


def test_the_minimum_is_r100_by_default() -> None:
    assert public.payout_minimum(currency="ZAR") == zar(100_00)


@override_settings(AZORA_REVENUE_PAYOUT_MINIMUM="ZAR:250.00, NGN:5000")
def test_the_minimum_is_configured_per_currency_as_text() -> None:
    assert public.payout_minimum(currency="ZAR") == zar(250_00)
    assert public.payout_minimum(currency="NGN") == Money(5000_00, "NGN")


@override_settings(AZORA_REVENUE_PAYOUT_MINIMUM={"USD": "10.00"})
def test_a_currency_without_a_minimum_has_no_payouts() -> None:
    assert public.payout_minimum(currency="USD") == Money(10_00, "USD")
    with pytest.raises(errors.PayoutCurrencyNotSupported):
        public.payout_minimum(currency="ZAR")


# --- outcomes ---------------------------------------------------------------------------------------------


def test_a_paid_payout_settles_its_hold_and_publishes_payout_paid() -> None:
    user = instructor(500_00)
    payout = request(user, 150_00)
    assert (payout.status, payout.amount, payout.destination_label, payout.failure_code) == (
        "paid", zar(150_00), "Bank 250655 ••••6789", None,
    )  # fmt: skip
    assert payout.paid_at is not None
    assert (payout.user_id, payout.provider) == (user.id, "sandbox")
    hold = Transfer.objects.get(reference=f"payout:{payout.id}")
    assert hold.id == payout.ledger_transfer_id
    assert (hold.kind, hold.status, hold.reference, hold.is_two_phase) == (
        "payout",
        "posted",
        f"payout:{payout.id}",
        True,
    )
    earnings = public.user_earnings_account(user_id=user.id, currency="ZAR")
    clearing = public.platform_account(code="payouts:sandbox", currency="ZAR")
    assert public.balance(account_id=earnings.id).posted == zar(350_00)
    assert public.balance(account_id=earnings.id).held == zar(0)
    assert public.balance(account_id=clearing.id).posted == zar(150_00)
    [paid] = events("finance.payout_paid")
    assert (paid["payout_id"], paid["user_id"], paid["amount"], paid["provider"]) == (
        str(payout.id), str(user.id), {"minor": 150_00, "currency": "ZAR"}, "sandbox",
    )  # fmt: skip
    assert events("finance.payout_failed") == []
    row = Payout.objects.get(pk=payout.id)
    assert PAID not in " ".join(str(value) for value in row.__dict__.values())
    assert SandboxPayout.objects.get(reference=str(payout.id)).account_last4 == "6789"
    assert public.reconcile().is_clean


@pytest.mark.parametrize(("number", "code"), [(CLOSED, "account_closed"), (NO_ACCOUNT, "no_account")])
def test_a_failed_payout_voids_its_hold_and_returns_the_funds(number: str, code: str) -> None:
    user = instructor(500_00)
    payout = request(user, 200_00, number)
    assert (payout.status, payout.failure_code, payout.paid_at) == ("failed", code, None)
    assert payout.failure_message
    assert Transfer.objects.get(reference=f"payout:{payout.id}").status == "voided"
    earnings = public.user_earnings_account(user_id=user.id, currency="ZAR")
    assert public.balance(account_id=earnings.id) == public.BalanceView(
        account_id=earnings.id, currency="ZAR", posted=zar(500_00), held=zar(0), available=zar(500_00)
    )
    [failed] = events("finance.payout_failed")
    assert (failed["payout_id"], failed["failure_code"]) == (str(payout.id), code)
    assert events("finance.payout_paid") == []
    assert public.reconcile().is_clean


def test_a_payout_the_bank_answers_later_stays_held_until_the_sync_job_asks() -> None:
    user = instructor(500_00)
    payout = request(user, 300_00, LATER)
    assert payout.status == "pending"
    assert available(user) == 200_00  # held, not spendable
    assert services.pending_payouts_sync() == 0  # not old enough to ask about
    assert services.pending_payouts_sync(now=timezone.now() + timedelta(minutes=6)) == 0  # the bank has not answered
    SandboxPayoutProvider().settle(reference=str(payout.id))
    assert services.pending_payouts_sync(now=timezone.now() + timedelta(minutes=6)) == 1
    assert public.payouts_of(user_id=user.id).items[0].status == "paid"
    assert len(events("finance.payout_paid")) == 1
    assert public.reconcile().is_clean


class UnreachableProvider(SandboxPayoutProvider):
    """The provider's network is down: nothing reaches it, and the caller cannot know the outcome."""

    def send(self, order: PayoutOrder) -> PayoutResult:
        raise PayoutError("The payout provider could not be reached.", retryable=True)


def test_an_unreachable_provider_leaves_the_payout_pending_and_the_sync_returns_the_funds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = instructor(500_00)
    monkeypatch.setattr(services, "_payout_provider", lambda name: UnreachableProvider())
    payout = request(user, 100_00)
    assert payout.status == "pending"
    assert available(user) == 400_00
    monkeypatch.undo()
    view = services.payout_sync(payout_id=payout.id)
    assert (view.status, view.failure_code) == ("failed", "payout_not_received")
    assert available(user) == 500_00
    assert public.reconcile().is_clean


# --- idempotency --------------------------------------------------------------------------------------------


def test_the_same_payout_id_pays_once() -> None:
    user = instructor(500_00)
    payout_id = uuid.uuid4()
    first = request(user, 150_00, payout_id=payout_id)
    before = everything()
    again = request(user, 150_00, payout_id=payout_id)
    assert again == first
    assert everything() == before
    assert available(user) == 350_00


def test_the_same_payout_id_with_another_request_is_refused_and_changes_nothing() -> None:
    user, other = instructor(500_00), instructor(500_00)
    payout_id = uuid.uuid4()
    request(user, 150_00, payout_id=payout_id)
    before = everything()
    with pytest.raises(errors.PayoutIdReused):
        request(user, 160_00, payout_id=payout_id)
    with pytest.raises(errors.PayoutIdReused):
        public.payout_request(
            payout_id=payout_id, user_id=user.id, amount=zar(150_00), destination=bank("000999888777")
        )
    with pytest.raises(errors.PayoutIdReused):
        request(other, 150_00, payout_id=payout_id)
    assert everything() == before


# --- refusals: nothing changes --------------------------------------------------------------------------------


def test_a_payout_above_the_available_balance_is_refused_with_what_is_available() -> None:
    user = instructor(500_00)
    request(user, 300_00, LATER)  # holds 300.00 of the 500.00
    before = everything()
    with pytest.raises(errors.PayoutExceedsAvailable) as caught:
        request(user, 200_01)
    assert caught.value.status == 409
    assert caught.value.extra == {"available": "200.00", "currency": "ZAR", "available_minor": 200_00}
    assert everything() == before


def test_held_earnings_are_not_released_earnings() -> None:
    user = instructor(0)
    fund(public.user_held_earnings_account(user_id=user.id, currency="ZAR"), 1_000_00)
    before = everything()
    with pytest.raises(errors.PayoutExceedsAvailable) as caught:
        request(user, 100_00)
    assert caught.value.extra["available_minor"] == 0
    assert everything() == before


def test_without_any_earnings_account_nothing_is_created() -> None:
    user = instructor(0)
    before = everything()
    with pytest.raises(errors.PayoutExceedsAvailable):
        request(user, 100_00)
    assert everything() == before
    assert public.accounts_of_user(user_id=user.id) == []


@pytest.mark.parametrize(
    ("amount", "destination", "error"),
    [
        (zar(99_99), bank(), errors.PayoutBelowMinimum),
        (zar(0), bank(), errors.InvalidAmount),
        (zar(-100_00), bank(), errors.InvalidAmount),
        (Money(500_00, "USD"), bank(), errors.PayoutCurrencyNotSupported),
        (zar(150_00), bank("12-AB"), errors.InvalidPayoutDestination),
        (zar(150_00), bank(account_holder=" "), errors.InvalidPayoutDestination),
        (zar(150_00), bank(bank_code="x"), errors.InvalidPayoutDestination),
        (zar(150_00), {"type": "card", "number": "4242424242424242"}, errors.InvalidPayoutDestination),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    amount: Money, destination: dict[str, str], error: type[Exception]
) -> None:
    user = instructor(500_00)
    fund(public.user_earnings_account(user_id=user.id, currency="USD"), 500_00)
    before = everything()
    with pytest.raises(error):
        public.payout_request(payout_id=uuid.uuid4(), user_id=user.id, amount=amount, destination=destination)
    assert everything() == before


# --- listing ----------------------------------------------------------------------------------------------------


def test_payouts_of_lists_the_users_own_newest_first_a_page_at_a_time() -> None:
    user, other = instructor(1_000_00), instructor(500_00)
    first = request(user, 100_00)
    second = request(user, 100_00, CLOSED)
    third = request(user, 100_00)
    request(other, 100_00)
    page = public.payouts_of(user_id=user.id, limit=2)
    assert [payout.id for payout in page.items] == [third.id, second.id]
    assert page.next_cursor is not None
    rest = public.payouts_of(user_id=user.id, cursor=page.next_cursor, limit=2)
    assert ([payout.id for payout in rest.items], rest.next_cursor) == ([first.id], None)
    assert public.payouts_of(user_id=uuid.uuid4()).items == []


# --- concurrency (PostgreSQL) ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_payouts_cannot_pay_out_more_than_the_released_earnings() -> None:
    user = instructor(500_00)
    outcomes = race_errors(*(lambda: request(user, 200_00) for _ in range(4)))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "NoneType", "NoneType", "PayoutExceedsAvailable", "PayoutExceedsAvailable",
    ]  # fmt: skip
    assert Payout.objects.filter(status="paid").count() == 2
    assert Payout.objects.count() == 2
    assert available(user) == 100_00
    assert public.reconcile().is_clean


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_requests_with_one_payout_id_pay_once() -> None:
    user = instructor(500_00)
    payout_id = uuid.uuid4()
    outcomes = race_errors(*(lambda: request(user, 150_00, payout_id=payout_id) for _ in range(4)))
    assert outcomes == [None, None, None, None]
    assert Payout.objects.count() == 1
    assert available(user) == 350_00
    assert len(events("finance.payout_paid")) == 1
