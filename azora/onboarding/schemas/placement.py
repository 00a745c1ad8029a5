"""Request and response schemas of the placement API: attempts, their current item, answers, the learning path."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from azora.onboarding.public.placement import (
    LearningPathItem,
    LearningPathView,
    PlacementItemView,
    PlacementView,
)
from azora.shared.schemas import StrictIn


class PlacementStartIn(StrictIn):
    session_id: uuid.UUID | None = Field(default=None, description="The onboarding session this placement belongs to.")


class PlacementAnswerIn(StrictIn):
    question_id: uuid.UUID = Field(description="The current item's question id (anything else: 409).")
    # Every shape an auto-graded answer takes; an object is none of them (422 naming the field).
    answer: str | bool | int | float | list[str] | None = Field(
        default=None,
        description='single_choice "a"; multiple_choice ["a","c"]; true_false true|false; numeric "3.14"; '
        'short_text "text"; ordering ["id", ...]. null or "" means "I don\'t know" (not right).',
    )


class PlacementChoiceOut(Schema):
    id: str
    text: str


class PlacementItemOut(Schema):
    """The question to answer now; never its answer."""

    question_id: uuid.UUID
    number: int = Field(description="1-based position in the attempt.")
    prompt: str
    kind: str
    choices: list[PlacementChoiceOut] = Field(description="Options (choice kinds) or items to order; else empty.")
    subject: str = Field(description="The course category's slug.")
    subject_name: str
    level: str

    @staticmethod
    def of(view: PlacementItemView) -> PlacementItemOut:
        return PlacementItemOut(
            question_id=view.question_id,
            number=view.number,
            prompt=view.prompt,
            kind=view.kind,
            choices=[PlacementChoiceOut(id=choice_id, text=text) for choice_id, text in view.choices],
            subject=view.subject,
            subject_name=view.subject_name,
            level=view.level,
        )


class PlacementOut(Schema):
    id: uuid.UUID
    status: str = Field(description="active | completed")
    answered: int
    planned_max: int = Field(description="The most items this attempt asks (fewer when the banks hold fewer).")
    current: PlacementItemOut | None = Field(description="null once completed.")
    estimates: dict[str, str] = Field(description="Subject slug -> level (beginner..expert), once completed.")
    subject_names: dict[str, str]
    notice: str = Field(description="Set when the question banks hold fewer items than the diagnostic's minimum.")
    learning_path_id: uuid.UUID | None
    created_at: dt.datetime
    completed_at: dt.datetime | None

    @staticmethod
    def of(view: PlacementView) -> PlacementOut:
        return PlacementOut(
            id=view.id,
            status=view.status,
            answered=view.answered,
            planned_max=view.planned_max,
            current=PlacementItemOut.of(view.current) if view.current is not None else None,
            estimates=view.estimates,
            subject_names=view.subject_names,
            notice=view.notice,
            learning_path_id=view.learning_path_id,
            created_at=view.created_at,
            completed_at=view.completed_at,
        )


class LearningPathItemOut(Schema):
    course_id: uuid.UUID
    course_slug: str
    course_title: str
    lesson_id: uuid.UUID | None = Field(description="The course's first lesson.")
    lesson_title: str
    reason: str = Field(description="One sentence: why this course, and why here.")
    subject: str
    level: str

    @staticmethod
    def of(view: LearningPathItem) -> LearningPathItemOut:
        return LearningPathItemOut(
            course_id=view.course_id,
            course_slug=view.course_slug,
            course_title=view.course_title,
            lesson_id=view.lesson_id,
            lesson_title=view.lesson_title,
            reason=view.reason,
            subject=view.subject,
            level=view.level,
        )


class LearningPathOut(Schema):
    id: uuid.UUID
    items: list[LearningPathItemOut] = Field(description="In order: prerequisites before the courses that need them.")
    estimates: dict[str, str]
    subject_names: dict[str, str]
    placement_reoffered: bool = Field(description="A course was completed since: the placement is offered again.")
    reoffer_reason: str
    reoffered_at: dt.datetime | None
    attempt_id: uuid.UUID | None
    created_at: dt.datetime

    @staticmethod
    def of(view: LearningPathView) -> LearningPathOut:
        return LearningPathOut(
            id=view.id,
            items=[LearningPathItemOut.of(item) for item in view.items],
            estimates=view.estimates,
            subject_names=view.subject_names,
            placement_reoffered=view.placement_reoffered,
            reoffer_reason=view.reoffer_reason,
            reoffered_at=view.reoffered_at,
            attempt_id=view.attempt_id,
            created_at=view.created_at,
        )
