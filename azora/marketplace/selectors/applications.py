"""Applications' read side: who may see and move an application, the allowed transitions, and the views (the
applicant's list, the poster's ranked list, one application with its history, a thread's messages)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Final

from azora.accounts.public import (
    organisation_role_of,
    user_has_platform_role,
    user_profiles,
)
from azora.marketplace.errors import ApplicationNotFound, ListingNotFound
from azora.marketplace.matching import match
from azora.marketplace.models import (
    Application,
    ApplicationStatus,
    ApplicationTransition,
    Contract,
    Listing,
    ListingKind,
    ListingStatus,
    Message,
)
from azora.marketplace.public.views import ApplicationView, MatchView, MessageView, TransitionView
from azora.marketplace.selectors.listings import MANAGING_ROLES
from azora.marketplace.selectors.matching import candidates_of, match_rules, openings_of
from azora.shared.money import Money

__all__ = [
    "OPEN_STATUSES",
    "application_for_viewer",
    "application_get",
    "application_views",
    "applications_of_listing",
    "applications_of_user",
    "listing_manager",
    "messages_of",
    "transitions_allowed",
]

S = ApplicationStatus
# Statuses in their order along the way (allowed transitions are listed in this order).
_ORDER: Final = [status.value for status in S]
OPEN_STATUSES: Final = frozenset({S.SUBMITTED, S.REVIEWING, S.SHORTLISTED, S.INTERVIEWING, S.OFFERED})

# The poster moves an application along and may reject it at any step before an answer to an offer.
_POSTER: Final[dict[str, frozenset[str]]] = {
    S.SUBMITTED: frozenset({S.REVIEWING, S.SHORTLISTED, S.REJECTED}),
    S.REVIEWING: frozenset({S.SHORTLISTED, S.REJECTED}),
    S.SHORTLISTED: frozenset({S.INTERVIEWING, S.OFFERED, S.REJECTED}),
    S.INTERVIEWING: frozenset({S.OFFERED, S.REJECTED}),
}
# A gig proposal may be offered straight away (no interview for a fixed-price project).
_POSTER_GIG: Final[dict[str, frozenset[str]]] = {
    S.SUBMITTED: frozenset({S.OFFERED}),
    S.REVIEWING: frozenset({S.OFFERED}),
}
# The applicant answers an offer (rejected = declined) and may withdraw while it is open.
_APPLICANT: Final[dict[str, frozenset[str]]] = {
    **{status: frozenset({S.WITHDRAWN}) for status in OPEN_STATUSES},
    S.OFFERED: frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN}),
}


def transitions_allowed(*, status: str, kind: str, as_poster: bool, as_applicant: bool) -> tuple[str, ...]:
    """What the viewer may move an application in `status` to (a pure rule; the order of the statuses)."""
    allowed: set[str] = set()
    if as_poster:
        allowed |= _POSTER.get(status, frozenset())
        if kind == ListingKind.GIG:
            allowed |= _POSTER_GIG.get(status, frozenset())
    if as_applicant:
        allowed |= _APPLICANT.get(status, frozenset())
    return tuple(sorted(allowed, key=_ORDER.index))


def listing_manager(*, user_id: uuid.UUID, poster_id: uuid.UUID, organisation_id: uuid.UUID | None) -> bool:
    """The poster, or a member of the organisation the listing was posted for with a role that manages its
    listings (the same roles as selectors.listings.may_manage_listing: owner, admin, billing)."""
    if user_id == poster_id:
        return True
    if organisation_id is None:
        return False
    return organisation_role_of(user_id=user_id, organisation_id=organisation_id) in MANAGING_ROLES


def _is_platform_admin(user_id: uuid.UUID) -> bool:
    return user_has_platform_role(user_id=user_id, role="platform_admin")


def application_for_viewer(*, viewer_id: uuid.UUID, application_id: uuid.UUID, lock: bool = False) -> Application:
    """The application with its listing, for its applicant, the listing's managers and platform admins; NotFound
    for anyone else (never saying it exists)."""
    queryset = Application.objects.select_related("listing")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    application = queryset.filter(id=application_id).first()
    if application is None:
        raise ApplicationNotFound()
    listing = application.listing
    if not (
        application.applicant_id == viewer_id
        or listing_manager(user_id=viewer_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id)
        or _is_platform_admin(viewer_id)
    ):
        raise ApplicationNotFound()
    return application


def _history(application_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[TransitionView]]:
    history: dict[uuid.UUID, list[TransitionView]] = {}
    for row in ApplicationTransition.objects.filter(application_id__in=application_ids).order_by(
        "application_id", "id"
    ):
        history.setdefault(row.application_id, []).append(
            TransitionView(
                from_status=row.from_status,
                to_status=row.to_status,
                actor_id=row.actor_id,
                note=row.note,
                at=row.created_at,
            )
        )
    return history


def _matches(applications: Sequence[Application]) -> dict[uuid.UUID, MatchView]:
    """Fresh matches of each applicant for their listing (four queries for any number of applications)."""
    if not applications:
        return {}
    candidates = candidates_of(user_ids={application.applicant_id for application in applications})
    openings = openings_of(listing_ids={application.listing_id for application in applications})
    rules = match_rules()
    return {
        application.id: match(
            candidate=candidates[application.applicant_id], opening=openings[application.listing_id], rules=rules
        )
        for application in applications
        if application.listing_id in openings
    }


def application_views(
    applications: Sequence[Application],
    *,
    viewer_id: uuid.UUID,
    manager_of: frozenset[uuid.UUID] = frozenset(),
    with_history: bool = False,
) -> list[ApplicationView]:
    """Views of applications whose `listing` is loaded. `manager_of`: the listing ids the viewer manages (the
    allowed transitions are the viewer's)."""
    ids = [application.id for application in applications]
    names = {
        user_id: profile.display_name
        for user_id, profile in user_profiles(
            user_ids={application.applicant_id for application in applications}
        ).items()
    }
    contracts = dict(Contract.objects.filter(application_id__in=ids).values_list("application_id", "id")) if ids else {}
    matches = _matches(applications)
    history = _history(ids) if with_history and ids else {}
    views = []
    for application in applications:
        listing = application.listing
        views.append(
            ApplicationView(
                id=application.id,
                listing_id=listing.id,
                listing_title=listing.title,
                listing_kind=listing.kind,
                poster_id=listing.poster_id,
                applicant_id=application.applicant_id,
                applicant_name=names.get(application.applicant_id, ""),
                cover_letter=application.cover_letter,
                portfolio_links=tuple(application.portfolio_links),
                expected_pay=(
                    None
                    if application.expected_pay_minor is None
                    else Money(application.expected_pay_minor, application.currency)
                ),
                availability=application.availability,
                available_from=application.available_from,
                status=application.status,
                created_at=application.created_at,
                allowed_transitions=transitions_allowed(
                    status=application.status,
                    kind=listing.kind,
                    as_poster=listing.id in manager_of,
                    as_applicant=application.applicant_id == viewer_id,
                ),
                match=matches.get(application.id),
                contract_id=contracts.get(application.id),
                history=tuple(history.get(application.id, ())),
            )
        )
    return views


def application_get(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> ApplicationView:
    application = application_for_viewer(viewer_id=viewer_id, application_id=application_id)
    listing = application.listing
    manages = listing_manager(user_id=viewer_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id)
    (view,) = application_views(
        [application],
        viewer_id=viewer_id,
        manager_of=frozenset({listing.id}) if manages else frozenset(),
        with_history=True,
    )
    return view


def applications_of_user(*, user_id: uuid.UUID, status: str | None = None) -> list[ApplicationView]:
    """The person's own applications, newest first, each with their match for it."""
    queryset = Application.objects.filter(applicant_id=user_id).select_related("listing").order_by("-id")
    if status:
        queryset = queryset.filter(status=status)
    return application_views(list(queryset), viewer_id=user_id)


def applications_of_listing(
    *, viewer_id: uuid.UUID, listing_id: uuid.UUID, status: str | None = None
) -> list[ApplicationView]:
    """The poster's view: ranked by the match score (best first, then the earliest), each with its reasons."""
    listing = Listing.objects.filter(id=listing_id).first()
    if listing is None or (listing.status == ListingStatus.DRAFT and listing.poster_id != viewer_id):
        raise ListingNotFound()
    manages = listing_manager(user_id=viewer_id, poster_id=listing.poster_id, organisation_id=listing.organisation_id)
    if not manages and not _is_platform_admin(viewer_id):
        raise ListingNotFound()  # applicants' data is the poster's business only; never say the list exists
    queryset = Application.objects.filter(listing_id=listing_id).order_by("id")
    if status:
        queryset = queryset.filter(status=status)
    applications = list(queryset)
    for application in applications:
        application.listing = listing  # one listing for all: no query per row
    views = application_views(
        applications, viewer_id=viewer_id, manager_of=frozenset({listing.id}) if manages else frozenset()
    )
    # Best first; equal scores keep the order they came in (the earliest application first).
    return sorted(views, key=lambda view: -(view.match.score if view.match else 0))


def messages_of(*, viewer_id: uuid.UUID, application_id: uuid.UUID) -> list[MessageView]:
    """The thread, oldest first, for the applicant, the listing's managers and platform admins."""
    application_for_viewer(viewer_id=viewer_id, application_id=application_id)
    messages = list(Message.objects.filter(application_id=application_id).order_by("created_at", "id"))
    names = {
        user_id: profile.display_name
        for user_id, profile in user_profiles(user_ids={message.sender_id for message in messages}).items()
    }
    return [
        MessageView(
            id=message.id,
            application_id=message.application_id,
            sender_id=message.sender_id,
            sender_name=names.get(message.sender_id, ""),
            body=message.body,
            created_at=message.created_at,
        )
        for message in messages
    ]
