"""Disputes: opened by either party, decided by a platform admin as release, refund or split, each on the ledger
with the decision recorded; refused actions change nothing and write no ledger entry."""

from __future__ import annotations

import uuid

import pytest

from azora.accounts.models import User
from azora.finance import public as finance
from azora.marketplace import errors
from azora.marketplace.models import Dispute
from azora.marketplace.public import (
    contract_cancel,
    contract_get,
    dispute_resolve,
    disputes_list,
    milestone_dispute,
    milestone_fund,
    milestone_release,
    milestone_submit,
    milestones_release_due,
)
from azora.marketplace.services.escrow import hold_transfer_id, split_transfer_id
from azora.marketplace.tests.contracts.conftest import (
    Deal,
    assert_reconciled,
    earnings,
    events,
    fees,
    milestone_status,
    snapshot,
    top_up,
    wallet,
)

pytestmark = pytest.mark.django_db


def disputed(deal: Deal, *, by: User | None = None) -> uuid.UUID:
    """Milestone 1 (R2,000.00) funded from the wallet, submitted, then disputed; returns the dispute id."""
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_submit(actor_id=deal.seller.id, milestone_id=deal.first, note="Done")
    view = milestone_dispute(actor_id=(by or deal.client).id, milestone_id=deal.first, reason="Not what we agreed")
    return view.id


def test_a_dispute_holds_the_money_and_stops_the_auto_release(deal: Deal) -> None:
    dispute_id = disputed(deal)

    dispute = contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id).milestones[0].dispute
    assert dispute is not None
    assert (dispute.id, dispute.status, dispute.reason, dispute.opened_by) == (
        dispute_id,
        "open",
        "Not what we agreed",
        deal.client.id,
    )
    assert milestone_status(deal.first) == "disputed"
    assert wallet(deal.client) == (200_000, 200_000, 0)
    assert milestones_release_due() == 0
    assert len(events("marketplace.dispute_opened")) == 1


def test_an_admin_resolves_a_dispute_as_release(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal, by=deal.seller)

    view = dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="release", note="Work delivered")

    assert (view.status, view.resolution, view.resolved_by, view.decision_note) == (
        "resolved",
        "release",
        admin.id,
        "Work delivered",
    )
    assert view.seller_amount is not None
    assert view.seller_amount.minor == 200_000
    assert milestone_status(deal.first) == "released"
    assert earnings(deal.seller) == (195_000, 0, 195_000)
    assert fees() == (5_000, 0, 5_000)
    assert wallet(deal.client) == (0, 0, 0)
    assert_reconciled()


def test_an_admin_resolves_a_dispute_as_refund(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal)

    view = dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="refund")

    assert (view.resolution, view.seller_amount) == ("refund", view.seller_amount)
    assert view.seller_amount is not None
    assert view.seller_amount.minor == 0
    assert milestone_status(deal.first) == "refunded"
    assert wallet(deal.client) == (200_000, 0, 200_000)
    assert earnings(deal.seller) == (0, 0, 0)
    assert fees() == (0, 0, 0)
    transfer = finance.transfer_get(transfer_id=hold_transfer_id(deal.first))
    assert transfer is not None
    assert transfer.status == "voided"
    assert len(events("marketplace.milestone_refunded")) == 1
    assert_reconciled()


def test_an_admin_splits_a_dispute_voiding_the_hold_and_posting_the_sellers_part(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal)

    view = dispute_resolve(
        admin_id=admin.id, dispute_id=dispute_id, resolution="split", seller_amount="800.10", note="Half done"
    )

    assert view.seller_amount is not None
    assert (view.resolution, view.seller_amount.minor) == ("split", 80_010)
    # Fee on R800.10 at 250 bp = 2000.25 cents -> 2000 (half up): seller 78,010, platform 2,000.
    assert earnings(deal.seller) == (78_010, 0, 78_010)
    assert fees() == (2_000, 0, 2_000)
    assert wallet(deal.client) == (200_000 - 80_010, 0, 200_000 - 80_010)
    hold = finance.transfer_get(transfer_id=hold_transfer_id(deal.first))
    split = finance.transfer_get(transfer_id=split_transfer_id(deal.first))
    assert hold is not None
    assert split is not None
    assert (hold.status, split.status, split.kind) == ("voided", "posted", "marketplace_split")
    contract = contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id)
    first = contract.milestones[0]
    assert (first.status, first.fee.minor, contract.released.minor, contract.held.minor) == ("split", 2_000, 78_010, 0)
    assert [e["resolution"] for e in events("marketplace.dispute_resolved")] == ["split"]
    assert_reconciled()


