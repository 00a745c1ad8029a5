"""Request and response shapes of the assessment and grade endpoints; requests refuse fields they do not know.

Numbers that must stay exact (points, percents, weights) travel as decimal strings ("72.50"); requests also
accept integers. Answers are free-form JSON here: the grade engine checks each against its question's type.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from azora.shared.schemas import StrictIn

type ExactNumber = str | int

QuestionKindName = Literal[
    "single_choice", "multiple_choice", "true_false", "numeric", "short_text", "ordering", "free_text"
]


class QuestionCreateIn(StrictIn):
    kind: QuestionKindName
    prompt: str = Field(max_length=5000)
    definition: dict[str, Any] = Field(
        description=(
            "Per kind: single_choice {options:[{id,text}], correct:id}; multiple_choice {options, correct:[ids]}; "
            'true_false {correct:bool}; numeric {value:"3.14", tolerance:"0.01"}; short_text {accepted:[...], '
            "match: exact|casefold|regex}; ordering {items:[{id,text}] in the right order, rule: all_or_nothing|"
            "position}; free_text {rubric:[{id, description, points}]}."
        )
    )
    points: ExactNumber | None = Field(default=None, description="Default 1; free text: the rubric's sum.")
    feedback: str = Field(default="", max_length=5000, description="Shown with the right answer after an attempt.")


class QuestionUpdateIn(StrictIn):
    prompt: str | None = Field(default=None, max_length=5000)
    definition: dict[str, Any] | None = None
    points: ExactNumber | None = None
    feedback: str | None = Field(default=None, max_length=5000)


class QuestionOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    kind: str
    prompt: str
    points: Decimal
    definition: dict[str, Any]
    feedback: str
    credit_rule: str
    is_archived: bool
    created_at: datetime
    updated_at: datetime


class GradeCategoryIn(StrictIn):
    weight: ExactNumber = Field(description="Relative weight, above 0.")
    drop_lowest: int = Field(default=0, ge=0, le=50, description="How many of the lowest scores to leave out.")


class GradeCategoryOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    name: str
    weight: Decimal
    drop_lowest: int


class AssessmentFieldsIn(StrictIn):
    description: str | None = None
    module_id: uuid.UUID | None = None
    selection: Literal["fixed", "random"] | None = None
    draw_count: int | None = Field(default=None, description="Questions drawn per attempt (random selection).")
    passing_percent: ExactNumber | None = Field(default=None, description="Default 70.")
    max_attempts: int | None = Field(default=None, description="None: unlimited.")
    time_limit_seconds: int | None = Field(default=None, description="None: untimed; enforced on the server.")
    is_required: bool | None = None
    category: str | None = Field(default=None, description="Grade category name; created with weight 1 if new.")
    weight: ExactNumber | None = Field(default=None, description="Weight inside its category (default 1).")
    position: int | None = None
    question_ids: list[uuid.UUID] | None = Field(default=None, description="Listed questions, in order.")


class AssessmentCreateIn(AssessmentFieldsIn):
    title: str = Field(max_length=200)


class AssessmentUpdateIn(AssessmentFieldsIn):
    title: str | None = Field(default=None, max_length=200)


class AssessmentOut(Schema):
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
    question_ids: list[uuid.UUID]


class AssessmentSummaryOut(Schema):
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


class QuestionReviewOut(Schema):
    status: str
    points_awarded: Decimal | None
    correct_answer: Any
    feedback: str
    rubric_points: dict[str, Decimal] | None
    grader_comment: str


class AttemptQuestionOut(Schema):
    id: uuid.UUID
    position: int
    kind: str
    prompt: str
    points: Decimal
    credit_rule: str
    content: dict[str, Any] = Field(description="Options or items to show; never an answer.")
    answer: Any = Field(description="The learner's saved answer, or null.")
    review: QuestionReviewOut | None = Field(description="Only once the attempt has closed.")


class AttemptOut(Schema):
    id: uuid.UUID
    assessment_id: uuid.UUID
    assessment_title: str
    course_id: uuid.UUID
    number: int
    status: Literal["open", "awaiting_grading", "closed"]
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
    questions: list[AttemptQuestionOut]


class AnswersIn(StrictIn):
    answers: dict[str, Any] = Field(description="Question id -> answer; null clears an answer.")


class AttemptSubmitIn(StrictIn):
    answers: dict[str, Any] = Field(default_factory=dict, description="Saved before the attempt is scored.")


class FreeTextAnswerOut(Schema):
    attempt_id: uuid.UUID
    assessment_id: uuid.UUID
    assessment_title: str
    question_id: uuid.UUID
    prompt: str
    user_id: uuid.UUID
    learner_name: str
    answer: str
    rubric: list[dict[str, Any]]
    submitted_at: datetime | None


class FreeTextGradeIn(StrictIn):
    points: dict[str, ExactNumber] = Field(description="Rubric criterion id -> points awarded.")
    comment: str = Field(default="", max_length=5000)


class GradeOverrideIn(StrictIn):
    percent: ExactNumber = Field(description="The grade to set, 0 to 100 with 2 decimals at most.")
    reason: str = Field(max_length=1000)


class GradeOverrideOut(Schema):
    id: int
    course_id: uuid.UUID
    user_id: uuid.UUID
    by_user_id: uuid.UUID
    old_percent: Decimal | None
    new_percent: Decimal
    reason: str
    created_at: datetime


class GradeItemLineOut(Schema):
    assessment_id: uuid.UUID
    title: str
    category: str
    weight: Decimal
    score_percent: Decimal | None
    state: Literal["counted", "dropped", "not_attempted", "awaiting_grading"]
    share_of_grade_percent: Decimal
    explanation: str


class GradeCategoryLineOut(Schema):
    name: str
    weight: Decimal
    share_of_grade_percent: Decimal
    average_percent: Decimal | None
    drop_lowest: int
    dropped: list[uuid.UUID]
    explanation: str


class GradeOut(Schema):
    """A course grade with its explanation: each item's score, weight, category and state, and the rules."""

    user_id: uuid.UUID
    course_id: uuid.UUID
    percent: Decimal | None
    computed_percent: Decimal | None
    override: GradeOverrideOut | None
    summary: str
    categories: list[GradeCategoryLineOut]
    items: list[GradeItemLineOut]
    rules: list[str]
    rounding: str
    computed_at: datetime


class GradebookRowOut(Schema):
    user_id: uuid.UUID
    percent: Decimal | None
    computed_percent: Decimal | None
    is_overridden: bool
    computed_at: datetime | None


class GradesRecomputedOut(Schema):
    changed: int = Field(description="How many learners' stored grades changed.")
