"""Request and response schemas of the onboarding flows API: flows, sessions with their steps, the type suggestion."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from azora.onboarding.public.flows import FlowView, SessionView, StepView, TypeSuggestion
from azora.shared.schemas import StrictIn


class OnboardingStepOut(Schema):
    slug: str
    title: str
    kind: str = Field(
        description="welcome | profile | goals | language | placement | plan | first_lesson | credentials | terms | "
        "payout | first_course | organisation | verification | invite_members | sso"
    )
    skippable: bool
    guide: str = Field(description="Elara's scripted guidance for the step, in the caller's language.")
    status: str = Field(default="", description='In a session: "" (not yet), "completed" or "skipped".')
    data: dict[str, Any] | None = Field(
        default=None, description="In a session: what the step recorded (account numbers only masked)."
    )

    @staticmethod
    def of(view: StepView) -> OnboardingStepOut:
        return OnboardingStepOut(
            slug=view.slug,
            title=view.title,
            kind=view.kind,
            skippable=view.skippable,
            guide=view.guide,
            status=view.status,
            data=view.data,
        )


class OnboardingFlowOut(Schema):
    slug: str = Field(description="learner | instructor | organisation")
    title: str
    version: int
    steps: list[OnboardingStepOut]

    @staticmethod
    def of(view: FlowView) -> OnboardingFlowOut:
        return OnboardingFlowOut(
            slug=view.slug,
            title=view.title,
            version=view.version,
            steps=[OnboardingStepOut.of(step) for step in view.steps],
        )


class OnboardingSessionOut(Schema):
    id: uuid.UUID
    flow: str
    flow_version: int
    status: str = Field(description="active | completed | abandoned")
    steps: list[OnboardingStepOut] = Field(description="The steps as the flow was when the session started.")
    current_step: str = Field(description='The step to do next; "" when the session is no longer active.')
    progress: float = Field(description="Completed or skipped steps / all steps, 0..1.")
    suggested_type: str
    suggestion_reason: str
    next_url: str = Field(
        default="",
        description="After a step: where to continue (the Pay UI's plan checkout for PRO, the first lesson, the new "
        'course draft); "" otherwise.',
    )
    created_at: dt.datetime
    completed_at: dt.datetime | None

    @staticmethod
    def of(view: SessionView) -> OnboardingSessionOut:
        return OnboardingSessionOut(
            id=view.id,
            flow=view.flow,
            flow_version=view.flow_version,
            status=view.status,
            steps=[OnboardingStepOut.of(step) for step in view.steps],
            current_step=view.current_step,
            progress=view.progress,
            suggested_type=view.suggested_type,
            suggestion_reason=view.suggestion_reason,
            next_url=view.next_url,
            created_at=view.created_at,
            completed_at=view.completed_at,
        )


class OnboardingSessionStartIn(StrictIn):
    flow: str | None = Field(
        default=None,
        max_length=32,
        description="learner | instructor | organisation; omitted: the caller's active session, else the suggested "
        "type's flow.",
    )


class OnboardingStepSubmitIn(StrictIn):
    data: dict[str, Any] = Field(default_factory=dict, description="The step's answers (see docs/onboarding.md).")
    skip: bool = Field(default=False, description="Skip the step (only where the flow allows it).")


class OnboardingSuggestionOut(Schema):
    user_type: str = Field(description="learner | instructor | organisation")
    is_student: bool
    reason: str

    @staticmethod
    def of(view: TypeSuggestion) -> OnboardingSuggestionOut:
        return OnboardingSuggestionOut(user_type=view.user_type, is_student=view.is_student, reason=view.reason)
