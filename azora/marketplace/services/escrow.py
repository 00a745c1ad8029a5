"""Escrow on the ledger: a milestone's money held on the client's wallet, then settled, voided or split (ADR 0020).

Every movement is a `finance.public` transfer whose id derives from the milestone (uuid5), so a repeat never moves
money twice. Rows are locked contract first, then its milestones by position, so concurrent calls cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import structlog
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import azora.finance.errors as finance_errors
import azora.finance.public as finance
import azora.payments.public as payments
from azora.marketplace import errors
from azora.marketplace.config import marketplace_config
from azora.marketplace.events import ContractEnded, MilestoneFunded, MilestoneRefunded, MilestoneReleased
from azora.marketplace.models import (
    Contract,
    ContractStatus,
    FundingSource,
    Milestone,
    MilestoneStatus,
)
from azora.shared.errors import DomainError
from azora.shared.events import publish
from azora.shared.money import Money

logger = structlog.get_logger(__name__)

# The platform's income account for marketplace fees. The ledger's platform codes are "<prefix>:<name>" with a
# known prefix; "fees:" is income (as "fees:peer" is), so the marketplace's fee account is "fees:marketplace".
FEES_ACCOUNT_CODE = "fees:marketplace"
TRANSFER_KIND_HOLD = "marketplace_escrow"
TRANSFER_KIND_SPLIT = "marketplace_split"
PAYMENT_PURPOSE: Final = "marketplace_order"
BASIS_POINTS = 10_000
_TRANSFER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://azora.local/marketplace/escrow")

# Milestone states in which money is held in escrow (a pending transfer).
HELD_STATUSES: frozenset[str] = frozenset({MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED, MilestoneStatus.DISPUTED})
# Milestone states that close it for good with the money gone to someone; a contract completes when all are here.
SETTLED_STATUSES: frozenset[str] = frozenset(
    {MilestoneStatus.RELEASED, MilestoneStatus.REFUNDED, MilestoneStatus.SPLIT}
)


def fee_of(*, amount_minor: int, fee_bp: int) -> int:
    """The marketplace fee on `amount_minor`: `fee_bp` basis points, rounded half up to a whole minor unit.

    Integer maths only: (amount * bp + 5000) // 10000, so R2,000.00 at 250 bp is R50.00 and 1 cent at 250 bp is 0.
    """
    if amount_minor < 0 or fee_bp < 0:
        raise ValueError("amount and fee are not negative")
    return (amount_minor * fee_bp + BASIS_POINTS // 2) // BASIS_POINTS


def hold_transfer_id(milestone_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_TRANSFER_NAMESPACE, f"milestone:{milestone_id}:hold")


def split_transfer_id(milestone_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_TRANSFER_NAMESPACE, f"milestone:{milestone_id}:split")


# --- Locks and checks -------------------------------------------------------------------------------------------


def locked_milestone(*, milestone_id: uuid.UUID) -> tuple[Contract, Milestone]:
    """The milestone and its contract, both locked (contract first), inside the caller's transaction."""
    contract_id = Milestone.objects.filter(id=milestone_id).values_list("contract_id", flat=True).first()
    if contract_id is None:
        raise errors.MilestoneNotFound()
    contract = Contract.objects.select_for_update().get(id=contract_id)
    milestone = Milestone.objects.select_for_update().get(id=milestone_id)
    return contract, milestone


def require_party(contract: Contract, actor_id: uuid.UUID, *, role: str | None, missing: type[DomainError]) -> None:
    """A third person is told the thing does not exist (404); the other party that it is not theirs to do (403)."""
    if actor_id not in (contract.client_id, contract.seller_id):
        raise missing()
    if role == "client" and actor_id != contract.client_id:
        raise errors.NotAParty("Only the client can do that.")
    if role == "seller" and actor_id != contract.seller_id:
        raise errors.NotAParty("Only the seller can do that.")


def require_active(contract: Contract) -> None:
    if contract.status != ContractStatus.ACTIVE:
        raise errors.ContractNotActive(extra={"contract_status": contract.status})


def require_status(milestone: Milestone, *allowed: str) -> None:
    if milestone.status not in allowed:
        raise errors.MilestoneStateInvalid(
            f"The milestone is {milestone.status}; that needs it {' or '.join(allowed)}.",
            extra={"milestone_status": milestone.status, "allowed": list(allowed)},
        )


