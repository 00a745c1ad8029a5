"""The escrow's periodic jobs and its Payment Service subscribers: registered, idempotent, and blind to payments
that are not for a milestone; an expired hold is returned to the client and refuses a release."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from azora.finance import errors as finance_errors
from azora.finance.jobs import expire_holds_task
from azora.finance.models import Transfer
from azora.marketplace.jobs import publish_due_reviews_task, release_due_milestones_task
from azora.marketplace.models import Milestone
from azora.marketplace.public import contract_cancel, milestone_fund, milestone_release, milestone_submit
from azora.marketplace.services.escrow import hold_transfer_id, milestone_hold_voided_elsewhere
from azora.marketplace.subscribers_payments import (
    hold_milestone_on_payment_succeeded,
    reopen_milestone_on_payment_failed,
)
from azora.marketplace.tests.contracts.conftest import (
    Capture,
    Deal,
    assert_reconciled,
    dispatch_all,
    events,
    milestone_status,
    snapshot,
    top_up,
    wallet,
)
from azora.payments.events import PaymentFailed, PaymentSucceeded
from azora.shared.money import Money

pytestmark = pytest.mark.django_db


def succeeded(
    *, purpose: str, metadata: dict[str, str], intent_id: uuid.UUID, customer_id: uuid.UUID
) -> PaymentSucceeded:
    return PaymentSucceeded(
        payment_intent_id=intent_id,
        customer_id=customer_id,
        amount=Money(200_000, "ZAR"),
        fee=Money(0, "ZAR"),
        purpose=purpose,
        provider="sandbox",
        credit_account_id=uuid.uuid4(),
        ledger_transfer_id=uuid.uuid4(),
        receipt_id=uuid.uuid4(),
        receipt_number="INV-2026-000001",
        succeeded_at=timezone.now(),
        metadata=metadata,
    )


def test_the_jobs_release_due_milestones_and_publish_due_reviews(deal: Deal) -> None:
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    milestone_submit(actor_id=deal.seller.id, milestone_id=deal.first)
    Milestone.objects.filter(id=deal.first).update(auto_release_at=timezone.now() - dt.timedelta(minutes=1))

    assert release_due_milestones_task.call() == 1
    assert release_due_milestones_task.call() == 0
    assert publish_due_reviews_task.call() == 0
    assert milestone_status(deal.first) == "released"
    assert_reconciled()


def test_payment_events_for_other_purposes_or_milestones_change_nothing(deal: Deal) -> None:
    top_up(deal.client, 200_000)
    before = snapshot()

    for purpose, metadata in [
        ("course_purchase", {"milestone_id": str(deal.first)}),
        ("marketplace_order", {}),
        ("marketplace_order", {"milestone_id": "not-a-uuid"}),
        ("marketplace_order", {"milestone_id": str(uuid.uuid4())}),
        ("marketplace_order", {"milestone_id": str(deal.first)}),  # a pending milestone: no intent of its own
    ]:
        hold_milestone_on_payment_succeeded(
            succeeded(purpose=purpose, metadata=metadata, intent_id=uuid.uuid4(), customer_id=deal.client.id)
        )
    reopen_milestone_on_payment_failed(
        PaymentFailed(
            payment_intent_id=uuid.uuid4(),
            customer_id=deal.client.id,
            amount=Money(200_000, "ZAR"),
            purpose="marketplace_order",
            provider="sandbox",
            failure_code="card_declined",
            failure_message="Declined",
        )
    )

    assert snapshot() == before


def test_an_expired_hold_returns_the_money_and_a_release_is_refused(
    deal: Deal, django_capture_on_commit_callbacks: Capture
) -> None:
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    Transfer.objects.filter(id=hold_transfer_id(deal.first)).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(finance_errors.TransferNotPending):
        milestone_release(actor_id=deal.client.id, milestone_id=deal.first)
    assert milestone_status(deal.first) == "funded"
    assert wallet(deal.client) == (200_000, 200_000, 0)

    # Finance's expiry job voids it; the TransferVoided subscriber shows the milestone as refunded.
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_holds_task.call() == 1
    dispatch_all()

    assert milestone_status(deal.first) == "refunded"
    assert wallet(deal.client) == (200_000, 0, 200_000)
    assert [e["milestone_id"] for e in events("marketplace.milestone_refunded")] == [str(deal.first)]
    assert milestone_hold_voided_elsewhere(transfer_id=hold_transfer_id(deal.first)) is False  # nothing twice
    assert_reconciled()


def test_the_marketplaces_own_voids_are_not_taken_for_expiries(
    deal: Deal, django_capture_on_commit_callbacks: Capture
) -> None:
    top_up(deal.client, 200_000)
    milestone_fund(actor_id=deal.client.id, milestone_id=deal.first, source="wallet")
    with django_capture_on_commit_callbacks(execute=True):
        contract_cancel(actor_id=deal.client.id, contract_id=deal.contract_id, reason="")
    dispatch_all()

    assert milestone_status(deal.first) == "canceled"
    assert events("marketplace.milestone_refunded") == []
