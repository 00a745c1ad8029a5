"""Applications and proposals, their allowed transitions and message threads."""

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
    from azora.marketplace.services import applications

    return applications.application_create(
        applicant_id=applicant_id,
        listing_id=listing_id,
        cover_letter=cover_letter,
        portfolio_links=portfolio_links,
        expected_pay_minor=expected_pay_minor,
        availability=availability,
        available_from=available_from,
    )


def application_get(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> ApplicationView:
    """For the applicant, the poster (and the organisation's admins) and platform admins; NotFound for others."""
    from azora.marketplace.selectors import applications

    return applications.application_get(viewer_id=viewer_id, application_id=application_id)


def applications_of_user(*, user_id: uuid.UUID, status: str | None = None) -> list[ApplicationView]:
    from azora.marketplace.selectors import applications

    return applications.applications_of_user(user_id=user_id, status=status)


def applications_of_listing(
    *, viewer_id: uuid.UUID, listing_id: uuid.UUID, status: str | None = None
) -> list[ApplicationView]:
    """The poster's view: ranked by the same match score, best first, each with its reasons."""
    from azora.marketplace.selectors import applications

    return applications.applications_of_listing(viewer_id=viewer_id, listing_id=listing_id, status=status)


def application_transition(
    *, actor_id: uuid.UUID, application_id: uuid.UUID, to_status: str, note: str = ""
) -> ApplicationView:
    """Allowed transitions only. The poster moves it along submitted → reviewing → shortlisted → interviewing →
    offered and may reject; the applicant withdraws, and accepts an offer. Accepting a gig proposal creates the
    contract (`contract_id` in the result) with the listing's milestones."""
    from azora.marketplace.services import applications

    return applications.application_transition(
        actor_id=actor_id, application_id=application_id, to_status=to_status, note=note
    )


def messages_of(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> list[MessageView]:
    from azora.marketplace.selectors import applications

    return applications.messages_of(viewer_id=viewer_id, application_id=application_id)


def message_send(*, sender_id: uuid.UUID, application_id: uuid.UUID, body: str) -> MessageView:
    from azora.marketplace.services import applications

    return applications.message_send(sender_id=sender_id, application_id=application_id, body=body)
