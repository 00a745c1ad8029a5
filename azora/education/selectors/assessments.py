"""The read side of assessments and grades: the bank and settings for authors, attempts for their learner, grades."""

from __future__ import annotations

import json
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from azora.accounts.public import user_profile
from azora.education import grading
from azora.education.errors import (
    AssessmentNotFound,
    AttemptNotFound,
    CourseNotFound,
    GradeNotFound,
)
from azora.education.models import (
    Assessment,
    Attempt,
    AttemptStatus,
    Course,
    CourseGrade,
    Enrollment,
    EnrollmentStatus,
    FreeTextGrade,
    GradeCategory,
    GradeOverride,
    Question,
    QuestionKind,
)
from azora.education.public.assessments import (
    AssessmentAuthorView,
    AssessmentSummary,
    AttemptQuestionView,
    AttemptView,
    FreeTextAnswerView,
    GradebookRow,
    GradeCategoryConfig,
    GradeCategoryLine,
    GradeItemLine,
    GradeOverrideView,
    GradeView,
    QuestionAuthorView,
    QuestionReview,
)
from azora.education.selectors.courses import may_edit_course, visible_course_queryset
from azora.shared.errors import PermissionDenied

__all__ = [
    "assessments_for_author",
    "assessments_of_course",
    "attempt_get",
    "attempt_seconds",
    "attempt_view",
    "attempts_of",
    "engine_question",
    "free_text_answers_to_grade",
    "grade_categories_of",
    "grade_compute",
    "grade_for",
    "grade_overrides_of",
    "grade_view",
    "grades_of_course",
    "passed_attempt_seconds",
    "question_view",
    "questions_of_course",
    "required_assessments_passed",
]


# --- Permissions ---