# --- Ledger postings ----------------------------------------------------------------------------------------


def _postings(contract: Contract, *, amount_minor: int, fee_minor: int) -> list[finance.Posting]:
    """Debit the client's wallet `amount`; credit the seller's earnings `amount - fee` and the platform the fee."""
    currency = contract.currency
    wallet = finance.user_wallet(user_id=contract.client_id, currency=currency)
    earnings = finance.user_earnings_account(user_id=contract.seller_id, currency=currency)
    postings = [
        finance.Posting(account_id=wallet.id, side="debit", amount=Money(amount_minor, currency)),
        finance.Posting(account_id=earnings.id, side="credit", amount=Money(amount_minor - fee_minor, currency)),
    ]
    if fee_minor > 0:
        fees = finance.platform_account(code=FEES_ACCOUNT_CODE, currency=currency)
        postings.append(finance.Posting(account_id=fees.id, side="credit", amount=Money(fee_minor, currency)))
    return postings


def _hold(contract: Contract, milestone: Milestone, *, source: str) -> None:
    """The locked PENDING/FUNDING milestone's money is held on the client's wallet; it becomes FUNDED."""
    fee_minor = fee_of(amount_minor=milestone.amount_minor, fee_bp=contract.fee_bp)
    transfer_id = hold_transfer_id(milestone.id)
    now = timezone.now()
    try:
        # A savepoint: a refusal leaves the caller's transaction usable (the card path recovers from it).
        with transaction.atomic():
            finance.transfer_hold(
                transfer_id=transfer_id,
                kind=TRANSFER_KIND_HOLD,
                reason=f"Escrow for milestone {milestone.position} of a marketplace contract",
                reference=f"marketplace:milestone:{milestone.id}",
                postings=_postings(contract, amount_minor=milestone.amount_minor, fee_minor=fee_minor),
                expires_at=now + dt.timedelta(days=marketplace_config().escrow_max_days),
                metadata={"milestone_id": str(milestone.id), "contract_id": str(contract.id)},
            )
    except finance_errors.InsufficientFunds as error:
        raise errors.WalletBalanceTooLow(
            extra={"amount_minor": milestone.amount_minor, "currency": contract.currency}
        ) from error
    milestone.status = MilestoneStatus.FUNDED
    milestone.funding_source = source
    milestone.hold_transfer_id = transfer_id
    milestone.fee_minor = fee_minor
    milestone.funded_at = now
    milestone.save(
        update_fields=["status", "funding_source", "hold_transfer_id", "fee_minor", "funded_at", "updated_at"]
    )
    publish(
        MilestoneFunded(
            milestone_id=milestone.id,
            contract_id=contract.id,
            amount=Money(milestone.amount_minor, contract.currency),
            hold_transfer_id=transfer_id,
        )
    )


def settle_hold(contract: Contract, milestone: Milestone, *, automatic: bool) -> None:
    """Release: the hold posts to the seller's earnings and the fee account (locked, held milestone)."""
    assert milestone.hold_transfer_id is not None  # every held status has its hold
    finance.transfer_settle(transfer_id=milestone.hold_transfer_id)
    milestone.status = MilestoneStatus.RELEASED
    milestone.released_at = timezone.now()
    milestone.auto_release_at = None
    milestone.save(update_fields=["status", "released_at", "auto_release_at", "updated_at"])
    publish(
        MilestoneReleased(
            milestone_id=milestone.id,
            contract_id=contract.id,
            seller_id=contract.seller_id,
            amount=Money(milestone.amount_minor, contract.currency),
            fee=Money(milestone.fee_minor, contract.currency),
            automatic=automatic,
        )
    )


def void_hold(contract: Contract, milestone: Milestone, *, status: str, reason: str) -> None:
    """Refund or cancel: the hold is voided, the money is available in the client's wallet again."""
    assert milestone.hold_transfer_id is not None
    finance.transfer_void(transfer_id=milestone.hold_transfer_id, reason=reason)
    milestone.status = status
    milestone.fee_minor = 0
    milestone.auto_release_at = None
    milestone.save(update_fields=["status", "fee_minor", "auto_release_at", "updated_at"])
    if status == MilestoneStatus.REFUNDED:
        publish(
            MilestoneRefunded(
                milestone_id=milestone.id,
                contract_id=contract.id,
                amount=Money(milestone.amount_minor, contract.currency),
            )
        )


