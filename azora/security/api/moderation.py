"""Aegis's /api/v1 routes for moderation: anyone signed in reports content; platform admins work the queue."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Query, Router, Status

import azora.accounts.public as accounts
import azora.security.public as security
from azora.security.api.events import operator_id
from azora.security.schemas_moderation import (
    ModerationCaseFilters,
    ModerationCaseOut,
    ModerationCasePageOut,
    ModerationDecisionIn,
    ModerationFlagIn,
    ModerationFlagOut,
)

router = Router(tags=["moderation"])
# No API key can be given this scope: reports come from people, not scripts.
REPORTER_SCOPE = "moderation"


@router.post("/moderation/flags", response={202: ModerationFlagOut}, summary="Report content for moderators to review")
def moderation_flag(request: HttpRequest, payload: ModerationFlagIn) -> Status[ModerationFlagOut]:
    reporter_id = accounts.request_user_id(request, scope=REPORTER_SCOPE)
    security.moderation_flag(
        source=payload.source, object_id=payload.object_id, excerpt="", reason=payload.reason, reporter_id=reporter_id
    )
    return Status(202, ModerationFlagOut(received=True))


@router.get(
    "/moderation/cases", response=ModerationCasePageOut, summary="The moderation queue, oldest first (platform admins)"
)
def moderation_case_list(request: HttpRequest, filters: Query[ModerationCaseFilters]) -> ModerationCasePageOut:
    operator_id(request)
    page = security.moderation_case_page(status=filters.status, cursor=filters.cursor, limit=filters.limit)
    return ModerationCasePageOut(
        items=[ModerationCaseOut.of(case) for case in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/moderation/cases/{case_id}/decision",
    response=ModerationCaseOut,
    summary="Keep or remove the reported content (platform admins; audited)",
)
def moderation_decide(request: HttpRequest, case_id: uuid.UUID, payload: ModerationDecisionIn) -> ModerationCaseOut:
    moderator_id = operator_id(request)
    view = security.moderation_decide(
        moderator_id=moderator_id, case_id=case_id, decision=payload.decision, note=payload.note
    )
    return ModerationCaseOut.of(view)
