"""The onboarding /api/v1 routes for flows and sessions: the flows, start or resume, a session, a step, the
suggested type.

An Idempotency-Key on a POST is honoured by the gateway's middleware (the first response is replayed).
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.onboarding.schemas.flows import (
    OnboardingFlowOut,
    OnboardingSessionOut,
    OnboardingSessionStartIn,
    OnboardingStepSubmitIn,
    OnboardingSuggestionOut,
)
from azora.onboarding.selectors import sessions as selectors
from azora.onboarding.services import sessions as session_services
from azora.onboarding.services import steps as step_services

router = Router(tags=["onboarding"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    """The signed-in user (session or JWT); no API key is given the onboarding scope, so keys are refused."""
    return request_user_id(request, scope="onboarding")


@router.get("/onboarding/flows", response=list[OnboardingFlowOut], summary="The onboarding flows and their steps")
def flow_list(request: HttpRequest) -> list[OnboardingFlowOut]:
    _user_id(request)
    return [OnboardingFlowOut.of(view) for view in selectors.flows_list()]


@router.get(
    "/onboarding/suggestion", response=OnboardingSuggestionOut, summary="The user type suggested for the caller"
)
def suggestion(request: HttpRequest) -> OnboardingSuggestionOut:
    return OnboardingSuggestionOut.of(selectors.type_suggest(user_id=_user_id(request)))


@router.post(
    "/onboarding/sessions",
    response={200: OnboardingSessionOut, 201: OnboardingSessionOut},
    summary="Start a session of a flow (201), or resume the caller's one (200)",
)
def session_start(request: HttpRequest, payload: OnboardingSessionStartIn) -> Status[OnboardingSessionOut]:
    view, created = session_services.session_start(user_id=_user_id(request), flow=payload.flow)
    return Status(201 if created else 200, OnboardingSessionOut.of(view))


@router.get("/onboarding/sessions/{session_id}", response=OnboardingSessionOut, summary="One of the caller's sessions")
def session_get(request: HttpRequest, session_id: uuid.UUID) -> OnboardingSessionOut:
    return OnboardingSessionOut.of(selectors.session_get(session_id=session_id, user_id=_user_id(request)))


@router.post(
    "/onboarding/sessions/{session_id}/steps/{step}",
    response=OnboardingSessionOut,
    summary="Complete or skip the session's current step",
)
def step_submit(
    request: HttpRequest, session_id: uuid.UUID, step: str, payload: OnboardingStepSubmitIn
) -> OnboardingSessionOut:
    view = step_services.step_submit(
        session_id=session_id, user_id=_user_id(request), step=step, data=payload.data, skip=payload.skip
    )
    return OnboardingSessionOut.of(view)
