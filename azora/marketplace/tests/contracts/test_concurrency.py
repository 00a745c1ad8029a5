"""Races on PostgreSQL's row locks: funding, releasing and canceling at once move the money once."""

from __future__ import annotations

import pytest

from azora.finance.models import Transfer
from azora.marketplace.public import contract_cancel, milestone_fund, milestone_release
from azora.marketplace.tests.contracts.conftest import assert_reconciled, earnings, make_deal, top_up, wallet
from azora.shared.testing.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_fundings_of_one_milestone_at_once_hold_it_once() -> None:
    deal = make_deal()
    top_up(deal.client, 1_000_000)

    outcomes = race(
        lambda: milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet"),
        lambda: milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet"),
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["FundResult", "MilestoneStateInvalid"]
    assert Transfer.objects.filter(kind="marketplace_escrow").count() == 1
    assert wallet(deal.client) == (1_000_000, 200_000, 800_000)
    assert_reconciled()


def test_a_release_and_a_cancel_at_once_pay_or_refund_never_both() -> None:
    deal = make_deal()
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")

    outcomes = race(
        lambda: milestone_release(actor_id=deal.client.id, milestone_id=deal.first),
        lambda: contract_cancel(actor_id=deal.seller.id, contract_id=deal.contract_id, reason="Race"),
    )

    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds in (["ContractNotActive", "ContractView"], ["ContractView", "MilestoneView"])
    if "MilestoneView" in kinds:  # released first, then the cancel ended the contract
        assert (earnings(deal.seller), wallet(deal.client)) == ((195_000, 0, 195_000), (0, 0, 0))
    else:  # canceled first: the hold was voided, the release refused
        assert (earnings(deal.seller), wallet(deal.client)) == ((0, 0, 0), (200_000, 0, 200_000))
    assert_reconciled()