def split_hold(contract: Contract, milestone: Milestone, *, seller_minor: int) -> uuid.UUID:
    """Void the hold, then post the seller's part (minus its fee) from the client's wallet: one transaction."""
    assert milestone.hold_transfer_id is not None
    fee_minor = fee_of(amount_minor=seller_minor, fee_bp=contract.fee_bp)
    transfer_id = split_transfer_id(milestone.id)
    finance.transfer_void(transfer_id=milestone.hold_transfer_id, reason="Dispute resolved as a split")
    finance.transfer_post(
        transfer_id=transfer_id,
        kind=TRANSFER_KIND_SPLIT,
        reason=f"Split of milestone {milestone.position} of a marketplace contract after a dispute",
        reference=f"marketplace:milestone:{milestone.id}",
        postings=_postings(contract, amount_minor=seller_minor, fee_minor=fee_minor),
        metadata={"milestone_id": str(milestone.id), "contract_id": str(contract.id)},
    )
    milestone.status = MilestoneStatus.SPLIT
    milestone.fee_minor = fee_minor
    milestone.settlement_transfer_id = transfer_id
    milestone.released_at = timezone.now()
    milestone.auto_release_at = None
    milestone.save(
        update_fields=["status", "fee_minor", "settlement_transfer_id", "released_at", "auto_release_at", "updated_at"]
    )
    return transfer_id


def complete_if_done(contract: Contract) -> None:
    """The locked contract completes when every milestone is released, refunded or split."""
    statuses = set(contract.milestones.values_list("status", flat=True))
    if contract.status != ContractStatus.ACTIVE or not statuses or not statuses <= SETTLED_STATUSES:
        return
    contract.status = ContractStatus.COMPLETED
    contract.ended_at = timezone.now()
    contract.save(update_fields=["status", "ended_at", "updated_at"])
    publish(ContractEnded(contract_id=contract.id, status=contract.status))


# --- Funding ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundOutcome:
    payment_intent_id: uuid.UUID | None
    payment_status: str
    next_action_url: str
    failure_message: str


def milestone_fund(
    *,
    actor_id: uuid.UUID,
    milestone_id: uuid.UUID,
    source: str,
    payment_method: Mapping[str, str] | None = None,
    saved_method_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
) -> FundOutcome:
    if source == FundingSource.WALLET:
        if payment_method is not None or saved_method_id is not None:
            raise errors.FundingInvalid("Wallet funding takes no card.")
        with transaction.atomic():
            contract, milestone = locked_milestone(milestone_id=milestone_id)
            _check_fundable(contract, milestone, actor_id)
            _hold(contract, milestone, source=FundingSource.WALLET)
        logger.info("milestone_funded", milestone_id=str(milestone_id), source="wallet")
        return FundOutcome(payment_intent_id=None, payment_status="", next_action_url="", failure_message="")
    if source == FundingSource.CARD:
        if (payment_method is None) == (saved_method_id is None):
            raise errors.FundingInvalid("Card funding takes a card or a saved card (one of them).")
        return _fund_by_card(
            actor_id=actor_id,
            milestone_id=milestone_id,
            payment_method=payment_method,
            saved_method_id=saved_method_id,
            idempotency_key=idempotency_key,
        )
    raise errors.FundingInvalid(extra={"source": str(source)[:16]})


# A card payment in one of these states has charged nothing yet and can still be canceled.
_ABANDONABLE_INTENT_STATUSES = frozenset({"requires_payment_method", "requires_confirmation", "requires_action"})


def _check_fundable(contract: Contract, milestone: Milestone, actor_id: uuid.UUID) -> None:
    require_party(contract, actor_id, role="client", missing=errors.MilestoneNotFound)
    require_active(contract)
    if milestone.status == MilestoneStatus.FUNDING:
        _abandon_stale_card_payment(contract, milestone)
    require_status(milestone, MilestoneStatus.PENDING)


