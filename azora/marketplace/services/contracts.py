"""Contracts from accepted gig proposals: creation, submitting work, disputes and their resolution, cancelation.

The money moves in azora.marketplace.services.escrow; this module decides who may do what and when.
"""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.db import transaction
from django.utils import timezone

import azora.accounts.public as accounts
import azora.finance.public as finance
import azora.payments.public as payments
from azora.marketplace import errors
from azora.marketplace.config import marketplace_config
from azora.marketplace.events import (
    ContractCreated,
    ContractEnded,
    DisputeOpened,
    DisputeResolved,
    MilestoneSubmitted,
)
from azora.marketplace.models import (
    Application,
    Contract,
    ContractStatus,
    Dispute,
    DisputeResolution,
    DisputeStatus,
    ListingKind,
    Milestone,
    MilestoneStatus,
)
from azora.marketplace.services import escrow
from azora.shared.errors import DomainError
from azora.shared.events import publish
from azora.shared.money import Money

logger = structlog.get_logger(__name__)

MAX_TEXT_LENGTH = 5_000
ADMIN_ROLE = "platform_admin"


def is_admin(user_id: uuid.UUID) -> bool:
    return accounts.user_has_platform_role(user_id=user_id, role=ADMIN_ROLE)


def _clean_reason(value: str, *, required: bool) -> str:
    cleaned = value.strip() if isinstance(value, str) else ""
    if (required and not cleaned) or len(cleaned) > MAX_TEXT_LENGTH:
        raise errors.ReasonRequired()
    return cleaned


def contract_create_for_application(*, application_id: uuid.UUID) -> uuid.UUID:
    """A contract with the gig's milestones (copied, so later edits of the listing change nothing); idempotent:
    the application's existing contract is returned. Runs inside the accepting transition's transaction."""
    with transaction.atomic():
        existing = Contract.objects.filter(application_id=application_id).values_list("id", flat=True).first()
        if existing is not None:
            return existing
        application = Application.objects.select_related("listing").filter(id=application_id).first()
        if application is None:
            raise errors.ApplicationNotFound()
        listing = application.listing
        if listing.kind != ListingKind.GIG:
            raise errors.ContractNotPossible(extra={"kind": listing.kind})
        parts = [(m.title, m.amount_minor) for m in listing.milestones.order_by("position")]
        if not parts:
            # A gig without milestones is paid in one.
            parts = [(listing.title, listing.pay_max_minor)]
        if any(amount <= 0 for _, amount in parts):
            raise errors.ContractNotPossible("A milestone must be worth more than nothing.")
        contract = Contract.objects.create(
            application=application,
            listing=listing,
            client_id=listing.poster_id,
            seller_id=application.applicant_id,
            currency=listing.currency,
            total_minor=sum(amount for _, amount in parts),
            fee_bp=marketplace_config().fee_bp,
        )
        Milestone.objects.bulk_create(
            Milestone(contract=contract, position=position, title=title, amount_minor=amount)
            for position, (title, amount) in enumerate(parts, 1)
        )
        publish(
            ContractCreated(
                contract_id=contract.id,
                listing_id=listing.id,
                client_id=contract.client_id,
                seller_id=contract.seller_id,
                total=Money(contract.total_minor, contract.currency),
            )
        )
    logger.info("contract_created", contract_id=str(contract.id), milestones=len(parts))
    return contract.id


def milestone_submit(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, note: str = "") -> None:
    """The seller hands in the work of a funded milestone; it releases itself after the auto-release period."""
    cleaned = _clean_reason(note, required=False)
    with transaction.atomic():
        contract, milestone = escrow.locked_milestone(milestone_id=milestone_id)
        escrow.require_party(contract, actor_id, role="seller", missing=errors.MilestoneNotFound)
        escrow.require_active(contract)
        escrow.require_status(milestone, MilestoneStatus.FUNDED)
        now = timezone.now()
        milestone.status = MilestoneStatus.SUBMITTED
        milestone.submitted_at = now
        milestone.submission_note = cleaned
        milestone.auto_release_at = now + dt.timedelta(days=marketplace_config().auto_release_days)
        milestone.save(update_fields=["status", "submitted_at", "submission_note", "auto_release_at", "updated_at"])
        publish(MilestoneSubmitted(milestone_id=milestone.id, contract_id=contract.id))


def milestone_dispute(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, reason: str) -> uuid.UUID:
    """Either party objects to a funded or submitted milestone; the money stays held until an admin decides."""
    cleaned = _clean_reason(reason, required=True)
    with transaction.atomic():
        contract, milestone = escrow.locked_milestone(milestone_id=milestone_id)
        escrow.require_party(contract, actor_id, role=None, missing=errors.MilestoneNotFound)
        escrow.require_active(contract)
        escrow.require_status(milestone, MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED)
        dispute = Dispute.objects.create(milestone=milestone, opened_by_id=actor_id, reason=cleaned)
        milestone.status = MilestoneStatus.DISPUTED
        milestone.auto_release_at = None  # a disputed milestone never releases itself
        milestone.save(update_fields=["status", "auto_release_at", "updated_at"])
        publish(
            DisputeOpened(dispute_id=dispute.id, milestone_id=milestone.id, contract_id=contract.id, opened_by=actor_id)
        )
    logger.info("dispute_opened", dispute_id=str(dispute.id), milestone_id=str(milestone_id))
    return dispute.id


