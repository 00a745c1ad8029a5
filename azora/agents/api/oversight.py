"""The agents API: oversight — the consent notice learners accept once, and the conversations overseers see.

Overseers (a course's instructors, the admins of a learner's organisation, platform admins) read a transcript
through `GET /conversations/{id}`. Signed-in users only (API keys are refused).
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router

from azora.accounts.public import request_user_id
from azora.agents.public import (
    oversight_consent_give,
    oversight_consent_given,
    oversight_conversations,
    oversight_notice,
)
from azora.agents.schemas.oversight import OversightConsentOut, OversightConversationOut, OversightQuery
from azora.shared.pagination import Paged

router = Router(tags=["agents"])

AGENTS_SCOPE = "agents"


def _user_id(request: HttpRequest) -> uuid.UUID:
    return request_user_id(request, scope=AGENTS_SCOPE)


def _consent_out(user_id: uuid.UUID) -> OversightConsentOut:
    notice = oversight_notice()
    return OversightConsentOut(version=notice.version, text=notice.text, given=oversight_consent_given(user_id=user_id))


@router.get(
    "/me/oversight-consent",
    response=OversightConsentOut,
    summary="Who can read the caller's conversations (the notice), and whether they accepted it",
)
def oversight_consent_show(request: HttpRequest) -> OversightConsentOut:
    return _consent_out(_user_id(request))


@router.post(
    "/me/oversight-consent",
    response=OversightConsentOut,
    summary="Accept the current notice (once; again changes nothing) before the first message",
)
def oversight_consent_accept(request: HttpRequest) -> OversightConsentOut:
    user_id = _user_id(request)
    oversight_consent_give(user_id=user_id)
    return _consent_out(user_id)


@router.get(
    "/oversight/conversations",
    response=Paged[OversightConversationOut],
    summary="Learners' conversations the caller oversees, flagged first, each with every flag",
)
def oversight_conversation_list(request: HttpRequest, query: Query[OversightQuery]) -> Paged[OversightConversationOut]:
    page = oversight_conversations(
        viewer_id=_user_id(request),
        course_id=query.course_id,
        flagged_only=query.flagged,
        cursor=query.cursor,
        limit=query.limit,
    )
    return Paged[OversightConversationOut](
        items=[OversightConversationOut.of_view(view) for view in page.items], next_cursor=page.next_cursor
    )