def test_the_contract_completes_when_the_last_milestone_is_decided(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal)
    top_up(deal.client, 300_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.second, source="wallet")
    milestone_release(actor_id=deal.client.id, milestone_id=deal.second)
    assert contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id).status == "active"

    dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="split", seller_amount_minor=100_000)

    view = contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id)
    assert (view.status, view.released.minor) == ("completed", 292_500 + 97_500)
    assert_reconciled()


@pytest.mark.parametrize(
    ("amount_minor", "amount"),
    [(0, None), (200_000, None), (250_000, None), (-1, None), (None, None), (None, "0.00"), (None, "2000.00"),
     (None, "1.001"), (None, "abc")],
    ids=["zero", "whole", "more", "negative", "missing", "text-zero", "text-whole", "decimals", "not-a-number"],
)  # fmt: skip
def test_a_split_outside_the_milestone_is_refused_and_writes_nothing(
    deal: Deal, admin: User, amount_minor: int | None, amount: str | None
) -> None:
    dispute_id = disputed(deal)
    before = snapshot()

    with pytest.raises(errors.SplitInvalid):
        dispute_resolve(
            admin_id=admin.id,
            dispute_id=dispute_id,
            resolution="split",
            seller_amount_minor=amount_minor,
            seller_amount=amount,
        )

    assert snapshot() == before


def test_only_admins_resolve_and_list_disputes(deal: Deal, stranger: User) -> None:
    dispute_id = disputed(deal)
    before = snapshot()

    for user in (deal.client, deal.seller, stranger):
        with pytest.raises(errors.DisputeNotFound):
            dispute_resolve(admin_id=user.id, dispute_id=dispute_id, resolution="refund")
        with pytest.raises(errors.DisputesAdminOnly):
            disputes_list(admin_id=user.id)

    assert snapshot() == before


def test_resolving_twice_or_badly_is_refused_and_writes_nothing(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal)
    with pytest.raises(errors.ResolutionInvalid):
        dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="coin_toss")
    with pytest.raises(errors.SplitInvalid):
        dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="refund", seller_amount_minor=5)
    with pytest.raises(errors.DisputeNotFound):
        dispute_resolve(admin_id=admin.id, dispute_id=uuid.uuid4(), resolution="refund")
    dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="refund")
    before = snapshot()

    with pytest.raises(errors.DisputeNotOpen):
        dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="release")

    assert snapshot() == before
    assert_reconciled()


def test_disputes_are_listed_for_admins_by_status(deal: Deal, admin: User) -> None:
    dispute_id = disputed(deal)
    assert [d.id for d in disputes_list(admin_id=admin.id)] == [dispute_id]
    dispute_resolve(admin_id=admin.id, dispute_id=dispute_id, resolution="refund")
    assert disputes_list(admin_id=admin.id) == []
    assert [d.id for d in disputes_list(admin_id=admin.id, status="resolved")] == [dispute_id]
    assert [d.id for d in disputes_list(admin_id=admin.id, status=None)] == [dispute_id]


def test_disputing_is_refused_for_strangers_unfunded_milestones_twice_and_without_a_reason(
    deal: Deal, stranger: User
) -> None:
    top_up(deal.client, 200_000)
    before = snapshot()
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_dispute(actor_id=deal.client.id, milestone_id=deal.first, reason="Nothing yet")  # not funded
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    before = snapshot()
    with pytest.raises(errors.MilestoneNotFound):
        milestone_dispute(actor_id=stranger.id, milestone_id=deal.first, reason="Meddling")
    with pytest.raises(errors.ReasonRequired):
        milestone_dispute(actor_id=deal.client.id, milestone_id=deal.first, reason="   ")
    assert snapshot() == before
    milestone_dispute(actor_id=deal.client.id, milestone_id=deal.first, reason="Late")
    before = snapshot()
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_dispute(actor_id=deal.seller.id, milestone_id=deal.first, reason="Again")
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_release(actor_id=deal.client.id, milestone_id=deal.first)  # an admin decides now
    with pytest.raises(errors.MilestoneStateInvalid):
        contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="")
    assert snapshot() == before
    assert Dispute.objects.count() == 1