def _abandon_stale_card_payment(contract: Contract, milestone: Milestone) -> None:
    """A card payment left waiting (a 3-D Secure challenge never answered) does not lock the milestone forever:
    funding again cancels that intent, which has charged nothing, and starts over. A payment already being
    charged (processing) or paid cannot be canceled, so the new funding is refused as funding twice.
    In the caller's transaction: if the new funding is refused later, the cancel is rolled back too."""
    if milestone.payment_intent_id is None:
        return
    intent = payments.payment_intent_get(intent_id=milestone.payment_intent_id, viewer_id=contract.client_id)
    if intent.status not in _ABANDONABLE_INTENT_STATUSES:
        return
    try:
        with transaction.atomic():
            payments.payment_intent_cancel(intent_id=intent.id, customer_id=contract.client_id)
    except DomainError:
        return
    _back_to_pending(milestone)


def _fund_by_card(
    *,
    actor_id: uuid.UUID,
    milestone_id: uuid.UUID,
    payment_method: Mapping[str, str] | None,
    saved_method_id: uuid.UUID | None,
    idempotency_key: str | None,
) -> FundOutcome:
    """The card's money lands in the client's wallet (the intent's credit account), then is held from there.

    The charge runs outside any transaction (the Payment Service calls the provider between its own two); the
    milestone is FUNDING meanwhile, so a second funding is refused.
    """
    with transaction.atomic():
        contract, milestone = locked_milestone(milestone_id=milestone_id)
        _check_fundable(contract, milestone, actor_id)
        wallet = finance.user_wallet(user_id=contract.client_id, currency=contract.currency)
        intent = payments.payment_intent_create(
            customer_id=actor_id,
            amount=Money(milestone.amount_minor, contract.currency),
            purpose=PAYMENT_PURPOSE,
            description=f"Marketplace milestone {milestone.position}: {milestone.title}"[:200],
            credit_account_id=wallet.id,
            metadata={"milestone_id": str(milestone.id), "contract_id": str(contract.id)},
            idempotency_key=f"{idempotency_key}:create" if idempotency_key else None,
        )
        milestone.status = MilestoneStatus.FUNDING
        milestone.funding_source = FundingSource.CARD
        milestone.payment_intent_id = intent.id
        milestone.save(update_fields=["status", "funding_source", "payment_intent_id", "updated_at"])
    try:
        if saved_method_id is not None:
            result = payments.payment_intent_confirm_saved(
                intent_id=intent.id, customer_id=actor_id, method_id=saved_method_id, idempotency_key=idempotency_key
            )
        else:
            assert payment_method is not None
            result = payments.payment_intent_confirm(
                intent_id=intent.id,
                customer_id=actor_id,
                payment_method=payment_method,
                idempotency_key=idempotency_key,
            )
    except DomainError:
        # Refused before any charge (a malformed card, an unknown saved card): the milestone is fundable again.
        milestone_funding_failed(milestone_id=milestone_id, payment_intent_id=intent.id)
        raise
    if result.status == "succeeded":
        milestone_hold_after_payment(milestone_id=milestone_id, payment_intent_id=intent.id)
    elif result.status in ("failed", "canceled"):
        milestone_funding_failed(milestone_id=milestone_id, payment_intent_id=intent.id)
    logger.info("milestone_card_funding", milestone_id=str(milestone_id), payment_status=result.status)
    return FundOutcome(
        payment_intent_id=intent.id,
        payment_status=result.status,
        next_action_url=reverse("pay:checkout", kwargs={"intent_id": intent.id})
        if result.status == "requires_action"
        else "",
        failure_message=result.failure_message or "",
    )


def milestone_hold_after_payment(*, milestone_id: uuid.UUID, payment_intent_id: uuid.UUID) -> bool:
    """The card payment succeeded (now, or in the PaymentSucceeded subscriber): hold the milestone's money.

    Idempotent: only a FUNDING milestone of that very intent is held. A milestone canceled meanwhile keeps the
    money in the client's wallet. Returns whether a hold was made.
    """
    with transaction.atomic():
        try:
            contract, milestone = locked_milestone(milestone_id=milestone_id)
        except errors.MilestoneNotFound:
            return False
        if milestone.status != MilestoneStatus.FUNDING or milestone.payment_intent_id != payment_intent_id:
            return False
        try:
            _hold(contract, milestone, source=FundingSource.CARD)
        except errors.WalletBalanceTooLow:
            # The client spent the card money from their wallet before the hold: it can be funded again.
            _back_to_pending(milestone)
            logger.warning("milestone_card_money_spent_before_hold", milestone_id=str(milestone_id))
            return False
    return True


