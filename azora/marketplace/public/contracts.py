"""Contracts, milestones in escrow, disputes and reviews (owner: MARKET-ESCROW)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from azora.marketplace.public.views import ContractView, DisputeView, FundResult, MilestoneView, ReviewView

__all__ = [
    "contract_cancel",
    "contract_create_for_application",
    "contract_get",
    "contracts_of_user",
    "dispute_resolve",
    "disputes_list",
    "milestone_dispute",
    "milestone_fund",
    "milestone_release",
    "milestone_submit",
    "review_create",
    "reviews_of_user",
]


def contract_create_for_application(*, application_id: uuid.UUID) -> uuid.UUID:
    """Called by application_transition inside its transaction when a gig proposal is accepted."""
    raise NotImplementedError


def contract_get(*, viewer_id: uuid.UUID, contract_id: uuid.UUID) -> ContractView:
    """Only the parties and platform admins; NotFound for anyone else."""
    raise NotImplementedError


def contracts_of_user(*, user_id: uuid.UUID) -> list[ContractView]:
    raise NotImplementedError


def contract_cancel(*, actor_id: uuid.UUID, contract_id: uuid.UUID, reason: str) -> ContractView:
    """Either party; every unreleased hold is voided (the money returns to the client's wallet)."""
    raise NotImplementedError


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
    lands in the wallet first). Funding twice is refused."""
    raise NotImplementedError


def milestone_submit(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, note: str = "") -> MilestoneView:
    """The seller hands in the work; the auto-release clock (14 days by default) starts."""
    raise NotImplementedError


def milestone_release(*, actor_id: uuid.UUID, milestone_id: uuid.UUID) -> MilestoneView:
    """The client releases: the hold posts to the seller's earnings minus the fee (2.5% by default)."""
    raise NotImplementedError


def milestone_dispute(*, actor_id: uuid.UUID, milestone_id: uuid.UUID, reason: str) -> DisputeView:
    raise NotImplementedError


def disputes_list(*, admin_id: uuid.UUID, status: str | None = "open") -> list[DisputeView]:
    raise NotImplementedError


def dispute_resolve(
    *,
    admin_id: uuid.UUID,
    dispute_id: uuid.UUID,
    resolution: str,  # release | refund | split
    seller_amount_minor: int | None = None,  # split only
    note: str = "",
) -> DisputeView:
    raise NotImplementedError


def review_create(*, author_id: uuid.UUID, contract_id: uuid.UUID, rating: int, text: str = "") -> ReviewView:
    """Once per side, after the contract ended; text through the constitution's output rails."""
    raise NotImplementedError


def reviews_of_user(*, user_id: uuid.UUID) -> list[ReviewView]:
    """Published reviews about the user, newest first."""
    raise NotImplementedError
