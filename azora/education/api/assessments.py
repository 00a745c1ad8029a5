"""Education API routes for assessments and grades: the question bank, assessment settings, attempts, rubric grading,
the caller's grades with their explanation, and instructors' overrides and recomputes."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Status

from azora.accounts.public import request_user_id
from azora.education.schemas.assessments import (
    AnswersIn,
    AssessmentCreateIn,
    AssessmentOut,
    AssessmentSummaryOut,
    AssessmentUpdateIn,
    AttemptOut,
    AttemptSubmitIn,
    FreeTextAnswerOut,
    FreeTextGradeIn,
    GradebookRowOut,
    GradeCategoryIn,
    GradeCategoryOut,
    GradeOut,
    GradeOverrideIn,
    GradeOverrideOut,
    GradesRecomputedOut,
    QuestionCreateIn,
    QuestionOut,
    QuestionUpdateIn,
)
from azora.education.selectors import assessments as selectors
from azora.education.services import assessments as services

router = Router(tags=["assessments"])


def _user_id(request: HttpRequest) -> uuid.UUID:
    return request_user_id(request)


# --- Question bank (the course's editors) ---


@router.get("/courses/{course_id}/questions", response=list[QuestionOut], summary="The course's question bank")
def question_list(request: HttpRequest, course_id: uuid.UUID, include_archived: bool = False) -> object:
    return selectors.questions_of_course(
        course_id=course_id, user_id=_user_id(request), include_archived=include_archived
    )


@router.post("/courses/{course_id}/questions", response={201: QuestionOut}, summary="Add a question to the bank")
def question_create(request: HttpRequest, course_id: uuid.UUID, payload: QuestionCreateIn) -> Status[object]:
    question = services.question_create(
        course_id=course_id,
        user_id=_user_id(request),
        kind=payload.kind,
        prompt=payload.prompt,
        definition=payload.definition,
        points=payload.points,
        feedback=payload.feedback,
    )
    return Status(201, question)


@router.patch("/questions/{question_id}", response=QuestionOut, summary="Change a question")
def question_update(request: HttpRequest, question_id: uuid.UUID, payload: QuestionUpdateIn) -> object:
    fields = payload.model_dump(exclude_unset=True)
    return services.question_update(question_id=question_id, user_id=_user_id(request), **fields)


@router.delete(
    "/questions/{question_id}",
    response={204: None},
    summary="Delete a question (archived instead when an attempt used it)",
)
def question_delete(request: HttpRequest, question_id: uuid.UUID) -> Status[None]:
    services.question_delete(question_id=question_id, user_id=_user_id(request))
    return Status(204, None)


# --- Grade categories and assessment settings (the course's editors) ---


@router.get("/courses/{course_id}/grade-categories", response=list[GradeCategoryOut], summary="Grade categories")
def grade_category_list(request: HttpRequest, course_id: uuid.UUID) -> object:
    return selectors.grade_categories_of(course_id=course_id, user_id=_user_id(request))


@router.put(
    "/courses/{course_id}/grade-categories/{name}",
    response=GradeCategoryOut,
    summary="Create or change a grade category (weight, drop-lowest)",
)
def grade_category_set(request: HttpRequest, course_id: uuid.UUID, name: str, payload: GradeCategoryIn) -> object:
    return services.grade_category_set(
        course_id=course_id,
        user_id=_user_id(request),
        name=name,
        weight=payload.weight,
        drop_lowest=payload.drop_lowest,
    )


@router.get(
    "/courses/{course_id}/assessment-settings",
    response=list[AssessmentOut],
    summary="Every assessment of the course with its settings (the course's editors)",
)
def assessment_settings_list(request: HttpRequest, course_id: uuid.UUID) -> object:
    return selectors.assessments_for_author(course_id=course_id, user_id=_user_id(request))


@router.post("/courses/{course_id}/assessments", response={201: AssessmentOut}, summary="Create an assessment")
def assessment_create(request: HttpRequest, course_id: uuid.UUID, payload: AssessmentCreateIn) -> Status[object]:
    fields = payload.model_dump(exclude_unset=True)
    title = fields.pop("title")
    return Status(
        201, services.assessment_create(course_id=course_id, user_id=_user_id(request), title=title, **fields)
    )


@router.patch("/assessments/{assessment_id}", response=AssessmentOut, summary="Change an assessment's settings")
def assessment_update(request: HttpRequest, assessment_id: uuid.UUID, payload: AssessmentUpdateIn) -> object:
    fields = payload.model_dump(exclude_unset=True)
    return services.assessment_update(assessment_id=assessment_id, user_id=_user_id(request), **fields)


# --- Taking assessments (enrolled learners; each sees only their own attempts) ---


@router.get(
    "/courses/{course_id}/assessments",
    response=list[AssessmentSummaryOut],
    summary="The course's assessments with the caller's attempts so far",
)
def assessment_list(request: HttpRequest, course_id: uuid.UUID) -> object:
    return selectors.assessments_of_course(course_id=course_id, user_id=_user_id(request))


@router.post(
    "/assessments/{assessment_id}/attempts",
    response={201: AttemptOut},
    summary="Start an attempt (or resume the open one)",
)
def attempt_start(request: HttpRequest, assessment_id: uuid.UUID) -> Status[object]:
    return Status(201, services.attempt_start(assessment_id=assessment_id, user_id=_user_id(request)))


@router.get(
    "/assessments/{assessment_id}/attempts", response=list[AttemptOut], summary="The caller's attempts, oldest first"
)
def attempt_list(request: HttpRequest, assessment_id: uuid.UUID) -> object:
    return selectors.attempts_of(assessment_id=assessment_id, user_id=_user_id(request))


@router.get("/attempts/{attempt_id}", response=AttemptOut, summary="One of the caller's attempts")
def attempt_get(request: HttpRequest, attempt_id: uuid.UUID) -> object:
    return services.attempt_refresh(attempt_id=attempt_id, user_id=_user_id(request))


@router.put(
    "/attempts/{attempt_id}/answers",
    response=AttemptOut,
    summary="Save answers into the open attempt (one wrong-typed answer saves none)",
)
def attempt_save_answers(request: HttpRequest, attempt_id: uuid.UUID, payload: AnswersIn) -> object:
    return services.attempt_save_answers(attempt_id=attempt_id, user_id=_user_id(request), answers=payload.answers)


@router.post(
    "/attempts/{attempt_id}/submit",
    response=AttemptOut,
    summary="Submit the attempt: it is scored, and answers and feedback are shown once it closes",
)
def attempt_submit(request: HttpRequest, attempt_id: uuid.UUID, payload: AttemptSubmitIn) -> object:
    return services.attempt_submit(attempt_id=attempt_id, user_id=_user_id(request), answers=payload.answers)


# --- Rubric grading (the course's editors) ---


@router.get(
    "/courses/{course_id}/free-text-answers",
    response=list[FreeTextAnswerOut],
    summary="Free-text answers waiting for an instructor's rubric grade, oldest first",
)
def free_text_answer_list(request: HttpRequest, course_id: uuid.UUID) -> object:
    return selectors.free_text_answers_to_grade(course_id=course_id, user_id=_user_id(request))


@router.post(
    "/attempts/{attempt_id}/questions/{question_id}/grade",
    response=AttemptOut,
    summary="Grade one free-text answer by its rubric",
)
def free_text_grade(
    request: HttpRequest, attempt_id: uuid.UUID, question_id: uuid.UUID, payload: FreeTextGradeIn
) -> object:
    return services.free_text_grade(
        attempt_id=attempt_id,
        question_id=question_id,
        user_id=_user_id(request),
        points=payload.points,
        comment=payload.comment,
    )


# --- Grades ---


@router.get("/me/grades/{course_id}", response=GradeOut, summary="The caller's course grade and why")
def my_grade(request: HttpRequest, course_id: uuid.UUID) -> object:
    user_id = _user_id(request)
    return selectors.grade_for(user_id=user_id, course_id=course_id, viewer_id=user_id)


@router.get(
    "/courses/{course_id}/grades",
    response=list[GradebookRowOut],
    summary="Every enrolled learner's stored course grade (the course's editors)",
)
def gradebook(request: HttpRequest, course_id: uuid.UUID) -> object:
    return selectors.grades_of_course(course_id=course_id, user_id=_user_id(request))


@router.post(
    "/courses/{course_id}/grades/recompute",
    response=GradesRecomputedOut,
    summary="Recompute and store every enrolled learner's course grade (the course's editors)",
)
def grades_recompute_course(request: HttpRequest, course_id: uuid.UUID) -> object:
    return {"changed": services.grades_recompute_course(course_id=course_id, by_user_id=_user_id(request))}


@router.get(
    "/courses/{course_id}/grades/{user_id}",
    response=GradeOut,
    summary="A learner's course grade and why (the learner and the course's editors)",
)
def grade_get(request: HttpRequest, course_id: uuid.UUID, user_id: uuid.UUID) -> object:
    return selectors.grade_for(user_id=user_id, course_id=course_id, viewer_id=_user_id(request))


@router.post(
    "/courses/{course_id}/grades/{user_id}/recompute",
    response=GradeOut,
    summary="Recompute and store a learner's course grade (the course's editors)",
)
def grade_recompute(request: HttpRequest, course_id: uuid.UUID, user_id: uuid.UUID) -> object:
    return services.grade_recompute(course_id=course_id, user_id=user_id, by_user_id=_user_id(request))


@router.post(
    "/courses/{course_id}/grades/{user_id}/override",
    response=GradeOut,
    summary="Override a learner's course grade with a reason (audited; the course's editors)",
)
def grade_override(request: HttpRequest, course_id: uuid.UUID, user_id: uuid.UUID, payload: GradeOverrideIn) -> object:
    return services.grade_override(
        course_id=course_id,
        user_id=user_id,
        by_user_id=_user_id(request),
        percent=payload.percent,
        reason=payload.reason,
    )


@router.get(
    "/courses/{course_id}/grades/{user_id}/overrides",
    response=list[GradeOverrideOut],
    summary="The audit of overrides of a learner's course grade, oldest first",
)
def grade_override_list(request: HttpRequest, course_id: uuid.UUID, user_id: uuid.UUID) -> object:
    return selectors.grade_overrides_of(course_id=course_id, user_id=user_id, viewer_id=_user_id(request))
