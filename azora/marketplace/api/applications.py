"""The marketplace applications API (/api/v1): applying and proposing, my applications, the poster's ranked
applicants, transitions, my matches, and each application's message thread.

Only the applicant and the listing's managers (platform admins read too) see an application; anyone else gets 404.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from azora.accounts.public import request_user_id
from azora.marketplace.public import applications, matching
from azora.marketplace.schemas.applications import (
    ApplicationCreateIn,
    ApplicationListOut,
    ApplicationMessageIn,
    ApplicationMessageOut,
    ApplicationOut,
    MatchListOut,
    MatchQuery,
    MessageListOut,
    StatusQuery,
    TransitionIn,
    match_list_json,
)
from azora.shared.schemas import trusted_json

router = Router()

__all__ = ["router"]


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no marketplace scope: applying is a person's act."""
    return request_user_id(request, scope="marketplace")


@router.post(
    "/listings/{uuid:listing_id}/applications",
    response={201: ApplicationOut},
    summary="Apply to a job or propose for a gig (once; not to one's own or a listing that is not open)",
)
def application_create(
    request: HttpRequest, listing_id: uuid.UUID, payload: ApplicationCreateIn
) -> Status[ApplicationOut]:
    view = applications.application_create(
        applicant_id=_user_id(request),
        listing_id=listing_id,
        cover_letter=payload.cover_letter,
        portfolio_links=payload.portfolio_links,
        expected_pay_minor=payload.expected_pay_minor,
        availability=payload.availability,
        available_from=payload.available_from,
    )
    return Status(201, ApplicationOut.of(view))


@router.get("/me/applications", response=ApplicationListOut, summary="My applications, newest first, with matches")
def my_applications(request: HttpRequest, query: Query[StatusQuery]) -> ApplicationListOut:
    views = applications.applications_of_user(user_id=_user_id(request), status=query.status)
    return ApplicationListOut(items=[ApplicationOut.of(view) for view in views])


@router.get(
    "/listings/{uuid:listing_id}/applications",
    response=ApplicationListOut,
    summary="A listing's applicants ranked by match, best first, with reasons (its poster and managers)",
)
def listing_applications(request: HttpRequest, listing_id: uuid.UUID, query: Query[StatusQuery]) -> ApplicationListOut:
    views = applications.applications_of_listing(
        viewer_id=_user_id(request), listing_id=listing_id, status=query.status
    )
    return ApplicationListOut(items=[ApplicationOut.of(view) for view in views])


@router.get(
    "/applications/{uuid:application_id}",
    response=ApplicationOut,
    summary="One application with its history (applicant, poster, admins)",
)
def application_get(request: HttpRequest, application_id: uuid.UUID) -> ApplicationOut:
    view = applications.application_get(viewer_id=_user_id(request), application_id=application_id)
    return ApplicationOut.of(view)


@router.post(
    "/applications/{uuid:application_id}/transition",
    response=ApplicationOut,
    summary="Move an application to another status (allowed transitions only)",
)
def application_transition(request: HttpRequest, application_id: uuid.UUID, payload: TransitionIn) -> ApplicationOut:
    view = applications.application_transition(
        actor_id=_user_id(request), application_id=application_id, to_status=payload.to_status, note=payload.note
    )
    return ApplicationOut.of(view)


@router.get("/me/matches", response=MatchListOut, summary="Open listings that match me, best first, with reasons")
def my_matches(request: HttpRequest, query: Query[MatchQuery]) -> HttpResponse:
    views = matching.matches_for_user(user_id=_user_id(request), limit=query.limit, kind=query.kind)
    return trusted_json(request, match_list_json(views))


@router.get(
    "/applications/{uuid:application_id}/messages",
    response=MessageListOut,
    summary="An application's message thread, oldest first",
)
def application_messages(request: HttpRequest, application_id: uuid.UUID) -> MessageListOut:
    views = applications.messages_of(viewer_id=_user_id(request), application_id=application_id)
    return MessageListOut(items=[ApplicationMessageOut.of(view) for view in views])


@router.post(
    "/applications/{uuid:application_id}/messages",
    response={201: ApplicationMessageOut},
    summary="Send a message in an application's thread (the applicant or the poster)",
)
def message_send(
    request: HttpRequest, application_id: uuid.UUID, payload: ApplicationMessageIn
) -> Status[ApplicationMessageOut]:
    view = applications.message_send(sender_id=_user_id(request), application_id=application_id, body=payload.body)
    return Status(201, ApplicationMessageOut.of(view))
