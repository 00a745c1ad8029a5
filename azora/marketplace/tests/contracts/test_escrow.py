"""Escrow on the ledger: funding (wallet and card), release, auto-release, cancel; each money path reconciles,
each refused action writes nothing (no ledger entry)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from azora.accounts.models import User
from azora.finance import public as finance
from azora.marketplace import errors
from azora.marketplace.models import Contract, Milestone
from azora.marketplace.public import (
    contract_cancel,
    contract_create_for_application,
    contract_get,
    milestone_fund,
    milestone_release,
    milestone_submit,
    milestones_release_due,
)
from azora.marketplace.services.escrow import fee_of, hold_transfer_id
from azora.marketplace.tests.contracts.conftest import (
    CHALLENGE_CARD,
    DECLINED_CARD,
    SUCCESS_CARD,
    Capture,
    Deal,
    assert_reconciled,
    dispatch_all,
    earnings,
    events,
    fees,
    milestone_status,
    snapshot,
    top_up,
    wallet,
)
from azora.marketplace.tests.factories import ApplicationFactory, ListingFactory
from azora.payments import public as payments
from azora.shared.errors import DomainError

pytestmark = pytest.mark.django_db


# --- The fee: one pure function, integer maths, half up ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "bp", "fee"),
    [
        (200_000, 250, 5_000),
        (300_000, 250, 7_500),
        (1, 250, 0),
        (2, 250, 0),  # 0.05 rounds down
        (20, 250, 1),  # 0.5 rounds half up
        (19, 250, 0),  # 0.475
        (60, 250, 2),  # 1.5 half up
        (99_999, 250, 2_500),  # 2499.975
        (123_457, 0, 0),
        (123_457, 10_000, 123_457),
    ],
    ids=lambda value: str(value),
)
def test_fee_of_rounds_half_up_in_integers(amount: int, bp: int, fee: int) -> None:
    assert fee_of(amount_minor=amount, fee_bp=bp) == fee


# --- Contracts from accepted proposals ------------------------------------------------------------------------


def test_an_accepted_gig_proposal_becomes_a_contract_with_the_gigs_milestones(deal: Deal) -> None:
    view = contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id)
    assert (view.client_id, view.seller_id, view.client_name, view.seller_name) == (
        deal.client.id,
        deal.seller.id,
        "Cleo Client",
        "Sipho Seller",
    )
    assert (view.total.minor, view.total.currency, view.fee_bp, view.status) == (500_000, "ZAR", 250, "active")
    assert [(m.position, m.title, m.amount.minor, m.status) for m in view.milestones] == [
        (1, "Design", 200_000, "pending"),
        (2, "Build", 300_000, "pending"),
    ]
    assert (view.held.minor, view.released.minor, view.viewer_may_review) == (0, 0, False)
    assert len(events("marketplace.contract_created")) == 1
    # Idempotent: the same application gives the same contract.
    application_id = Contract.objects.get(id=deal.contract_id).application_id
    assert contract_create_for_application(application_id=application_id) == deal.contract_id
    assert Contract.objects.count() == 1


def test_a_job_application_never_becomes_a_contract(stranger: User) -> None:
    application = ApplicationFactory(listing=ListingFactory(), applicant=stranger)
    with pytest.raises(errors.ContractNotPossible):
        contract_create_for_application(application_id=application.id)
    assert Contract.objects.count() == 0


# --- Funding from the wallet ------------------------------------------------------------------------------------


def test_wallet_funding_holds_the_amount_on_the_clients_wallet(deal: Deal) -> None:
    top_up(deal.client, 250_000)

    result = milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")

    assert (result.milestone.status, result.milestone.funding_source, result.payment_status) == ("funded", "wallet", "")
    assert result.payment_intent_id is None
    assert wallet(deal.client) == (250_000, 200_000, 50_000)
    assert earnings(deal.seller) == (0, 0, 0)  # the seller sees nothing until release
    transfer = finance.transfer_get(transfer_id=hold_transfer_id(deal.first))
    assert transfer is not None
    assert (transfer.status, transfer.kind) == ("pending", "marketplace_escrow")
    assert sorted((p.side, p.amount.minor) for p in transfer.postings) == [
        ("credit", 5_000),
        ("credit", 195_000),
        ("debit", 200_000),
    ]
    view = contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id)
    assert (view.held.minor, view.milestones[0].fee.minor) == (200_000, 0)
    assert len(events("marketplace.milestone_funded")) == 1
    assert_reconciled()


def test_wallet_funding_with_too_little_available_writes_nothing(deal: Deal) -> None:
    top_up(deal.client, 199_999)
    before = snapshot()

    with pytest.raises(errors.WalletBalanceTooLow):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")

    assert snapshot() == before
    assert wallet(deal.client) == (199_999, 0, 199_999)
    assert_reconciled()


def test_funding_twice_is_refused_and_writes_nothing(deal: Deal) -> None:
    top_up(deal.client, 1_000_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    before = snapshot()

    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=SUCCESS_CARD)

    assert snapshot() == before
    assert wallet(deal.client) == (1_000_000, 200_000, 800_000)
    assert_reconciled()


@pytest.mark.parametrize("who", ["seller", "stranger"], ids=["seller", "stranger"])
def test_only_the_client_funds(deal: Deal, stranger: User, who: str) -> None:
    actor = deal.seller if who == "seller" else stranger
    top_up(actor, 1_000_000)
    before = snapshot()
    expected = errors.NotAParty if who == "seller" else errors.MilestoneNotFound

    with pytest.raises(expected):
        milestone_fund(actor_id=actor.id, milestone_id=deal.first, source="wallet")

    assert snapshot() == before


def test_funding_refuses_a_bad_source_and_unknown_milestones(deal: Deal) -> None:
    before = snapshot()
    with pytest.raises(errors.FundingInvalid):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="bitcoin")
    with pytest.raises(errors.FundingInvalid):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="card")
    with pytest.raises(errors.FundingInvalid):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet", payment_method=SUCCESS_CARD)
    with pytest.raises(errors.MilestoneNotFound):
        milestone_fund(actor_id=deal.client.id, milestone_id=uuid.uuid4(), source="wallet")
    assert snapshot() == before


# --- Funding by card --------------------------------------------------------------------------------------------


def test_card_funding_lands_in_the_wallet_and_is_held_at_once(
    deal: Deal, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=SUCCESS_CARD
        )
    dispatch_all()

    assert (result.payment_status, result.next_action_url, result.milestone.status) == ("succeeded", "", "funded")
    assert result.milestone.funding_source == "card"
    assert result.payment_intent_id is not None
    intent = payments.payment_intent_get(intent_id=result.payment_intent_id, viewer_id=deal.client.id)
    assert (intent.purpose, intent.amount.minor, dict(intent.metadata)["milestone_id"]) == (
        "marketplace_order",
        200_000,
        str(deal.first),
    )
    assert intent.credit_account_id == finance.user_wallet(user_id=deal.client.id, currency="ZAR").id
    # The card's money is in the wallet and held there; the subscriber (run too) held nothing twice.
    assert wallet(deal.client) == (200_000, 200_000, 0)
    assert len(events("marketplace.milestone_funded")) == 1
    assert_reconciled()


def test_a_declined_card_puts_the_milestone_back_to_pending(
    deal: Deal, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=DECLINED_CARD
        )
    dispatch_all()

    assert (result.payment_status, result.milestone.status, result.milestone.payment_intent_id) == (
        "failed",
        "pending",
        None,
    )
    assert result.failure_message != ""
    assert wallet(deal.client) == (0, 0, 0)
    assert finance.transfer_get(transfer_id=hold_transfer_id(deal.first)) is None
    assert_reconciled()


def test_a_challenged_card_is_funding_until_the_payment_succeeded_event(
    deal: Deal,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=CHALLENGE_CARD
        )
    assert result.payment_intent_id is not None
    assert (result.payment_status, result.milestone.status) == ("requires_action", "funding")
    assert result.next_action_url == f"/pay/checkout/{result.payment_intent_id}/"
    # Funding again from an empty wallet would abandon the challenge, but is refused: nothing changes, the
    # challenge is still open.
    before = snapshot()
    with pytest.raises(errors.WalletBalanceTooLow):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_intent_complete_action(
            intent_id=result.payment_intent_id, customer_id=deal.client.id, outcome="approve"
        )
    dispatch_all()

    assert milestone_status(deal.first) == "funded"
    assert wallet(deal.client) == (200_000, 200_000, 0)
    # The event delivered again (a retry) holds nothing twice.
    from azora.marketplace.services.escrow import milestone_hold_after_payment

    assert milestone_hold_after_payment(milestone_id=deal.first, payment_intent_id=result.payment_intent_id) is False
    assert wallet(deal.client) == (200_000, 200_000, 0)
    assert_reconciled()


def test_a_denied_challenge_puts_the_milestone_back_to_pending(
    deal: Deal, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=CHALLENGE_CARD
        )
    assert result.payment_intent_id is not None
    with django_capture_on_commit_callbacks(execute=True):
        payments.payment_intent_complete_action(
            intent_id=result.payment_intent_id, customer_id=deal.client.id, outcome="deny"
        )
    dispatch_all()

    assert milestone_status(deal.first) == "pending"
    assert wallet(deal.client) == (0, 0, 0)
    assert_reconciled()


# --- Submit and release -----------------------------------------------------------------------------------------


def test_release_posts_the_hold_to_the_seller_minus_the_fee(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    submitted = milestone_submit(actor_id=deal.seller.id, milestone_id=deal.first, note="Designs attached")
    assert (submitted.status, submitted.submission_note) == ("submitted", "Designs attached")
    assert submitted.submitted_at is not None
    assert submitted.auto_release_at is not None
    assert submitted.auto_release_at - submitted.submitted_at == dt.timedelta(days=14)

    released = milestone_release(actor_id=deal.client.id, milestone_id=deal.first)

    assert (released.status, released.fee.minor, released.auto_release_at) == ("released", 5_000, None)
    assert wallet(deal.client) == (300_000, 0, 300_000)
    assert earnings(deal.seller) == (195_000, 0, 195_000)
    assert fees() == (5_000, 0, 5_000)
    view = contract_get(viewer_id=deal.client.id, contract_id=deal.contract_id)
    assert (view.status, view.held.minor, view.released.minor) == ("active", 0, 195_000)
    assert events("marketplace.milestone_released")[0]["automatic"] is False
    assert_reconciled()


def test_the_contract_completes_when_every_milestone_is_released(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    for milestone_id in (deal.first, deal.second):
        milestone_fund(actor_id=deal.client.id, milestone_id=milestone_id, source="wallet")
        milestone_release(actor_id=deal.client.id, milestone_id=milestone_id)  # released without a submission

    view = contract_get(viewer_id=deal.seller.id, contract_id=deal.contract_id)
    assert (view.status, view.released.minor, view.viewer_may_review) == ("completed", 487_500, True)
    assert view.ended_at is not None
    assert earnings(deal.seller) == (487_500, 0, 487_500)
    assert fees() == (12_500, 0, 12_500)
    assert wallet(deal.client) == (0, 0, 0)
    assert [e["status"] for e in events("marketplace.contract_ended")] == ["completed"]
    assert_reconciled()


def test_releasing_someone_elses_milestone_or_an_unfunded_one_writes_nothing(deal: Deal, stranger: User) -> None:
    top_up(deal.client, 500_000)
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_release(actor_id=deal.client.id, milestone_id=deal.first)  # not funded
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    before = snapshot()

    with pytest.raises(errors.NotAParty):
        milestone_release(actor_id=deal.seller.id, milestone_id=deal.first)
    with pytest.raises(errors.MilestoneNotFound):
        milestone_release(actor_id=stranger.id, milestone_id=deal.first)
    with pytest.raises(errors.NotAParty):
        milestone_submit(actor_id=deal.client.id, milestone_id=deal.first)
    with pytest.raises(errors.MilestoneNotFound):
        milestone_submit(actor_id=stranger.id, milestone_id=deal.first)
    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_submit(actor_id=deal.seller.id, milestone_id=deal.second)  # not funded

    assert snapshot() == before
    assert_reconciled()


def test_releasing_twice_is_refused_and_pays_nothing_twice(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_release(actor_id=deal.client.id, milestone_id=deal.first)
    before = snapshot()

    with pytest.raises(errors.MilestoneStateInvalid):
        milestone_release(actor_id=deal.client.id, milestone_id=deal.first)

    assert snapshot() == before
    assert earnings(deal.seller) == (195_000, 0, 195_000)


def test_the_auto_release_job_releases_submitted_milestones_past_their_time(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    for milestone_id in (deal.first, deal.second):
        milestone_fund(actor_id=deal.client.id, milestone_id=milestone_id, source="wallet")
        milestone_submit(actor_id=deal.seller.id, milestone_id=milestone_id)
    Milestone.objects.filter(id=deal.first).update(auto_release_at=timezone.now() - dt.timedelta(seconds=1))

    assert milestones_release_due() == 1
    assert milestones_release_due() == 0  # nothing twice

    assert (milestone_status(deal.first), milestone_status(deal.second)) == ("released", "submitted")
    assert earnings(deal.seller) == (195_000, 0, 195_000)
    assert wallet(deal.client) == (300_000, 300_000, 0)
    assert [(e["milestone_id"], e["automatic"]) for e in events("marketplace.milestone_released")] == [
        (str(deal.first), True)
    ]
    assert_reconciled()


# --- Cancel -----------------------------------------------------------------------------------------------------


def test_cancel_voids_every_unreleased_hold(deal: Deal) -> None:
    top_up(deal.client, 500_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_release(actor_id=deal.client.id, milestone_id=deal.first)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.second, source="wallet")
    milestone_submit(actor_id=deal.seller.id, milestone_id=deal.second)

    view = contract_cancel(actor_id=deal.seller.id, contract_id=deal.contract_id, reason="Client changed plans")

    assert (view.status, [m.status for m in view.milestones]) == ("canceled", ["released", "canceled"])
    assert view.ended_at is not None
    assert (view.held.minor, view.released.minor, view.viewer_may_review) == (0, 195_000, True)
    assert wallet(deal.client) == (300_000, 0, 300_000)
    assert earnings(deal.seller) == (195_000, 0, 195_000)
    transfer = finance.transfer_get(transfer_id=hold_transfer_id(deal.second))
    assert transfer is not None
    assert transfer.status == "voided"
    assert [e["status"] for e in events("marketplace.contract_ended")] == ["canceled"]
    # Nothing more can happen on it.
    before = snapshot()
    with pytest.raises(errors.ContractNotActive):
        contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="")
    with pytest.raises(errors.ContractNotActive):
        milestone_fund(actor_id=deal.client.id, milestone_id=deal.second, source="wallet")
    assert snapshot() == before
    assert_reconciled()


def test_cancel_by_a_stranger_is_not_found_and_changes_nothing(deal: Deal, stranger: User) -> None:
    top_up(deal.client, 500_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    before = snapshot()

    with pytest.raises(errors.ContractNotFound):
        contract_cancel(actor_id=stranger.id, contract_id=deal.contract_id, reason="")
    with pytest.raises(errors.ContractNotFound):
        contract_get(viewer_id=stranger.id, contract_id=deal.contract_id)

    assert snapshot() == before


def test_a_card_payment_that_succeeds_after_cancel_stays_in_the_clients_wallet(
    deal: Deal,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=CHALLENGE_CARD
        )
    assert result.payment_intent_id is not None
    with django_capture_on_commit_callbacks(execute=True):
        contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="Found someone else")
    assert milestone_status(deal.first) == "canceled"
    intent = payments.payment_intent_get(intent_id=result.payment_intent_id, viewer_id=deal.client.id)
    assert intent.status == "canceled"
    assert wallet(deal.client) == (0, 0, 0)
    assert_reconciled()


def test_an_unanswered_challenge_is_abandoned_when_the_client_funds_again(
    deal: Deal,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = milestone_fund(
            actor_id=deal.client.id, milestone_id=deal.first, source="card", payment_method=CHALLENGE_CARD
        )
    assert first.payment_intent_id is not None
    top_up(deal.client, 200_000)

    with django_capture_on_commit_callbacks(execute=True):
        again = milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    dispatch_all()

    assert (again.milestone.status, again.milestone.funding_source, again.milestone.payment_intent_id) == (
        "funded",
        "wallet",
        None,
    )
    abandoned = payments.payment_intent_get(intent_id=first.payment_intent_id, viewer_id=deal.client.id)
    assert abandoned.status == "canceled"
    # The old challenge can no longer be paid, so the milestone is never funded twice.
    with pytest.raises(DomainError):
        payments.payment_intent_complete_action(
            intent_id=first.payment_intent_id, customer_id=deal.client.id, outcome="approve"
        )
    assert wallet(deal.client) == (200_000, 200_000, 0)
    assert_reconciled()
