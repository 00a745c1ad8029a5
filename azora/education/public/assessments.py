"""Education's public contract for assessments and grades: authoring, attempts, rubric grading, explained grades.

The dataclasses are defined here; the functions delegate to the area's services and selectors, imported inside
each function because those modules import the dataclasses defined here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "AssessmentAuthorView",
    "AssessmentSummary",
    "AttemptQuestionView",
    "AttemptView",
    "FreeTextAnswerView",
    "GradeCategoryConfig",
    "GradeCategoryLine",
    "GradeItemLine",
    "GradeOverrideView",
    "GradeView",
    "GradebookRow",
    "QuestionAuthorView",
    "QuestionReview",
    "assessment_create",
    "assessment_update",
    "assessments_for_author",
    "assessments_of_course",
    "attempt_get",
    "attempt_save_answers",
    "attempt_start",
    "attempt_submit",
    "attempts_of",
    "free_text_answers_to_grade",
    "free_text_grade",
    "grade_categories_of",
    "grade_category_set",
    "grade_for",
    "grade_override",
    "grade_overrides_of",
    "grade_recompute",
    "grades_of_course",
    "grades_recompute_course",
    "question_create",
    "question_delete",
    "question_update",
    "questions_of_course",
]


# --- Authoring ---


@dataclass(frozen=True, slots=True)
class QuestionAuthorView:
    """A bank question as its course's instructors see it, answers included. `credit_rule` is what learners see."""

    id: uuid.UUID
    course_id: uuid.UUID
    kind: str
    prompt: str
    points: Decimal
    definition: Mapping[str, Any]
    feedback: str
    credit_rule: str
    is_archived: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GradeCategoryConfig:
    id: uuid.UUID
    course_id: uuid.UUID
    name: str
    weight: Decimal
    drop_lowest: int


@dataclass(frozen=True, slots=True)
class AssessmentAuthorView:
    """An assessment's settings. `question_ids` are the listed questions in order (the pool of a random draw)."""

    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID | None
    title: str
    description: str
    selection: str
    draw_count: int | None
    passing_percent: Decimal
    max_attempts: int | None
    time_limit_seconds: int | None
    is_required: bool
    category: str
    weight: Decimal
    position: int
    question_ids: tuple[uuid.UUID, ...]


# --- Taking assessments ---


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    """An assessment as an enrolled learner sees it in the course, with their own attempts so far."""

    id: uuid.UUID
    course_id: uuid.UUID
    module_id: uuid.UUID | None
    title: str
    description: str
    question_count: int
    passing_percent: Decimal
    max_attempts: int | None
    time_limit_seconds: int | None
    is_required: bool
    category: str
    attempts_used: int
    attempts_left: int | None
    best_percent: Decimal | None
    is_passed: bool
    open_attempt_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class QuestionReview:
    """What a learner learns about a question once the attempt has closed."""

    status: str  # correct, partial, incorrect, unanswered, awaiting_grading, graded
    points_awarded: Decimal | None
    correct_answer: Any  # None for free text (graded by rubric)
    feedback: str
    rubric_points: Mapping[str, Decimal] | None
    grader_comment: str


@dataclass(frozen=True, slots=True)
class AttemptQuestionView:
    """A question of an attempt. `content` never holds an answer; `review` is None while the attempt is open."""

    id: uuid.UUID
    position: int
    kind: str
    prompt: str
    points: Decimal
    credit_rule: str
    content: Mapping[str, Any]
    answer: Any
    review: QuestionReview | None


@dataclass(frozen=True, slots=True)
class AttemptView:
    """An attempt as its learner sees it. `remaining_seconds` counts down to the server-side deadline."""

    id: uuid.UUID
    assessment_id: uuid.UUID
    assessment_title: str
    course_id: uuid.UUID
    user_id: uuid.UUID
    number: int
    status: str  # open, awaiting_grading, closed
    started_at: datetime
    deadline: datetime | None
    remaining_seconds: int | None
    submitted_at: datetime | None
    submitted_by: str
    closed_at: datetime | None
    passing_percent: Decimal
    points_awarded: Decimal | None
    points_possible: Decimal | None
    score_percent: Decimal | None
    is_passed: bool | None
    questions: tuple[AttemptQuestionView, ...]


@dataclass(frozen=True, slots=True)
class FreeTextAnswerView:
    """A free-text answer waiting for an instructor, with its rubric."""

    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    assessment_title: str
    question_id: uuid.UUID
    prompt: str
    user_id: uuid.UUID
    learner_name: str
    answer: str
    rubric: tuple[Mapping[str, Any], ...]
    submitted_at: datetime | None


