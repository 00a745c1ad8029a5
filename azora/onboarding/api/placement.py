"""The placement /api/v1 routes: start or resume a diagnostic, read it, answer its current item, the learning path."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.onboarding.errors import LearningPathNotFound
from azora.onboarding.public.placement import learning_path_of, placement_answer, placement_get
from azora.onboarding.schemas.placement import LearningPathOut, PlacementAnswerIn, PlacementOut, PlacementStartIn
from azora.onboarding.services import placement as placement_services

router = Router(tags=["placement"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); API keys carry no onboarding scope, so they are refused."""
    return request_user_id(request, scope="onboarding")


@router.post(
    "/placement/attempts",
    response={200: PlacementOut, 201: PlacementOut},
    summary="Start a placement diagnostic (201), or resume the caller's active one (200)",
)
def placement_start_endpoint(request: HttpRequest, body: PlacementStartIn) -> Status[PlacementOut]:
    view, created = placement_services.placement_begin(user_id=_user_id(request), session_id=body.session_id)
    return Status(201 if created else 200, PlacementOut.of(view))


@router.get("/placement/attempts/{attempt_id}", response=PlacementOut, summary="One of the caller's placement attempts")
def placement_get_endpoint(request: HttpRequest, attempt_id: uuid.UUID) -> PlacementOut:
    return PlacementOut.of(placement_get(attempt_id=attempt_id, user_id=_user_id(request)))


@router.post(
    "/placement/attempts/{attempt_id}/answers",
    response=PlacementOut,
    summary="Answer the current item; the next one is chosen from the answers so far",
)
def placement_answer_endpoint(request: HttpRequest, attempt_id: uuid.UUID, body: PlacementAnswerIn) -> PlacementOut:
    view = placement_answer(
        attempt_id=attempt_id, user_id=_user_id(request), question_id=body.question_id, answer=body.answer
    )
    return PlacementOut.of(view)


@router.get("/me/learning-path", response=LearningPathOut, summary="The caller's current learning path")
def learning_path_endpoint(request: HttpRequest) -> LearningPathOut:
    view = learning_path_of(user_id=_user_id(request))
    if view is None:
        raise LearningPathNotFound()
    return LearningPathOut.of(view)