def dispute_resolve(
    *,
    admin_id: uuid.UUID,
    dispute_id: uuid.UUID,
    resolution: str,
    seller_amount_minor: int | None = None,
    seller_amount: str | None = None,
    note: str = "",
) -> None:
    """A platform admin decides: release (settle), refund (void) or split (void, then post the seller's part)."""
    if not is_admin(admin_id):
        raise errors.DisputeNotFound()
    if resolution not in DisputeResolution.values:
        raise errors.ResolutionInvalid(extra={"resolution": str(resolution)[:16]})
    cleaned_note = _clean_reason(note, required=False)
    milestone_id = Dispute.objects.filter(id=dispute_id).values_list("milestone_id", flat=True).first()
    if milestone_id is None:
        raise errors.DisputeNotFound()
    with transaction.atomic():
        contract, milestone = escrow.locked_milestone(milestone_id=milestone_id)
        dispute = Dispute.objects.select_for_update().get(id=dispute_id)
        if dispute.status != DisputeStatus.OPEN:
            raise errors.DisputeNotOpen()
        escrow.require_status(milestone, MilestoneStatus.DISPUTED)
        part = 0
        if resolution == DisputeResolution.SPLIT:
            part = _split_part(contract, milestone, seller_amount_minor, seller_amount)
        elif seller_amount_minor is not None or seller_amount is not None:
            raise errors.SplitInvalid("Only a split names the seller's amount.")
        if resolution == DisputeResolution.RELEASE:
            escrow.settle_hold(contract, milestone, automatic=False)
            part = milestone.amount_minor
        elif resolution == DisputeResolution.REFUND:
            escrow.void_hold(
                contract, milestone, status=MilestoneStatus.REFUNDED, reason="Dispute resolved as a refund"
            )
        else:
            escrow.split_hold(contract, milestone, seller_minor=part)
        dispute.status = DisputeStatus.RESOLVED
        dispute.resolution = resolution
        dispute.seller_amount_minor = part
        dispute.decision_note = cleaned_note
        dispute.resolved_by_id = admin_id
        dispute.resolved_at = timezone.now()
        dispute.save()
        publish(
            DisputeResolved(
                dispute_id=dispute.id,
                milestone_id=milestone.id,
                contract_id=contract.id,
                resolution=resolution,
                seller_amount=Money(part, contract.currency),
                resolved_by=admin_id,
            )
        )
        escrow.complete_if_done(contract)
    logger.info("dispute_resolved", dispute_id=str(dispute_id), resolution=resolution)


def _split_part(
    contract: Contract, milestone: Milestone, seller_amount_minor: int | None, seller_amount: str | None
) -> int:
    if seller_amount is not None:
        if seller_amount_minor is not None:
            raise errors.SplitInvalid("Give the seller's amount once.")
        try:
            seller_amount_minor = finance.parse_amount(amount=seller_amount, currency=contract.currency).minor
        except DomainError as error:
            raise errors.SplitInvalid(error.detail) from error
    if (
        not isinstance(seller_amount_minor, int)
        or isinstance(seller_amount_minor, bool)
        or not 0 < seller_amount_minor < milestone.amount_minor
    ):
        raise errors.SplitInvalid(extra={"amount_minor": milestone.amount_minor})
    return seller_amount_minor


def contract_cancel(*, actor_id: uuid.UUID, contract_id: uuid.UUID, reason: str = "") -> None:
    """Either party ends an active contract: every unreleased hold is voided (the money is the client's again).

    Refused while a dispute is open: an admin decides that milestone first.
    """
    cleaned = _clean_reason(reason, required=False)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().filter(id=contract_id).first()
        if contract is None:
            raise errors.ContractNotFound()
        escrow.require_party(contract, actor_id, role=None, missing=errors.ContractNotFound)
        escrow.require_active(contract)
        milestones = list(Milestone.objects.select_for_update().filter(contract=contract).order_by("position"))
        if any(milestone.status == MilestoneStatus.DISPUTED for milestone in milestones):
            raise errors.MilestoneStateInvalid("A dispute is open on this contract; a platform admin decides it first.")
        void_reason = f"Contract canceled: {cleaned}"[:500] if cleaned else "Contract canceled"
        for milestone in milestones:
            if milestone.status in escrow.SETTLED_STATUSES:
                continue
            if milestone.status in escrow.HELD_STATUSES:
                escrow.void_hold(contract, milestone, status=MilestoneStatus.CANCELED, reason=void_reason)
                continue
            if milestone.status == MilestoneStatus.FUNDING and milestone.payment_intent_id is not None:
                _cancel_intent(milestone.payment_intent_id, contract.client_id)
            milestone.status = MilestoneStatus.CANCELED
            milestone.save(update_fields=["status", "updated_at"])
        contract.status = ContractStatus.CANCELED
        contract.ended_at = timezone.now()
        contract.save(update_fields=["status", "ended_at", "updated_at"])
        publish(ContractEnded(contract_id=contract.id, status=contract.status))
    logger.info("contract_canceled", contract_id=str(contract_id))


def _cancel_intent(intent_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    """A card payment still in flight is canceled when it can be; if it succeeds anyway, the money stays in the
    client's wallet (the PaymentSucceeded subscriber holds nothing for a canceled milestone)."""
    try:
        with transaction.atomic():
            payments.payment_intent_cancel(intent_id=intent_id, customer_id=customer_id)
    except DomainError as error:
        logger.info("milestone_intent_not_canceled", intent_id=str(intent_id), code=error.code)
