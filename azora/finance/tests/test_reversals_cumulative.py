"""Successive partial reversals: rounded cumulatively, so together they never exceed a leg and the whole is exact."""

from __future__ import annotations

import itertools
import uuid
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azora.finance import errors, public, services
from azora.finance.models import Posting, Transfer
from azora.finance.services import _Leg, reversal_legs
from azora.finance.tests.factories import AccountFactory, ledger_snapshot, posting, wallet_with


def card_payment(gross: int = 200_00, fee: int = 6_10) -> tuple[public.TransferView, dict[str, public.AccountView]]:
    """The shape of a card payment: clearing and the provider fee debited, the payer's wallet credited."""
    clearing = services.platform_account(code="clearing:test", currency="ZAR")
    fees = services.platform_account(code="provider_fees:test", currency="ZAR")
    wallet = AccountFactory(code="wallet", currency="ZAR")
    view = services.transfer_post(
        transfer_id=uuid.uuid4(), kind="payment", reason="Card payment", reference="intent:1",
        postings=[
            posting(clearing, "debit", gross - fee), posting(fees, "debit", fee), posting(wallet, "credit", gross),
        ],
    )  # fmt: skip
    return view, {"clearing": clearing, "fees": fees, "wallet": wallet}


def posted(account: public.AccountView) -> int:
    return public.balance(account_id=account.id).posted.minor


def amounts(view: public.TransferView) -> dict[tuple[uuid.UUID, str], int]:
    return {(leg.account_id, leg.side): leg.amount.minor for leg in view.postings}


@pytest.mark.django_db
def test_a_quarter_then_the_rest_takes_back_each_leg_exactly() -> None:
    # ¼ alone rounds 19 390 / 610 to 4 848 / 152 and ¾ alone to 14 543 / 457: 19 391 from a leg of 19 390.
    view, accounts = card_payment()
    first = services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=50_00, denominator=200_00
    )
    clearing, fees, wallet = accounts["clearing"].id, accounts["fees"].id, accounts["wallet"].id
    assert amounts(first) == {(clearing, "credit"): 48_48, (fees, "credit"): 1_52, (wallet, "debit"): 50_00}
    rest = services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=150_00, denominator=200_00
    )
    assert amounts(rest) == {(clearing, "credit"): 145_42, (fees, "credit"): 4_58, (wallet, "debit"): 150_00}
    assert rest.metadata["numerator"] == 150_00
    assert rest.metadata["denominator"] == 200_00
    assert [posted(accounts[name]) for name in ("clearing", "fees", "wallet")] == [0, 0, 0]
    assert public.reconcile().is_clean


@pytest.mark.django_db
def test_fractions_over_different_denominators_add_up() -> None:
    view, accounts = card_payment(10_01, 1_00)
    for numerator, denominator in ((1, 3), (1, 6), (1, 2)):
        services.transfer_reverse(
            transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund",
            numerator=numerator, denominator=denominator,
        )  # fmt: skip
    assert [posted(accounts[name]) for name in ("clearing", "fees", "wallet")] == [0, 0, 0]


@pytest.mark.django_db
def test_reversing_beyond_the_whole_is_refused_and_writes_nothing() -> None:
    view, _ = card_payment()
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=3, denominator=4
    )
    before = ledger_snapshot()
    with pytest.raises(errors.ReversalNotAllowed):
        services.transfer_reverse(
            transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=26, denominator=100
        )
    assert ledger_snapshot() == before


@pytest.mark.django_db
def test_a_repeated_id_returns_the_first_result_even_after_the_whole_was_reversed() -> None:
    view, _ = card_payment()
    transfer_id = uuid.uuid4()
    first = services.transfer_reverse(
        transfer_id=transfer_id, original_transfer_id=view.id, reason="Refund", numerator=1, denominator=4
    )
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=3, denominator=4
    )
    again = services.transfer_reverse(
        transfer_id=transfer_id, original_transfer_id=view.id, reason="Refund", numerator=1, denominator=4
    )
    assert amounts(again) == amounts(first)
    assert Transfer.objects.filter(reverses_id=view.id).count() == 2


