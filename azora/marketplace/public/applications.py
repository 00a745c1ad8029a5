"""Applications and proposals, their allowed transitions and message threads (owner: MARKET-APPLY)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from azora.marketplace.public.views import ApplicationView, MessageView

__all__ = [
    "application_create",
    "application_get",
    "application_transition",
    "applications_of_listing",
    "applications_of_user",
    "message_send",
    "messages_of",
]


def application_create(
    *,
    applicant_id: uuid.UUID,
    listing_id: uuid.UUID,
    cover_letter: str,
    portfolio_links: Sequence[str] = (),
    expected_pay_minor: int | None = None,
    availability: str = "",
    available_from: date | None = None,
) -> ApplicationView:
    """Refused: applying twice, to a listing that is not open, or to one's own."""
    raise NotImplementedError


def application_get(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> ApplicationView:
    """For the applicant, the poster (and the organisation's admins) and platform admins; NotFound for others."""
    raise NotImplementedError


def applications_of_user(*, user_id: uuid.UUID, status: str | None = None) -> list[ApplicationView]:
    raise NotImplementedError


def applications_of_listing(
    *, viewer_id: uuid.UUID, listing_id: uuid.UUID, status: str | None = None
) -> list[ApplicationView]:
    """The poster's view: ranked by the same match score, best first, each with its reasons."""
    raise NotImplementedError


def application_transition(
    *, actor_id: uuid.UUID, application_id: uuid.UUID, to_status: str, note: str = ""
) -> ApplicationView:
    """Allowed transitions only. The poster moves it along submitted → reviewing → shortlisted → interviewing →
    offered and may reject; the applicant withdraws, and accepts an offer. Accepting a gig proposal creates the
    contract (`contract_id` in the result) with the listing's milestones."""
    raise NotImplementedError


def messages_of(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> list[MessageView]:
    raise NotImplementedError


def message_send(*, sender_id: uuid.UUID, application_id: uuid.UUID, body: str) -> MessageView:
    raise NotImplementedError
