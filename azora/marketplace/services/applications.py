"""Applications' write side: applying (or proposing), moving an application along its allowed transitions (an
accepted gig proposal becomes a contract and fills the gig), and the message thread. Each use case owns its
transaction; a refusal writes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Final

import structlog
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from azora.accounts.public import user_profiles
from azora.marketplace.errors import (
    AlreadyApplied,
    ApplicationInvalid,
    ListingNotFound,
    ListingNotOpen,
    MessageInvalid,
    NotAParty,
    OwnListing,
    TransitionNotAllowed,
)
from azora.marketplace.events import (
    ApplicationMessageSent,
    ApplicationStatusChanged,
    ApplicationSubmitted,
    ListingStatusChanged,
)
from azora.marketplace.matching import match
from azora.marketplace.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Listing,
    ListingKind,
    ListingStatus,
    Message,
)
from azora.marketplace.public.views import ApplicationView, MessageView
from azora.marketplace.selectors.applications import (
    application_for_viewer,
    application_get,
    listing_manager,
    transitions_allowed,
)
from azora.marketplace.selectors.matching import candidate_of, match_rules, opening_of
from azora.marketplace.services.match_index import listings_written
from azora.shared.events import publish

__all__ = ["application_create", "application_transition", "message_send"]

logger = structlog.get_logger(__name__)

COVER_LETTER_MAX: Final = 10_000
PORTFOLIO_LINKS_MAX: Final = 10
LINK_MAX: Final = 500
AVAILABILITY_MAX: Final = 200
NOTE_MAX: Final = 500
MESSAGE_MAX: Final = 5_000
_TERMINAL: Final = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})
_is_url = URLValidator(schemes=["http", "https"])


def _clean_links(links: Sequence[str]) -> list[str]:
    if isinstance(links, str) or len(links) > PORTFOLIO_LINKS_MAX:
        raise ApplicationInvalid(f"At most {PORTFOLIO_LINKS_MAX} portfolio links.", extra={"field": "portfolio_links"})
    cleaned = []
    for link in links:
        value = str(link).strip()
        try:
            if len(value) > LINK_MAX:
                raise ValidationError("too long")
            _is_url(value)
        except ValidationError:
            raise ApplicationInvalid(
                "Each portfolio link is an http(s) address.", extra={"field": "portfolio_links"}
            ) from None
        cleaned.append(value)
    return cleaned


def _validate(*, cover_letter: str, expected_pay_minor: int | None, availability: str) -> tuple[str, str]:
    letter = cover_letter.strip()
    if not letter or len(letter) > COVER_LETTER_MAX:
        raise ApplicationInvalid(
            f"A cover letter is needed, up to {COVER_LETTER_MAX} characters.", extra={"field": "cover_letter"}
        )
    if expected_pay_minor is not None and expected_pay_minor < 0:
        raise ApplicationInvalid("The expected pay cannot be negative.", extra={"field": "expected_pay_minor"})
    available = availability.strip()
    if len(available) > AVAILABILITY_MAX:
        raise ApplicationInvalid(
            f"Availability is at most {AVAILABILITY_MAX} characters.", extra={"field": "availability"}
        )
    return letter, available


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
    """Applies to a job or proposes for a gig. Refused (nothing written): an unknown or draft listing, one's own
    listing (or one's organisation's), a listing that is not open, a second application."""
    letter, available = _validate(
        cover_letter=cover_letter, expected_pay_minor=expected_pay_minor, availability=availability
    )
    links = _clean_links(portfolio_links)
    with transaction.atomic():
        # The listing's row lock orders concurrent applications (its status and count are read and written here).
        listing = Listing.objects.select_for_update().filter(id=listing_id).first()
        if listing is None or (listing.status == ListingStatus.DRAFT and listing.poster_id != applicant_id):
            raise ListingNotFound()
        if listing_manager(user_id=applicant_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id):
            raise OwnListing()
        if listing.status != ListingStatus.OPEN:
            raise ListingNotOpen(extra={"listing_status": listing.status})
        if Application.objects.filter(listing_id=listing_id, applicant_id=applicant_id).exists():
            raise AlreadyApplied()
        score = match(
            candidate=candidate_of(user_id=applicant_id), opening=opening_of(listing_id=listing_id), rules=match_rules()
        ).score
        try:
            with transaction.atomic():  # a savepoint: the unique constraint is the last word on "twice"
                application = Application.objects.create(
                    listing_id=listing_id,
                    applicant_id=applicant_id,
                    cover_letter=letter,
                    portfolio_links=links,
                    expected_pay_minor=expected_pay_minor,
                    currency=listing.currency,
                    availability=available,
                    available_from=available_from,
                    match_score=score,
                )
        except IntegrityError:
            raise AlreadyApplied() from None
        ApplicationTransition.objects.create(
            application=application, from_status="", to_status=ApplicationStatus.SUBMITTED, actor_id=applicant_id
        )
        Listing.objects.filter(id=listing_id).update(application_count=F("application_count") + 1)
        publish(
            ApplicationSubmitted(
                application_id=application.id,
                listing_id=listing_id,
                applicant_id=applicant_id,
                poster_id=listing.poster_id,
            )
        )
    logger.info("marketplace.application_submitted", application_id=str(application.id), listing_id=str(listing_id))
    return application_get(viewer_id=applicant_id, application_id=application.id)


def _contract_for(application_id: uuid.UUID) -> uuid.UUID:
    # Imported here: the contracts area is another owner's module, loaded when a gig proposal is accepted.
    from azora.marketplace.public.contracts import contract_create_for_application

    return contract_create_for_application(application_id=application_id)


def application_transition(
    *, actor_id: uuid.UUID, application_id: uuid.UUID, to_status: str, note: str = ""
) -> ApplicationView:
    """Moves the application if the actor may (see selectors.applications.transitions_allowed); records the
    transition and publishes ApplicationStatusChanged. Accepting a gig proposal creates the contract and fills the
    gig in the same transaction. Refused (nothing written): TransitionNotAllowed, NotFound for strangers."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ApplicationInvalid(f"A note is at most {NOTE_MAX} characters.", extra={"field": "note"})
    with transaction.atomic():
        application = application_for_viewer(viewer_id=actor_id, application_id=application_id, lock=True)
        listing = application.listing
        from_status = application.status
        allowed = transitions_allowed(
            status=from_status,
            kind=listing.kind,
            as_poster=listing_manager(
                user_id=actor_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id
            ),
            as_applicant=application.applicant_id == actor_id,
        )
        if to_status not in allowed:
            raise TransitionNotAllowed(
                extra={"from_status": from_status, "to_status": to_status, "allowed": list(allowed)}
            )
        if to_status == ApplicationStatus.ACCEPTED and listing.kind == ListingKind.GIG:
            gig = Listing.objects.select_for_update().get(id=listing.id)
            if gig.status != ListingStatus.OPEN:
                raise ListingNotOpen(extra={"listing_status": gig.status})
        now = timezone.now()
        application.status = to_status
        if to_status in _TERMINAL:
            application.decided_at = now
        application.save(update_fields=["status", "decided_at", "updated_at"])
        ApplicationTransition.objects.create(
            application=application, from_status=from_status, to_status=to_status, actor_id=actor_id, note=note
        )
        publish(
            ApplicationStatusChanged(
                application_id=application.id,
                listing_id=listing.id,
                applicant_id=application.applicant_id,
                actor_id=actor_id,
                from_status=from_status,
                to_status=to_status,
            )
        )
        if to_status == ApplicationStatus.ACCEPTED and listing.kind == ListingKind.GIG:
            _contract_for(application.id)
            Listing.objects.filter(id=listing.id).update(status=ListingStatus.FILLED, updated_at=now)
            listings_written([listing.id])  # the gig leaves matches and cached searches
            publish(
                ListingStatusChanged(
                    listing_id=listing.id, from_status=ListingStatus.OPEN, to_status=ListingStatus.FILLED
                )
            )
    logger.info(
        "marketplace.application_moved",
        application_id=str(application_id),
        from_status=from_status,
        to_status=to_status,
    )
    return application_get(viewer_id=actor_id, application_id=application_id)


def message_send(*, sender_id: uuid.UUID, application_id: uuid.UUID, body: str) -> MessageView:
    """A message in the thread, from the applicant or the listing's managers (platform admins read, never write)."""
    text = body.strip()
    if not text or len(text) > MESSAGE_MAX:
        raise MessageInvalid(f"A message has 1 to {MESSAGE_MAX} characters.", extra={"field": "body"})
    with transaction.atomic():
        application = application_for_viewer(viewer_id=sender_id, application_id=application_id)
        listing = application.listing
        is_applicant = application.applicant_id == sender_id
        if not is_applicant and not listing_manager(
            user_id=sender_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id
        ):
            raise NotAParty()
        message = Message.objects.create(application=application, sender_id=sender_id, body=text)
        publish(
            ApplicationMessageSent(
                message_id=message.id,
                application_id=application.id,
                sender_id=sender_id,
                recipient_id=listing.poster_id if is_applicant else application.applicant_id,
            )
        )
    names = user_profiles(user_ids=[sender_id])
    return MessageView(
        id=message.id,
        application_id=application_id,
        sender_id=sender_id,
        sender_name=names[sender_id].display_name if sender_id in names else "",
        body=message.body,
        created_at=message.created_at,
    )
