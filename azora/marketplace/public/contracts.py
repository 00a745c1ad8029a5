"""Contracts, milestones in escrow, disputes and reviews. See docs/marketplace.md,
"Escrow on the ledger", and ADR 0020.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from azora.marketplace.public.views import (
    ContractView,
    DisputeView,
    FundResult,
    MilestoneView,
    RatingSummary,
    ReviewView,
)
from azora.shared.pagination import Page

__all__ = [
    "contract_cancel",
    "contract_create_for_application",
    "contract_get",
    "contracts_of_user",
    "contracts_page_of_user",
    "dispute_resolve",
    "disputes_list",
    "disputes_page",
    "milestone_dispute",
    "milestone_fund",
    "milestone_get",
    "milestone_release",
    "milestone_submit",
    "milestones_release_due",
    "rating_summary_of_user",
    "review_create",
    "reviews_of_user",
    "reviews_publish_due",
]


def contract_create_for_application(*, application_id: uuid.UUID) -> uuid.UUID:
    """Called by application_transition inside its transaction when a gig proposal is accepted. Idempotent: the
    application's contract is returned if it has one. ContractNotPossible for a job application."""
    from azora.marketplace.services import contracts

    return contracts.contract_create_for_application(application_id=application_id)


def contract_get(*, viewer_id: uuid.UUID, contract_id: uuid.UUID) -> ContractView:
    """Only the parties and platform admins; NotFound for anyone else."""
    from azora.marketplace.selectors import contracts

    return contracts.contract_get(viewer_id=viewer_id, contract_id=contract_id)


def contracts_of_user(*, user_id: uuid.UUID) -> list[ContractView]:
    """The user's contracts as client or seller, newest first."""
    from azora.marketplace.selectors import contracts

    return contracts.contracts_of_user(user_id=user_id)


def contracts_page_of_user(*, user_id: uuid.UUID, cursor: str | None = None, limit: int = 50) -> Page[ContractView]:
    """One page of the user's contracts, newest first (keyset cursor, as every /api/v1 list)."""
    from azora.marketplace.selectors import contracts

    return contracts.contracts_page_of_user(user_id=user_id, cursor=cursor, limit=limit)


def contract_cancel(*, actor_id: uuid.UUID, contract_id: uuid.UUID, reason: str) -> ContractView:
    """Either party; every unreleased hold is voided (the money returns to the client's wallet). Refused while a
    dispute is open (MilestoneStateInvalid) or when the contract has ended (ContractNotActive)."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import contracts

    contracts.contract_cancel(actor_id=actor_id, contract_id=contract_id, reason=reason)
    return selectors.contract_get(viewer_id=actor_id, contract_id=contract_id)


def milestone_get(*, viewer_id: uuid.UUID, milestone_id: uuid.UUID) -> MilestoneView:
    """One milestone for the parties and admins; MilestoneNotFound for anyone else."""
    from azora.marketplace.selectors import contracts

    return contracts.milestone_get(viewer_id=viewer_id, milestone_id=milestone_id)


def milestone_fund(
    *,
    actor_id: uuid.UUID,
    milestone_id: uuid.UUID,
    source: str,  # card | wallet
    payment_method: Mapping[str, str] | None = None,  # a card, as payments.public.payment_intent_confirm takes
    saved_method_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
) -> FundResult:
    """The client puts the milestone's amount in escrow: a pending ledger transfer from their wallet (card money
    lands in the wallet first). Funding twice is refused.

    Wallet: WalletBalanceTooLow (422) when the available balance is short, nothing written. Card: the milestone
    is FUNDING while the charge runs; succeeded at once -> held now (FUNDED); requires_action -> `next_action_url`
    is the Pay UI's challenge page and the PaymentSucceeded subscriber holds it later; failed -> PENDING again.
    """
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import escrow

    outcome = escrow.milestone_fund(
        actor_id=actor_id,
        milestone_id=milestone_id,
        source=source,
        payment_method=payment_method,
        saved_method_id=saved_method_id,
        idempotency_key=idempotency_key,
    )
    return FundResult(
        milestone=selectors.milestone_get(viewer_id=actor_id, milestone_id=milestone_id),
        payment_intent_id=outcome.payment_intent_id,
        payment_status=outcome.payment_status,
        next_action_url=outcome.next_action_url,
        failure_message=outcome.failure_message,
    )


def milestone_submit(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, note: str = "") -> MilestoneView:
    """The seller hands in the work; the auto-release clock (14 days by default) starts."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import contracts

    contracts.milestone_submit(actor_id=actor_id, milestone_id=milestone_id, note=note)
    return selectors.milestone_get(viewer_id=actor_id, milestone_id=milestone_id)