def test_largest_remainder_is_not_monotone_so_targets_are_clamped() -> None:
    # At ½ the tie gives the first leg its cent (2 of 3); at 11/20 the second leg's remainder is larger, so plain
    # largest remainder would give the first leg 1, less than it already gave back.
    first, second = uuid.uuid4(), uuid.uuid4()
    source = uuid.uuid4()
    original = [_Leg(first, "credit", 3, "ZAR"), _Leg(second, "credit", 7, "ZAR"), _Leg(source, "debit", 10, "ZAR")]
    half = reversal_legs(original, 1, 2)
    assert {(leg.account_id, leg.amount) for leg in half} == {(first, 2), (second, 3), (source, 5)}
    already = {(leg.account_id, leg.side): leg.amount for leg in half}
    later = reversal_legs(original, 11, 20, already)
    assert {(leg.account_id, leg.side, leg.amount) for leg in later} == set()  # 5.5 rounds to 5: nothing more yet
    rest = reversal_legs(original, 1, 1, already)
    assert {(leg.account_id, leg.side, leg.amount) for leg in rest} == {
        (first, "debit", 1), (second, "debit", 4), (source, "credit", 5),
    }  # fmt: skip


legs_strategy = st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6)


@st.composite
def partial_refunds(draw: st.DrawFn) -> tuple[int, list[int]]:
    """A denominator and a random split of it into successive refunds (numerators adding up to it)."""
    denominator = draw(st.integers(min_value=1, max_value=10**6))
    cuts = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=denominator - 1), max_size=8)) if denominator > 1 else []
    )
    bounds = [0, *cuts, denominator]
    return denominator, [high - low for low, high in itertools.pairwise(bounds)]


@settings(max_examples=400, deadline=None)
@given(debits=legs_strategy, credit_weights=legs_strategy, refunds=partial_refunds())
def test_successive_reversals_never_exceed_a_leg_and_the_whole_is_exact(
    debits: list[int], credit_weights: list[int], refunds: tuple[int, list[int]]
) -> None:
    total = sum(debits)
    credits = [total * weight // sum(credit_weights) for weight in credit_weights[:-1]]
    credits.append(total - sum(credits))
    original = [_Leg(uuid.uuid4(), "debit", amount, "ZAR") for amount in debits] + [
        _Leg(uuid.uuid4(), "credit", amount, "ZAR") for amount in credits if amount > 0
    ]
    moved = {(leg.account_id, "credit" if leg.side == "debit" else "debit"): leg.amount for leg in original}
    denominator, numerators = refunds
    taken: dict[tuple[uuid.UUID, str], int] = {}
    reversed_fraction = Fraction(0)
    for numerator in numerators:
        reversed_fraction += Fraction(numerator, denominator)
        legs = reversal_legs(original, reversed_fraction.numerator, reversed_fraction.denominator, taken)
        assert all(leg.amount > 0 for leg in legs)
        debit_total = sum(leg.amount for leg in legs if leg.side == "debit")
        assert debit_total == sum(leg.amount for leg in legs if leg.side == "credit")
        for leg in legs:
            key = (leg.account_id, leg.side)
            taken[key] = taken.get(key, 0) + leg.amount
            assert taken[key] <= moved[key]
        # The cumulative total of a side is the whole fraction rounded down, never more.
        assert sum(amount for (_, side), amount in taken.items() if side == "debit") == int(total * reversed_fraction)
    assert taken == {key: amount for key, amount in moved.items()}


@pytest.mark.django_db
def test_a_leg_to_one_account_twice_is_reversed_as_one() -> None:
    buyer = wallet_with(10_00, currency="ZAR")
    seller = AccountFactory(code="earnings", currency="ZAR")
    view = services.transfer_post(
        transfer_id=uuid.uuid4(), kind="purchase", reason="Two items", reference="",
        postings=[posting(buyer, "debit", 10_00), posting(seller, "credit", 3_33), posting(seller, "credit", 6_67)],
    )  # fmt: skip
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=1, denominator=3
    )
    services.transfer_reverse(
        transfer_id=uuid.uuid4(), original_transfer_id=view.id, reason="Refund", numerator=2, denominator=3
    )
    assert (posted(buyer), posted(seller)) == (10_00, 0)
    assert Posting.objects.filter(transfer__reverses_id=view.id, account_id=seller.id).count() == 2
