"""transfer_reverse: mirror images scaled with largest-remainder rounding, never more than the original."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.finance import errors, public, services
from azora.finance.events import TransferReversed
from azora.finance.services import _Leg, reversal_legs, scale_largest_remainder
from azora.finance.tests.factories import AccountFactory, ledger_snapshot, posting, wallet_with
from azora.shared.models import OutboxEvent
from azora.shared.money import Money


def zar(minor: int) -> Money:
    return Money(minor, "ZAR")


def purchase(minor_total: int = 100_00) -> tuple[public.TransferView, dict[str, public.AccountView]]:
    """A ZAR purchase split three ways: seller 70%, platform revenue 20%, provider fee 10% (of the clearing)."""
    buyer = wallet_with(minor_total, currency="ZAR")
    seller = AccountFactory(code="earnings", currency="ZAR")
    revenue = services.platform_account(code="revenue:sales", currency="ZAR")
    fees = services.platform_account(code="fees:test", currency="ZAR")
    seller_part, revenue_part = minor_total * 7 // 10, minor_total * 2 // 10
    view = services.transfer_post(
        transfer_id=uuid.uuid4(), kind="purchase", reason="Course purchase", reference="course:9",
        postings=[
            posting(buyer, "debit", minor_total), posting(seller, "credit", seller_part),
            posting(revenue, "credit", revenue_part), posting(fees, "credit", minor_total - seller_part - revenue_part),
        ],
    )  # fmt: skip
    return view, {"buyer": buyer, "seller": seller, "revenue": revenue, "fees": fees}


def posted(account: public.AccountView) -> int:
    return public.balance(account_id=account.id).posted.minor


@pytest.mark.django_db
def test_a_full_reversal_restores_every_balance() -> None:
    view, accounts = purchase()
    reversal = services.transfer_reverse(transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund")
    assert reversal.reverses_id == view.id
    assert reversal.kind == "reversal"
    assert [posted(accounts[name]) for name in ("buyer", "seller", "revenue", "fees")] == [100_00, 0, 0, 0]
    assert OutboxEvent.objects.filter(event_type=TransferReversed.event_type).count() == 1
    assert public.reconcile().is_clean


@pytest.mark.django_db
def test_a_partial_reversal_rounds_so_that_it_balances() -> None:
    view, accounts = purchase(10_01)  # seller 7.00, revenue 2.00, fees 1.01
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Partial refund", numerator=1, denominator=3
    )
    # 10.01 / 3 = 3.33 back to the buyer, taken as seller 2.33, revenue 0.67 and fees 0.33 (largest remainder).
    assert posted(accounts["buyer"]) == 3_33
    assert (
        7_00 - posted(accounts["seller"]) + 2_00 - posted(accounts["revenue"]) + 1_01 - posted(accounts["fees"]) == 3_33
    )
    assert public.reconcile().is_clean


@pytest.mark.django_db
def test_reversals_together_never_exceed_the_original() -> None:
    view, accounts = purchase()
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Half", numerator=1, denominator=2
    )
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="The other half", numerator=1, denominator=2
    )
    before = ledger_snapshot()
    with pytest.raises(errors.ReversalNotAllowed):
        services.transfer_reverse(
            transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Too much", numerator=1, denominator=100
        )
    assert ledger_snapshot() == before
    assert posted(accounts["buyer"]) == 100_00


@pytest.mark.django_db
def test_a_reversal_is_idempotent_and_refuses_a_reused_id() -> None:
    view, accounts = purchase()
    transfer_id = uuid.uuid4()
    first = services.transfer_reverse(
        transfer_id=transfer_id, original_transfer_id=view.id, reason="Refund", numerator=1, denominator=4
    )
    before = ledger_snapshot()
    again = services.transfer_reverse(
        transfer_id=transfer_id, original_transfer_id=view.id, reason="Refund", numerator=1, denominator=4
    )
    assert again == first
    assert ledger_snapshot() == before
    with pytest.raises(errors.TransferIdReused):
        services.transfer_reverse(
            transfer_id=transfer_id, original_transfer_id=view.id, reason="Refund", numerator=1, denominator=2
        )
    assert posted(accounts["buyer"]) == 25_00


@pytest.mark.django_db
def test_bad_reversals_are_refused_and_write_nothing() -> None:
    view, _ = purchase()
    source, target = wallet_with(5_00), AccountFactory()
    pending = services.transfer_hold(
        transfer_id=uuid.uuid4(), kind="escrow", reason="Held", reference="",
        postings=[posting(source, "debit", 1_00), posting(target, "credit", 1_00)],
        expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"numerator": 0}, errors.InvalidAmount),
        ({"numerator": 3, "denominator": 2}, errors.InvalidAmount),
        ({"numerator": 1, "denominator": 0}, errors.InvalidAmount),
        ({"numerator": True}, errors.InvalidAmount),
        ({"numerator": 1, "denominator": 10**9}, errors.InvalidAmount),  # rounds to nothing
        ({"reason": ""}, errors.InvalidTransfer),
        ({"original_transfer_id": uuid.uuid4()}, errors.TransferNotFound),
        ({"original_transfer_id": pending.id}, errors.ReversalNotAllowed),
    ]
    for change, error in cases:
        arguments: dict[str, Any] = {
            "transfer_id": uuid.uuid4(),
            "original_transfer_id": view.id,
            "reason": "Refund",
            **change,
        }
        before = ledger_snapshot()
        with pytest.raises(error):
            services.transfer_reverse(**arguments)
        assert ledger_snapshot() == before, change


@pytest.mark.django_db
def test_a_reversal_cannot_overdraw_an_account_that_spent_the_money() -> None:
    view, accounts = purchase()
    # The seller withdraws all earnings; a refund now would push the earnings account below zero.
    payouts = services.platform_account(code="payouts:bank", currency="ZAR")
    services.transfer_post(
        transfer_id=uuid.uuid4(), kind="payout", reason="Payout", reference="",
        postings=[posting(accounts["seller"], "debit", 70_00), posting(payouts, "credit", 70_00)],
    )  # fmt: skip
    before = ledger_snapshot()
    with pytest.raises(errors.InsufficientFunds):
        services.transfer_reverse(transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund")
    assert ledger_snapshot() == before


def test_scaling_examples() -> None:
    assert scale_largest_remainder([7_00, 2_00, 1_01], 1, 3) == [2_33, 67, 33]
    assert scale_largest_remainder([1, 1, 1], 1, 2) == [1, 0, 0]
    assert scale_largest_remainder([5, 5], 1, 1) == [5, 5]
    assert scale_largest_remainder([], 1, 2) == []


amounts = st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    debits=amounts,
    credit_weights=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=8),
    fraction=st.integers(min_value=1, max_value=10**6).flatmap(
        lambda denominator: st.tuples(st.integers(min_value=1, max_value=denominator), st.just(denominator))
    ),
)
def test_a_scaled_reversal_always_balances_and_never_exceeds_the_original(
    debits: list[int], credit_weights: list[int], fraction: tuple[int, int]
) -> None:
    total = sum(debits)
    # Split the same total over the credits, in proportion to random weights (the last takes the rest).
    credits = [total * weight // sum(credit_weights) for weight in credit_weights[:-1]]
    credits.append(total - sum(credits))
    if any(amount <= 0 for amount in credits):
        return
    original = [_Leg(uuid.uuid4(), "debit", amount, "AZR") for amount in debits] + [
        _Leg(uuid.uuid4(), "credit", amount, "AZR") for amount in credits
    ]
    numerator, denominator = fraction
    legs = reversal_legs(original, numerator, denominator)
    debit_total = sum(leg.amount for leg in legs if leg.side == "debit")
    credit_total = sum(leg.amount for leg in legs if leg.side == "credit")
    assert debit_total == credit_total == total * numerator // denominator
    by_account = {leg.account_id: leg for leg in original}
    for leg in legs:
        source = by_account[leg.account_id]
        assert leg.side != source.side
        assert 0 < leg.amount <= source.amount
        # Largest remainder: each part is its exact share rounded down or up, never further off.
        assert abs(leg.amount * denominator - source.amount * numerator) < denominator