def milestone_funding_failed(*, milestone_id: uuid.UUID, payment_intent_id: uuid.UUID) -> bool:
    """The card payment failed (or was refused before a charge): the FUNDING milestone is PENDING again."""
    with transaction.atomic():
        try:
            _, milestone = locked_milestone(milestone_id=milestone_id)
        except errors.MilestoneNotFound:
            return False
        if milestone.status != MilestoneStatus.FUNDING or milestone.payment_intent_id != payment_intent_id:
            return False
        _back_to_pending(milestone)
    return True


def _back_to_pending(milestone: Milestone) -> None:
    milestone.status = MilestoneStatus.PENDING
    milestone.funding_source = ""
    milestone.payment_intent_id = None
    milestone.save(update_fields=["status", "funding_source", "payment_intent_id", "updated_at"])


# --- Release ------------------------------------------------------------------------------------------------


def milestone_release(*, actor_id: uuid.UUID, milestone_id: uuid.UUID) -> None:
    """The client accepts the work (before or after it was submitted): the hold posts."""
    with transaction.atomic():
        contract, milestone = locked_milestone(milestone_id=milestone_id)
        require_party(contract, actor_id, role="client", missing=errors.MilestoneNotFound)
        require_active(contract)
        require_status(milestone, MilestoneStatus.FUNDED, MilestoneStatus.SUBMITTED)
        settle_hold(contract, milestone, automatic=False)
        complete_if_done(contract)
    logger.info("milestone_released", milestone_id=str(milestone_id), automatic=False)


def milestones_release_due(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Releases submitted milestones whose auto-release time has passed, each in its own transaction."""
    now = now or timezone.now()
    due = list(
        Milestone.objects.filter(status=MilestoneStatus.SUBMITTED, auto_release_at__lte=now)
        .order_by("auto_release_at")
        .values_list("id", flat=True)[:batch]
    )
    released = 0
    for milestone_id in due:
        try:
            with transaction.atomic():
                contract, milestone = locked_milestone(milestone_id=milestone_id)
                # A release, dispute or cancel may have won the race since the list was read.
                if (
                    milestone.status != MilestoneStatus.SUBMITTED
                    or milestone.auto_release_at is None
                    or milestone.auto_release_at > now
                    or contract.status != ContractStatus.ACTIVE
                ):
                    continue
                settle_hold(contract, milestone, automatic=True)
                complete_if_done(contract)
        except DomainError as error:
            # One milestone the ledger refuses (its hold expired) must not stop the others.
            logger.warning("milestone_auto_release_failed", milestone_id=str(milestone_id), code=error.code)
            continue
        released += 1
    if released:
        logger.info("milestones_auto_released", count=released)
    return released


def milestone_of_intent(*, payment_intent_id: uuid.UUID) -> uuid.UUID | None:
    return Milestone.objects.filter(payment_intent_id=payment_intent_id).values_list("id", flat=True).first()


def milestone_hold_voided_elsewhere(*, transfer_id: uuid.UUID) -> bool:
    """The ledger voided a milestone's hold that the marketplace did not void itself: the escrow expired
    (AZORA_MARKETPLACE_ESCROW_MAX_DAYS) and finance's expiry job returned the money to the client's wallet. The
    milestone shows it as refunded (its transfer id cannot be held again). Idempotent: only a held milestone of
    that hold changes; the marketplace's own voids (refund, cancel, split) have moved the milestone on already."""
    milestone_id = Milestone.objects.filter(hold_transfer_id=transfer_id).values_list("id", flat=True).first()
    if milestone_id is None:
        return False
    with transaction.atomic():
        contract, milestone = locked_milestone(milestone_id=milestone_id)
        if milestone.status not in HELD_STATUSES:
            return False
        transfer = finance.transfer_get(transfer_id=transfer_id)
        if transfer is None or transfer.status != "voided":
            return False
        milestone.status = MilestoneStatus.REFUNDED
        milestone.fee_minor = 0
        milestone.auto_release_at = None
        milestone.save(update_fields=["status", "fee_minor", "auto_release_at", "updated_at"])
        publish(
            MilestoneRefunded(
                milestone_id=milestone.id,
                contract_id=contract.id,
                amount=Money(milestone.amount_minor, contract.currency),
            )
        )
        complete_if_done(contract)
    logger.warning("milestone_hold_expired", milestone_id=str(milestone_id))
    return True