def milestone_release(*, actor_id: uuid.UUID, milestone_id: uuid.UUID) -> MilestoneView:
    """The client releases: the hold posts to the seller's earnings minus the fee (2.5% by default)."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import escrow

    escrow.milestone_release(actor_id=actor_id, milestone_id=milestone_id)
    return selectors.milestone_get(viewer_id=actor_id, milestone_id=milestone_id)


def milestone_dispute(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, reason: str) -> DisputeView:
    """Either party disputes a funded or submitted milestone; the money stays held until an admin decides."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import contracts

    dispute_id = contracts.milestone_dispute(actor_id=actor_id, milestone_id=milestone_id, reason=reason)
    return selectors.dispute_get(viewer_id=actor_id, dispute_id=dispute_id)


def disputes_list(*, admin_id: uuid.UUID, status: str | None = "open") -> list[DisputeView]:
    """Platform admins only (DisputesAdminOnly otherwise); newest first; `status` open | resolved | None (all)."""
    from azora.marketplace.selectors import contracts

    return contracts.disputes_list(admin_id=admin_id, status=status)


def disputes_page(
    *, admin_id: uuid.UUID, status: str | None = "open", cursor: str | None = None, limit: int = 50
) -> Page[DisputeView]:
    """One page of disputes, newest first (platform admins only)."""
    from azora.marketplace.selectors import contracts

    return contracts.disputes_page(admin_id=admin_id, status=status, cursor=cursor, limit=limit)


def dispute_resolve(
    *,
    admin_id: uuid.UUID,
    dispute_id: uuid.UUID,
    resolution: str,  # release | refund | split
    seller_amount_minor: int | None = None,  # split only
    note: str = "",
    seller_amount: str | None = None,  # split only, as a decimal string in the contract's currency ("800.00")
) -> DisputeView:
    """A platform admin decides an open dispute (anyone else: DisputeNotFound). A split gives the seller more than
    nothing and less than the whole milestone (SplitInvalid otherwise)."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import contracts

    contracts.dispute_resolve(
        admin_id=admin_id,
        dispute_id=dispute_id,
        resolution=resolution,
        seller_amount_minor=seller_amount_minor,
        seller_amount=seller_amount,
        note=note,
    )
    return selectors.dispute_get(viewer_id=admin_id, dispute_id=dispute_id)


def review_create(*, author_id: uuid.UUID, contract_id: uuid.UUID, rating: int, text: str = "") -> ReviewView:
    """Once per side, after the contract ended; text through the constitution's output rails."""
    from azora.marketplace.selectors import contracts as selectors
    from azora.marketplace.services import reviews

    review_id = reviews.review_create(author_id=author_id, contract_id=contract_id, rating=rating, text=text)
    return selectors.review_get(review_id=review_id)


def reviews_of_user(*, user_id: uuid.UUID) -> list[ReviewView]:
    """Published reviews about the user, newest first."""
    from azora.marketplace.selectors import contracts

    return contracts.reviews_of_user(user_id=user_id)


def rating_summary_of_user(*, user_id: uuid.UUID) -> RatingSummary:
    """The average (one decimal) and count of the published reviews about the user (for ProfileView.rating)."""
    from azora.marketplace.selectors import contracts

    return contracts.rating_summary(user_id=user_id)


def milestones_release_due() -> int:
    """The auto-release job's work: submitted milestones past their auto-release time are released."""
    from azora.marketplace.services import escrow

    return escrow.milestones_release_due()


def reviews_publish_due() -> int:
    """The publishing job's work: hidden reviews whose blind period passed are published."""
    from azora.marketplace.services import reviews

    return reviews.reviews_publish_due()