def require_editor(*, course_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Course editors pass; others get 403 when they can see the course, 404 when they cannot."""
    if may_edit_course(user_id=user_id, course_id=course_id):
        return
    if visible_course_queryset(viewer_id=user_id).filter(pk=course_id).exists():
        raise PermissionDenied("Only the course's instructors and its organisation's admins may do that.")
    raise CourseNotFound()


def may_take(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """Enrolled learners take a course's assessments (a revoked enrolment gives no access)."""
    enrolled = Enrollment.objects.filter(user_id=user_id, course_id=course_id)
    return enrolled.exclude(status=EnrollmentStatus.REVOKED).exists()


# --- Conversions ---


def engine_question(question: Question) -> grading.Question:
    definition = grading.definition_parse(question.kind, question.definition, stored=True)
    return grading.Question(id=str(question.id), points=question.points, definition=definition)


def question_view(question: Question) -> QuestionAuthorView:
    definition = grading.definition_parse(question.kind, question.definition, stored=True)
    return QuestionAuthorView(
        id=question.id,
        course_id=question.course_id,
        kind=question.kind,
        prompt=question.prompt,
        points=question.points,
        definition=question.definition,
        feedback=question.feedback,
        credit_rule=grading.credit_rule(definition),
        is_archived=question.is_archived,
        created_at=question.created_at,
        updated_at=question.updated_at,
    )


def category_config(category: GradeCategory) -> GradeCategoryConfig:
    return GradeCategoryConfig(
        id=category.id,
        course_id=category.course_id,
        name=category.name,
        weight=category.weight,
        drop_lowest=category.drop_lowest,
    )


def assessment_author_view(assessment: Assessment) -> AssessmentAuthorView:
    """Needs `category` selected and `question_links` prefetched."""
    return AssessmentAuthorView(
        id=assessment.id,
        course_id=assessment.course_id,
        module_id=assessment.module_id,
        title=assessment.title,
        description=assessment.description,
        selection=assessment.selection,
        draw_count=assessment.draw_count,
        passing_percent=assessment.passing_percent,
        max_attempts=assessment.max_attempts,
        time_limit_seconds=assessment.time_limit_seconds,
        is_required=assessment.is_required,
        category=assessment.category.name,
        weight=assessment.weight,
        position=assessment.position,
        question_ids=tuple(link.question_id for link in assessment.question_links.all()),
    )


def remaining_seconds(deadline: datetime | None, *, now: datetime) -> int | None:
    if deadline is None:
        return None
    return max(0, math.ceil((deadline - now).total_seconds()))


def _review(
    question: Question,
    engine: grading.Question,
    item: Mapping[str, Any] | None,
    manual: FreeTextGrade | None,
) -> QuestionReview:
    awarded = item.get("points_awarded") if item else None
    return QuestionReview(
        status=str(item["status"]) if item else "unanswered",
        points_awarded=None if awarded is None else Decimal(awarded),
        correct_answer=grading.correct_answer_for_review(engine.definition),
        feedback=question.feedback,
        rubric_points=None if manual is None else {key: Decimal(value) for key, value in manual.points.items()},
        grader_comment="" if manual is None else manual.comment,
    )


def attempt_view(
    attempt: Attempt,
    *,
    now: datetime | None = None,
    questions: Mapping[str, Question] | None = None,
    grades: Iterable[FreeTextGrade] | None = None,
) -> AttemptView:
    """The attempt as its learner sees it: no answers or feedback until it has closed. Needs `assessment` selected.

    `questions` (by text id) and `grades` may be passed in already loaded, so a list of attempts costs no
    queries per attempt.
    """
    now = now or timezone.now()
    if questions is None:
        questions = {str(q.id): q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    is_closed = attempt.status == AttemptStatus.CLOSED
    results = {str(item["question_id"]): item for item in attempt.result} if is_closed else {}
    if grades is None:
        grades = FreeTextGrade.objects.filter(attempt=attempt) if is_closed else []
    manual = {str(grade.question_id): grade for grade in grades if grade.attempt_id == attempt.id}
    shown = []
    for position, question_id in enumerate(attempt.question_ids):
        question = questions[question_id]
        engine = engine_question(question)
        shown.append(
            AttemptQuestionView(
                id=question.id,
                position=position,
                kind=question.kind,
                prompt=question.prompt,
                points=question.points,
                credit_rule=grading.credit_rule(engine.definition),
                content=grading.definition_for_learner(engine.definition, seed=f"{attempt.seed}:{question_id}"),
                answer=attempt.answers.get(question_id),
                review=_review(question, engine, results.get(question_id), manual.get(question_id))
                if is_closed
                else None,
            )
        )
    assessment = attempt.assessment
    return AttemptView(
        id=attempt.id,
        assessment_id=attempt.assessment_id,
        assessment_title=assessment.title,
        course_id=assessment.course_id,
        user_id=attempt.user_id,
        number=attempt.number,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        remaining_seconds=remaining_seconds(attempt.deadline, now=now) if attempt.status == "open" else None,
        submitted_at=attempt.submitted_at,
        submitted_by=attempt.submitted_by,
        closed_at=attempt.closed_at,
        passing_percent=assessment.passing_percent,
        points_awarded=attempt.points_awarded,
        points_possible=attempt.points_possible,
        score_percent=attempt.score_percent,
        is_passed=attempt.is_passed,
        questions=tuple(shown),
    )


# --- Authoring ---


def questions_of_course(
    *, course_id: uuid.UUID, user_id: uuid.UUID, include_archived: bool = False
) -> list[QuestionAuthorView]:
    require_editor(course_id=course_id, user_id=user_id)
    queryset = Question.objects.filter(course_id=course_id)
    if not include_archived:
        queryset = queryset.filter(is_archived=False)
    return [question_view(question) for question in queryset.order_by("created_at", "id")]


def grade_categories_of(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[GradeCategoryConfig]:
    require_editor(course_id=course_id, user_id=user_id)
    return [category_config(c) for c in GradeCategory.objects.filter(course_id=course_id).order_by("name")]


def author_queryset() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("category").prefetch_related("question_links")


def assessments_for_author(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[AssessmentAuthorView]:
    require_editor(course_id=course_id, user_id=user_id)
    return [assessment_author_view(a) for a in author_queryset().filter(course_id=course_id)]


# --- Learners ---


def _pool_size(assessment: Assessment, listed: int, bank: int) -> int:
    pool = listed if listed or assessment.selection == "fixed" else bank
    if assessment.selection == "random" and assessment.draw_count is not None:
        return min(assessment.draw_count, pool)
    return pool


def assessments_of_course(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[AssessmentSummary]:
    """For enrolled learners and the course's editors; a fixed number of queries whatever the count."""
    if not may_take(user_id=user_id, course_id=course_id) and not may_edit_course(user_id=user_id, course_id=course_id):
        raise CourseNotFound()
    assessments = list(
        Assessment.objects.filter(course_id=course_id)
        .select_related("category")
        .annotate(listed=Count("question_links"))
        .order_by("position", "id")
    )
    bank = Question.objects.filter(course_id=course_id, is_archived=False).count()
    attempts: dict[uuid.UUID, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(user_id=user_id, assessment__course_id=course_id).only(
        "id", "assessment_id", "status", "score_percent", "is_passed"
    ):
        attempts[attempt.assessment_id].append(attempt)
    summaries = []
    for assessment in assessments:
        own = attempts[assessment.id]
        scores = [a.score_percent for a in own if a.status == AttemptStatus.CLOSED and a.score_percent is not None]
        open_attempt = next((a.id for a in own if a.status == AttemptStatus.OPEN), None)
        limit = assessment.max_attempts
        summaries.append(
            AssessmentSummary(
                id=assessment.id,
                course_id=assessment.course_id,
                module_id=assessment.module_id,
                title=assessment.title,
                description=assessment.description,
                question_count=_pool_size(assessment, assessment.listed, bank),
                passing_percent=assessment.passing_percent,
                max_attempts=limit,
                time_limit_seconds=assessment.time_limit_seconds,
                is_required=assessment.is_required,
                category=assessment.category.name,
                attempts_used=len(own),
                attempts_left=None if limit is None else max(0, limit - len(own)),
                best_percent=max(scores) if scores else None,
                is_passed=any(a.is_passed for a in own if a.status == AttemptStatus.CLOSED),
                open_attempt_id=open_attempt,
            )
        )
    return summaries


def owned_attempt(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> Attempt:
    attempt = Attempt.objects.select_related("assessment").filter(pk=attempt_id, user_id=user_id).first()
    if attempt is None:
        raise AttemptNotFound()
    return attempt


def attempt_get(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> AttemptView:
    """The learner's own attempt (anyone else's is AttemptNotFound)."""
    return attempt_view(owned_attempt(attempt_id=attempt_id, user_id=user_id))


def attempts_of(*, assessment_id: uuid.UUID, user_id: uuid.UUID) -> list[AttemptView]:
    assessment = Assessment.objects.filter(pk=assessment_id).only("course_id").first()
    if assessment is None or not may_take(user_id=user_id, course_id=assessment.course_id):
        raise AssessmentNotFound()
    attempts = list(
        Attempt.objects.select_related("assessment")
        .filter(assessment_id=assessment_id, user_id=user_id)
        .order_by("number")
    )
    wanted = {question_id for attempt in attempts for question_id in attempt.question_ids}
    questions = {str(q.id): q for q in Question.objects.filter(pk__in=wanted)}
    grades = list(FreeTextGrade.objects.filter(attempt__in=attempts))
    now = timezone.now()
    return [attempt_view(attempt, now=now, questions=questions, grades=grades) for attempt in attempts]


def required_assessments_passed(*, user_id: uuid.UUID, course_id: uuid.UUID) -> bool:
    """Whether the learner has a passed, closed attempt of every required assessment of the course."""
    required = Assessment.objects.filter(course_id=course_id, is_required=True)
    missing = required.exclude(
        attempts__in=Attempt.objects.filter(user_id=user_id, status=AttemptStatus.CLOSED, is_passed=True)
    )
    return not missing.exists()


def attempt_seconds(*, started_at: datetime, submitted_at: datetime | None) -> int:
    """How long an attempt took: submitted minus started, in whole seconds (0 while it is open)."""
    if submitted_at is None:
        return 0
    return max(0, int((submitted_at - started_at).total_seconds()))


def passed_attempt_seconds(*, user_id: uuid.UUID, course_id: uuid.UUID) -> int:
    """The time the learner's passed attempts of the course took, summed (part of CourseCompleted.seconds_spent)."""
    passed = Attempt.objects.filter(
        assessment__course_id=course_id, user_id=user_id, status=AttemptStatus.CLOSED, is_passed=True
    )
    return sum(
        attempt_seconds(started_at=started_at, submitted_at=submitted_at)
        for started_at, submitted_at in passed.order_by().values_list("started_at", "submitted_at")
    )


# --- Instructors grading ---


def free_text_answers_to_grade(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[FreeTextAnswerView]:
    """Answered free-text questions of submitted attempts that no instructor has graded yet, oldest first."""
    require_editor(course_id=course_id, user_id=user_id)
    attempts = list(
        Attempt.objects.select_related("assessment")
        .filter(assessment__course_id=course_id, status=AttemptStatus.AWAITING_GRADING)
        .order_by("submitted_at", "id")
    )
    graded = {
        (grade.attempt_id, str(grade.question_id))
        for grade in FreeTextGrade.objects.filter(attempt__in=attempts).only("attempt_id", "question_id")
    }
    wanted = {qid for attempt in attempts for qid in attempt.question_ids}
    questions = {str(q.id): q for q in Question.objects.filter(pk__in=wanted, kind=QuestionKind.FREE_TEXT)}
    names: dict[uuid.UUID, str] = {}
    answers = []
    for attempt in attempts:
        for question_id in attempt.question_ids:
            question = questions.get(question_id)
            text = attempt.answers.get(question_id)
            if question is None or not text or (attempt.id, question_id) in graded:
                continue
            if attempt.user_id not in names:
                names[attempt.user_id] = user_profile(user_id=attempt.user_id).display_name
            answers.append(
                FreeTextAnswerView(
                    attempt_id=attempt.id,
                    assessment_id=attempt.assessment_id,
                    assessment_title=attempt.assessment.title,
                    question_id=question.id,
                    prompt=question.prompt,
                    user_id=attempt.user_id,
                    learner_name=names[attempt.user_id],
                    answer=str(text),
                    rubric=tuple(question.definition.get("rubric", [])),
                    submitted_at=attempt.submitted_at,
                )
            )
    return answers


# --- Grades ---


def _best_scores(course_id: uuid.UUID, user_id: uuid.UUID) -> tuple[dict[uuid.UUID, Decimal], set[uuid.UUID]]:
    attempts = Attempt.objects.filter(assessment__course_id=course_id, user_id=user_id)
    best = {
        row["assessment_id"]: row["best"]
        for row in attempts.filter(status=AttemptStatus.CLOSED, score_percent__isnull=False)
        .values("assessment_id")
        .annotate(best=Max("score_percent"))
    }
    awaiting = set(
        attempts.filter(status=AttemptStatus.AWAITING_GRADING).values_list("assessment_id", flat=True).distinct()
    )
    return best, awaiting


def latest_override(*, course_id: uuid.UUID, user_id: uuid.UUID) -> GradeOverride | None:
    return GradeOverride.objects.filter(course_id=course_id, user_id=user_id).order_by("-id").first()


def grade_compute(*, course_id: uuid.UUID, user_id: uuid.UUID) -> grading.CourseGrade:
    """Gathers the learner's course data and hands it to the one grade function (a fixed number of queries)."""
    rules = [
        grading.CategoryRule(name=c.name, weight=c.weight, drop_lowest=c.drop_lowest)
        for c in GradeCategory.objects.filter(course_id=course_id)
    ]
    best, awaiting = _best_scores(course_id, user_id)
    items = [
        grading.GradeItem(
            key=str(assessment.id),
            title=assessment.title,
            category=assessment.category.name,
            weight=assessment.weight,
            order=assessment.position,
            is_required=assessment.is_required,
            score_percent=best.get(assessment.id),
            is_awaiting_grading=assessment.id not in best and assessment.id in awaiting,
        )
        for assessment in Assessment.objects.filter(course_id=course_id).select_related("category")
    ]
    override = latest_override(course_id=course_id, user_id=user_id)
    engine_override = (
        None
        if override is None
        else grading.GradeOverride(
            percent=override.new_percent,
            reason=override.reason,
            by=str(override.by_user_id),
            at=override.created_at.isoformat(),
        )
    )
    return grading.course_grade(rules, items, engine_override)


def override_view(override: GradeOverride) -> GradeOverrideView:
    return GradeOverrideView(
        id=override.id,
        course_id=override.course_id,
        user_id=override.user_id,
        by_user_id=override.by_user_id,
        old_percent=override.old_percent,
        new_percent=override.new_percent,
        reason=override.reason,
        created_at=override.created_at,
    )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def grade_view(
    *, user_id: uuid.UUID, course_id: uuid.UUID, snapshot: str, computed_at: datetime, override: GradeOverride | None
) -> GradeView:
    """A GradeView read back from the canonical snapshot, so what is shown is exactly what was stored."""
    data = json.loads(snapshot)
    return GradeView(
        user_id=user_id,
        course_id=course_id,
        percent=_decimal_or_none(data["percent"]),
        computed_percent=_decimal_or_none(data["computed_percent"]),
        override=None if override is None or data["override"] is None else override_view(override),
        summary=data["summary"],
        categories=tuple(
            GradeCategoryLine(
                name=line["name"],
                weight=Decimal(line["weight"]),
                share_of_grade_percent=Decimal(line["share_of_grade_percent"]),
                average_percent=_decimal_or_none(line["average_percent"]),
                drop_lowest=line["drop_lowest"],
                dropped=tuple(uuid.UUID(key) for key in line["dropped"]),
                explanation=line["explanation"],
            )
            for line in data["categories"]
        ),
        items=tuple(
            GradeItemLine(
                assessment_id=uuid.UUID(line["key"]),
                title=line["title"],
                category=line["category"],
                weight=Decimal(line["weight"]),
                score_percent=_decimal_or_none(line["score_percent"]),
                state=line["state"],
                share_of_grade_percent=Decimal(line["share_of_grade_percent"]),
                explanation=line["explanation"],
            )
            for line in data["items"]
        ),
        rules=tuple(data["rules"]),
        rounding=data["rounding"],
        computed_at=computed_at,
        snapshot_json=snapshot,
    )


def may_view_grade(*, user_id: uuid.UUID, course_id: uuid.UUID, viewer_id: uuid.UUID) -> bool:
    if not Course.objects.filter(pk=course_id).exists():
        return False
    if not may_take(user_id=user_id, course_id=course_id):
        return False
    return viewer_id == user_id or may_edit_course(user_id=viewer_id, course_id=course_id)


def grade_for(*, user_id: uuid.UUID, course_id: uuid.UUID, viewer_id: uuid.UUID) -> GradeView:
    """The learner's grade computed from the data as it is now (learners see only theirs; editors see all).

    `computed_at` is when the stored grade was last written when it still says the same, byte for byte; when
    settings changed since, the grade shown is the new one and a recompute stores it.
    """
    if not may_view_grade(user_id=user_id, course_id=course_id, viewer_id=viewer_id):
        raise GradeNotFound()
    snapshot = grading.grade_to_json(grade_compute(course_id=course_id, user_id=user_id)).decode()
    stored = CourseGrade.objects.filter(course_id=course_id, user_id=user_id).only("snapshot", "computed_at").first()
    computed_at = stored.computed_at if stored is not None and stored.snapshot == snapshot else timezone.now()
    override = latest_override(course_id=course_id, user_id=user_id)
    return grade_view(
        user_id=user_id, course_id=course_id, snapshot=snapshot, computed_at=computed_at, override=override
    )


def grade_overrides_of(*, course_id: uuid.UUID, user_id: uuid.UUID, viewer_id: uuid.UUID) -> list[GradeOverrideView]:
    """The override audit of one learner's grade, oldest first (the learner and the course's editors)."""
    if not may_view_grade(user_id=user_id, course_id=course_id, viewer_id=viewer_id):
        raise GradeNotFound()
    overrides: Iterable[GradeOverride] = GradeOverride.objects.filter(course_id=course_id, user_id=user_id)
    return [override_view(override) for override in overrides]


def grades_of_course(*, course_id: uuid.UUID, user_id: uuid.UUID) -> list[GradebookRow]:
    """Every enrolled learner's stored grade, in enrolment order (the course's editors)."""
    require_editor(course_id=course_id, user_id=user_id)
    learners = list(
        Enrollment.objects.filter(course_id=course_id)
        .select_related("user")
        .only("id", "user_id", "created_at", "user__id", "user__display_name", "user__email")
        .order_by("created_at", "id")
    )
    stored = {grade.user_id: grade for grade in CourseGrade.objects.filter(course_id=course_id)}
    overridden = set(GradeOverride.objects.filter(course_id=course_id).values_list("user_id", flat=True).distinct())
    rows = []
    for enrollment in learners:
        learner_id = enrollment.user_id
        grade = stored.get(learner_id)
        rows.append(
            GradebookRow(
                user_id=learner_id,
                percent=None if grade is None else grade.percent,
                computed_percent=None if grade is None else grade.computed_percent,
                is_overridden=learner_id in overridden,
                computed_at=None if grade is None else grade.computed_at,
                learner_name=enrollment.user.get_full_name(),
            )
        )
    return rows
