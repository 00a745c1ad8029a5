"""The marketplace's handlers for the Payment Service's (and the ledger's) events: card-funded milestones and
expired escrow holds.

A card payment for a milestone (purpose "marketplace_order", metadata milestone_id) lands in the client's wallet;
on PaymentSucceeded the milestone's hold is made from there, on PaymentFailed the milestone is fundable again.
Both are idempotent: only a FUNDING milestone of that very intent changes (the funding call may have done it
already when the charge succeeded at once), and the hold's transfer id derives from the milestone.
A hold the ledger voided on its own (expired after AZORA_MARKETPLACE_ESCROW_MAX_DAYS) shows as refunded.
"""

from __future__ import annotations

import uuid

from azora.finance.events import TransferVoided
from azora.marketplace.services import escrow
from azora.payments.events import PaymentFailed, PaymentSucceeded
from azora.shared.events import subscriber


def _milestone_id(purpose: str, metadata: dict[str, str] | None) -> uuid.UUID | None:
    if purpose != escrow.PAYMENT_PURPOSE:
        return None
    try:
        return uuid.UUID(str((metadata or {}).get("milestone_id", "")))
    except ValueError:
        return None


@subscriber(PaymentSucceeded, name="marketplace.hold_milestone_on_payment_succeeded")
def hold_milestone_on_payment_succeeded(event: PaymentSucceeded) -> None:
    milestone_id = _milestone_id(event.purpose, event.metadata)
    if milestone_id is not None:
        escrow.milestone_hold_after_payment(milestone_id=milestone_id, payment_intent_id=event.payment_intent_id)


@subscriber(PaymentFailed, name="marketplace.reopen_milestone_on_payment_failed")
def reopen_milestone_on_payment_failed(event: PaymentFailed) -> None:
    # PaymentFailed carries no metadata: the milestone is found by its intent.
    milestone_id = escrow.milestone_of_intent(payment_intent_id=event.payment_intent_id)
    if event.purpose == escrow.PAYMENT_PURPOSE and milestone_id is not None:
        escrow.milestone_funding_failed(milestone_id=milestone_id, payment_intent_id=event.payment_intent_id)


@subscriber(TransferVoided, name="marketplace.refund_milestone_on_hold_expired")
def refund_milestone_on_hold_expired(event: TransferVoided) -> None:
    if event.kind == escrow.TRANSFER_KIND_HOLD:
        escrow.milestone_hold_voided_elsewhere(transfer_id=event.transfer_id)