# --- Grades ---


@dataclass(frozen=True, slots=True)
class GradeItemLine:
    assessment_id: uuid.UUID
    title: str
    category: str
    weight: Decimal
    score_percent: Decimal | None
    state: str  # counted, dropped, not_attempted, awaiting_grading
    share_of_grade_percent: Decimal
    explanation: str


@dataclass(frozen=True, slots=True)
class GradeCategoryLine:
    name: str
    weight: Decimal
    share_of_grade_percent: Decimal
    average_percent: Decimal | None
    drop_lowest: int
    dropped: tuple[uuid.UUID, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class GradeOverrideView:
    """One audited override: who set which grade over which, when and why."""

    id: int
    course_id: uuid.UUID
    user_id: uuid.UUID
    by_user_id: uuid.UUID
    old_percent: Decimal | None
    new_percent: Decimal
    reason: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GradeView:
    """A learner's course grade and why. `percent` counts (the override when there is one); `snapshot_json` is the
    stored canonical form, identical byte for byte after a recompute of unchanged data."""

    user_id: uuid.UUID
    course_id: uuid.UUID
    percent: Decimal | None
    computed_percent: Decimal | None
    override: GradeOverrideView | None
    summary: str
    categories: tuple[GradeCategoryLine, ...]
    items: tuple[GradeItemLine, ...]
    rules: tuple[str, ...]
    rounding: str
    computed_at: datetime
    snapshot_json: str


@dataclass(frozen=True, slots=True)
class GradebookRow:
    """One enrolled learner's stored course grade, for the course's editors (None: nothing stored yet)."""

    user_id: uuid.UUID
    percent: Decimal | None
    computed_percent: Decimal | None
    is_overridden: bool
    computed_at: datetime | None
    learner_name: str = ""  # the learner's display name (or email), for the editors' gradebook


# --- Functions: authoring ---


def questions_of_course(
    *, course_id: uuid.UUID, user_id: uuid.UUID, include_archived: bool = False
) -> list[QuestionAuthorView]:
    from azora.education.selectors import assessments

    return assessments.questions_of_course(course_id=course_id, user_id=user_id, include_archived=include_archived)


def question_create(
    *,
    course_id: uuid.UUID,
    user_id: uuid.UUID,
    kind: str,
    prompt: str,
    definition: Mapping[str, Any],
    points: Any = None,
    feedback: str = "",
) -> QuestionAuthorView:
    from azora.education.services import assessments

    return assessments.question_create(
        course_id=course_id,
        user_id=user_id,
        kind=kind,
        prompt=prompt,
        definition=definition,
        points=points,
        feedback=feedback,
    )


def question_update(*, question_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> QuestionAuthorView:
    """Fields: prompt, points, definition, feedback (the kind never changes)."""
    from azora.education.services import assessments

    return assessments.question_update(question_id=question_id, user_id=user_id, **fields)


def question_delete(*, question_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Deletes an unused question; one that an assessment lists or an attempt used is archived instead."""
    from azora.education.services import assessments

    assessments.question_delete(question_id=question_id, user_id=user_id)


def grade_category_set(
    *, course_id: uuid.UUID, user_id: uuid.UUID, name: str, weight: Any, drop_lowest: int = 0
) -> GradeCategoryConfig:
    from azora.education.services import assessments

    return assessments.grade_category_set(
        course_id=course_id, user_id=user_id, name=name, weight=weight, drop_lowest=drop_lowest
    )


def grade_categories_of(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[GradeCategoryConfig]:
    from azora.education.selectors import assessments

    return assessments.grade_categories_of(course_id=course_id, user_id=user_id)


def assessment_create(*, course_id: uuid.UUID, user_id: uuid.UUID, title: str, **fields: Any) -> AssessmentAuthorView:
    """Fields: description, module_id, selection, draw_count, passing_percent, max_attempts, time_limit_seconds,
    is_required, category (a name; created with weight 1 when new), weight, position, question_ids."""
    from azora.education.services import assessments

    return assessments.assessment_create(course_id=course_id, user_id=user_id, title=title, **fields)


def assessment_update(*, assessment_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> AssessmentAuthorView:
    from azora.education.services import assessments

    return assessments.assessment_update(assessment_id=assessment_id, user_id=user_id, **fields)


def assessments_for_author(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[AssessmentAuthorView]:
    from azora.education.selectors import assessments

    return assessments.assessments_for_author(course_id=course_id, user_id=user_id)


# --- Functions: learners ---


def assessments_of_course(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[AssessmentSummary]:
    """The course's assessments with the learner's own attempts (enrolled learners and the course's editors)."""
    from azora.education.selectors import assessments

    return assessments.assessments_of_course(course_id=course_id, user_id=user_id)


def attempt_start(*, assessment_id: uuid.UUID, user_id: uuid.UUID) -> AttemptView:
    """Starts an attempt, or resumes the learner's open one."""
    from azora.education.services import assessments

    return assessments.attempt_start(assessment_id=assessment_id, user_id=user_id)


def attempt_get(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> AttemptView:
    """The learner's own attempt (submitted first when its time ran out); anyone else's is AttemptNotFound."""
    from azora.education.services import assessments

    return assessments.attempt_refresh(attempt_id=attempt_id, user_id=user_id)


def attempts_of(*, assessment_id: uuid.UUID, user_id: uuid.UUID) -> list[AttemptView]:
    from azora.education.selectors import assessments

    return assessments.attempts_of(assessment_id=assessment_id, user_id=user_id)


def attempt_save_answers(*, attempt_id: uuid.UUID, user_id: uuid.UUID, answers: Mapping[str, Any]) -> AttemptView:
    """Saves answers (question id -> answer) into the open attempt; all are checked before any is saved."""
    from azora.education.services import assessments

    return assessments.attempt_save_answers(attempt_id=attempt_id, user_id=user_id, answers=answers)


def attempt_submit(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, answers: Mapping[str, Any] | None = None
) -> AttemptView:
    """Saves `answers` (if any), scores and closes the attempt (or leaves it awaiting rubric grading)."""
    from azora.education.services import assessments

    return assessments.attempt_submit(attempt_id=attempt_id, user_id=user_id, answers=answers)


# --- Functions: instructors grading ---


def free_text_answers_to_grade(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[FreeTextAnswerView]:
    from azora.education.selectors import assessments

    return assessments.free_text_answers_to_grade(course_id=course_id, user_id=user_id)


def free_text_grade(
    *,
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    user_id: uuid.UUID,
    points: Mapping[str, Any],
    comment: str = "",
) -> AttemptView:
    """Scores one free-text answer by its rubric (criterion id -> points); returns the learner's view of the attempt."""
    from azora.education.services import assessments

    return assessments.free_text_grade(
        attempt_id=attempt_id, question_id=question_id, user_id=user_id, points=points, comment=comment
    )


# --- Functions: grades ---


def grade_for(*, user_id: uuid.UUID, course_id: uuid.UUID, viewer_id: uuid.UUID | None = None) -> GradeView:
    """The learner's course grade with its explanation; `viewer_id` (default: the learner) must be them or an editor."""
    from azora.education.selectors import assessments

    return assessments.grade_for(user_id=user_id, course_id=course_id, viewer_id=viewer_id or user_id)


def grade_recompute(*, course_id: uuid.UUID, user_id: uuid.UUID, by_user_id: uuid.UUID) -> GradeView:
    from azora.education.services import assessments

    return assessments.grade_recompute(course_id=course_id, user_id=user_id, by_user_id=by_user_id)


def grade_override(
    *, course_id: uuid.UUID, user_id: uuid.UUID, by_user_id: uuid.UUID, percent: Any, reason: str
) -> GradeView:
    """Sets the learner's course grade by hand, with a reason; recorded in the append-only override audit."""
    from azora.education.services import assessments

    return assessments.grade_override(
        course_id=course_id, user_id=user_id, by_user_id=by_user_id, percent=percent, reason=reason
    )


def grade_overrides_of(*, course_id: uuid.UUID, user_id: uuid.UUID, viewer_id: uuid.UUID) -> list[GradeOverrideView]:
    from azora.education.selectors import assessments

    return assessments.grade_overrides_of(course_id=course_id, user_id=user_id, viewer_id=viewer_id)


def grades_of_course(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[GradebookRow]:
    """Every enrolled learner's stored grade (the course's editors); a fixed number of queries."""
    from azora.education.selectors import assessments

    return assessments.grades_of_course(course_id=course_id, user_id=user_id)


def grades_recompute_course(*, course_id: uuid.UUID, by_user_id: uuid.UUID) -> int:
    """Recomputes and stores every enrolled learner's grade (after settings changed); returns how many changed."""
    from azora.education.services import assessments

    return assessments.grades_recompute_course(course_id=course_id, by_user_id=by_user_id)
