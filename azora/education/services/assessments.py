"""The write side of assessments and grades: authoring, attempts (start, save, submit, expiry), rubric grading,
course grade recompute and overrides. Every input is checked before anything is written."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from azora.education import grading
from azora.education.errors import (
    AnswerInvalid,
    AssessmentHasNoQuestions,
    AssessmentInvalid,
    AssessmentNotFound,
    AttemptClosed,
    AttemptExpired,
    AttemptLimitReached,
    AttemptNotFound,
    FreeTextAlreadyGraded,
    GradeNotFound,
    GradeOverrideInvalid,
    QuestionInvalid,
    QuestionNotFound,
)
from azora.education.events import AssessmentFailed, AssessmentPassed
from azora.education.models import (
    Assessment,
    AssessmentQuestion,
    AssessmentSelection,
    Attempt,
    AttemptStatus,
    CourseGrade,
    Enrollment,
    EnrollmentStatus,
    FreeTextGrade,
    GradeCategory,
    GradeOverride,
    Module,
    Question,
    QuestionKind,
)
from azora.education.public.assessments import (
    AssessmentAuthorView,
    AttemptView,
    GradeCategoryConfig,
    GradeView,
    QuestionAuthorView,
)
from azora.education.selectors.assessments import (
    assessment_author_view,
    attempt_seconds,
    attempt_view,
    author_queryset,
    category_config,
    engine_question,
    grade_compute,
    grade_view,
    latest_override,
    may_take,
    may_view_grade,
    question_view,
    require_editor,
)
from azora.shared.events import publish
from azora.shared.observability.logging import get_logger

__all__ = [
    "assessment_create",
    "assessment_update",
    "attempt_refresh",
    "attempt_save_answers",
    "attempt_start",
    "attempt_submit",
    "expired_attempts_submit",
    "free_text_grade",
    "grade_category_set",
    "grade_override",
    "grade_recompute",
    "grade_store",
    "grades_recompute_course",
    "question_create",
    "question_delete",
    "question_update",
]

logger = get_logger("azora.education")

DEFAULT_CATEGORY = "Assessments"
MAX_PROMPT_LENGTH = 5000
MAX_TIME_LIMIT_SECONDS = 7 * 24 * 3600
MIN_TIME_LIMIT_SECONDS = 10
MAX_ATTEMPTS = 100
ASSESSMENT_FIELDS = frozenset(
    {
        "title", "description", "module_id", "selection", "draw_count", "passing_percent", "max_attempts",
        "time_limit_seconds", "is_required", "category", "weight", "position", "question_ids",
    }
)  # fmt: skip
QUESTION_FIELDS = frozenset({"prompt", "points", "definition", "feedback"})


def _error(
    cls: type[QuestionInvalid | AssessmentInvalid | GradeOverrideInvalid], field: str, message: str
) -> Exception:
    return cls(f"{field}: {message}", extra={"field": field, "errors": [{"field": field, "message": message}]})


def _answer_error(error: grading.AnswerInvalid) -> AnswerInvalid:
    return AnswerInvalid(
        f"Question {error.question_id}: the answer {error.message}",
        extra={"question_id": error.question_id, "errors": [{"field": error.question_id, "message": error.message}]},
    )


# --- Question bank ---


def _clean_prompt(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_PROMPT_LENGTH:
        raise _error(QuestionInvalid, "prompt", f"must be text of 1 to {MAX_PROMPT_LENGTH} characters.")
    return value.strip()


def _clean_feedback(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_PROMPT_LENGTH:
        raise _error(QuestionInvalid, "feedback", f"must be text of at most {MAX_PROMPT_LENGTH} characters.")
    return value.strip()


def _parsed_definition(kind: str, definition: Any, points: Any) -> tuple[dict[str, Any], Decimal]:
    try:
        parsed = grading.definition_parse(kind, definition)
        return grading.definition_to_json(parsed), grading.points_parse(points, parsed)
    except grading.DefinitionInvalid as error:
        raise _error(QuestionInvalid, error.field, error.message) from None


def _editable_question(*, question_id: uuid.UUID, user_id: uuid.UUID) -> Question:
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        raise QuestionNotFound()
    require_editor(course_id=question.course_id, user_id=user_id)
    return question


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
    """Adds a question to the course's bank; its definition is checked (regexes compiled) before it is saved."""
    require_editor(course_id=course_id, user_id=user_id)
    if kind not in QuestionKind.values:
        raise _error(QuestionInvalid, "kind", f"must be one of {', '.join(QuestionKind.values)}.")
    clean_prompt = _clean_prompt(prompt)
    clean_feedback = _clean_feedback(feedback)
    stored, clean_points = _parsed_definition(kind, definition, "1" if points is None else points)
    question = Question.objects.create(
        course_id=course_id,
        kind=kind,
        prompt=clean_prompt,
        points=clean_points,
        definition=stored,
        feedback=clean_feedback,
        created_by_id=user_id,
    )
    return question_view(question)


def question_update(*, question_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> QuestionAuthorView:
    """Changes prompt, points, definition or feedback; closed attempts keep the scores they were given."""
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise _error(QuestionInvalid, sorted(unknown)[0], "cannot be changed.")
    question = _editable_question(question_id=question_id, user_id=user_id)
    changes: dict[str, Any] = {}
    if "prompt" in fields:
        changes["prompt"] = _clean_prompt(fields["prompt"])
    if "feedback" in fields:
        changes["feedback"] = _clean_feedback(fields["feedback"])
    if "definition" in fields or "points" in fields:
        changes["definition"], changes["points"] = _parsed_definition(
            question.kind, fields.get("definition", question.definition), fields.get("points", str(question.points))
        )
    for name, value in changes.items():
        setattr(question, name, value)
    question.save(update_fields=[*changes, "updated_at"])
    return question_view(question)


def question_delete(*, question_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Deletes an unused question; one an attempt drew is archived instead (closed attempts keep their review)."""
    question = _editable_question(question_id=question_id, user_id=user_id)
    with transaction.atomic():
        AssessmentQuestion.objects.filter(question=question).delete()
        if _used_by_attempts(question.course_id, str(question.id)):
            question.is_archived = True
            question.save(update_fields=["is_archived", "updated_at"])
        else:
            question.delete()


def _used_by_attempts(course_id: uuid.UUID, question_id: str) -> bool:
    """Whether an attempt drew the question (SQLite cannot query JSON containment, so there it is read in Python)."""
    attempts = Attempt.objects.filter(assessment__course_id=course_id)
    if connection.features.supports_json_field_contains:
        return attempts.filter(question_ids__contains=[question_id]).exists()
    return any(question_id in ids for ids in attempts.values_list("question_ids", flat=True).iterator())


# --- Grade categories and assessments ---


def _clean_decimal(
    cls: type[AssessmentInvalid | GradeOverrideInvalid],
    field: str,
    value: Any,
    *,
    low: Decimal,
    high: Decimal,
    low_inclusive: bool = True,
) -> Decimal:
    message = f"must be a number {'from' if low_inclusive else 'above'} {low} to {high} with at most 2 decimals."
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _error(cls, field, message)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _error(cls, field, message) from None
    if not number.is_finite() or number > high or number < low or (number == low and not low_inclusive):
        raise _error(cls, field, message)
    if number != grading.money_round(number):
        raise _error(cls, field, message)
    return grading.money_round(number)


def _clean_int(field: str, value: Any, *, low: int, high: int, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _error(AssessmentInvalid, field, f"must be a whole number from {low} to {high}.")
    return value


def _clean_category_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 80:
        raise _error(AssessmentInvalid, "category", "must be a name of 1 to 80 characters.")
    return value.strip()


def grade_category_set(
    *, course_id: uuid.UUID, user_id: uuid.UUID, name: str, weight: Any, drop_lowest: int = 0
) -> GradeCategoryConfig:
    """Creates or changes a grade category; stored grades change on the next recompute."""
    require_editor(course_id=course_id, user_id=user_id)
    clean_name = _clean_category_name(name)
    clean_weight = _clean_decimal(
        AssessmentInvalid, "weight", weight, low=Decimal(0), high=Decimal(1000), low_inclusive=False
    )
    clean_drop = _clean_int("drop_lowest", drop_lowest, low=0, high=50, optional=False) or 0
    category, _ = GradeCategory.objects.update_or_create(
        course_id=course_id, name=clean_name, defaults={"weight": clean_weight, "drop_lowest": clean_drop}
    )
    return category_config(category)


def _clean_assessment_fields(course_id: uuid.UUID, fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - ASSESSMENT_FIELDS
    if unknown:
        raise _error(AssessmentInvalid, sorted(unknown)[0], "is not a setting of an assessment.")
    clean: dict[str, Any] = {}
    if "title" in fields:
        title = fields["title"]
        if not isinstance(title, str) or not title.strip() or len(title.strip()) > 200:
            raise _error(AssessmentInvalid, "title", "must be text of 1 to 200 characters.")
        clean["title"] = title.strip()
    if "description" in fields:
        description = fields["description"]
        if not isinstance(description, str) or len(description) > MAX_PROMPT_LENGTH:
            raise _error(AssessmentInvalid, "description", f"must be text of at most {MAX_PROMPT_LENGTH} characters.")
        clean["description"] = description.strip()
    if "module_id" in fields:
        module_id = fields["module_id"]
        if module_id is not None and not Module.objects.filter(pk=module_id, course_id=course_id).exists():
            raise _error(AssessmentInvalid, "module_id", "must be a module of this course.")
        clean["module_id"] = module_id
    if "selection" in fields:
        if fields["selection"] not in AssessmentSelection.values:
            raise _error(AssessmentInvalid, "selection", "must be fixed or random.")
        clean["selection"] = fields["selection"]
    if "draw_count" in fields:
        clean["draw_count"] = _clean_int("draw_count", fields["draw_count"], low=1, high=500, optional=True)
    if "passing_percent" in fields:
        clean["passing_percent"] = _clean_decimal(
            AssessmentInvalid, "passing_percent", fields["passing_percent"], low=Decimal(0), high=Decimal(100)
        )
    if "max_attempts" in fields:
        clean["max_attempts"] = _clean_int(
            "max_attempts", fields["max_attempts"], low=1, high=MAX_ATTEMPTS, optional=True
        )
    if "time_limit_seconds" in fields:
        clean["time_limit_seconds"] = _clean_int(
            "time_limit_seconds",
            fields["time_limit_seconds"],
            low=MIN_TIME_LIMIT_SECONDS,
            high=MAX_TIME_LIMIT_SECONDS,
            optional=True,
        )
    if "is_required" in fields:
        if not isinstance(fields["is_required"], bool):
            raise _error(AssessmentInvalid, "is_required", "must be true or false.")
        clean["is_required"] = fields["is_required"]
    if "category" in fields:
        clean["category"] = _clean_category_name(fields["category"])
    if "weight" in fields:
        clean["weight"] = _clean_decimal(
            AssessmentInvalid, "weight", fields["weight"], low=Decimal(0), high=Decimal(1000), low_inclusive=False
        )
    if "position" in fields:
        clean["position"] = _clean_int("position", fields["position"], low=0, high=100_000, optional=False)
    if "question_ids" in fields:
        clean["question_ids"] = _clean_question_ids(course_id, fields["question_ids"])
    return clean


def _clean_question_ids(course_id: uuid.UUID, value: Any) -> list[uuid.UUID]:
    message = "must list questions of this course's bank, each once."
    if not isinstance(value, (list, tuple)):
        raise _error(AssessmentInvalid, "question_ids", message)
    try:
        ids = [value_id if isinstance(value_id, uuid.UUID) else uuid.UUID(str(value_id)) for value_id in value]
    except ValueError:
        raise _error(AssessmentInvalid, "question_ids", message) from None
    found = Question.objects.filter(pk__in=ids, course_id=course_id, is_archived=False).count()
    if len(set(ids)) != len(ids) or found != len(ids):
        raise _error(AssessmentInvalid, "question_ids", message)
    return ids


def _check_selection(selection: str, draw_count: int | None) -> None:
    if selection == AssessmentSelection.RANDOM and draw_count is None:
        raise _error(AssessmentInvalid, "draw_count", "a random draw needs the number of questions to draw.")


def _apply(assessment: Assessment, clean: dict[str, Any]) -> None:
    """Writes cleaned settings (inside the caller's transaction)."""
    question_ids = clean.pop("question_ids", None)
    category = clean.pop("category", None)
    if category is not None:
        assessment.category, _ = GradeCategory.objects.get_or_create(course_id=assessment.course_id, name=category)
    for name, value in clean.items():
        setattr(assessment, name, value)
    _check_selection(assessment.selection, assessment.draw_count)
    assessment.save()
    if question_ids is not None:
        AssessmentQuestion.objects.filter(assessment=assessment).delete()
        AssessmentQuestion.objects.bulk_create(
            AssessmentQuestion(assessment=assessment, question_id=qid, position=position)
            for position, qid in enumerate(question_ids)
        )


def _author_view(assessment_id: uuid.UUID) -> AssessmentAuthorView:
    return assessment_author_view(author_queryset().get(pk=assessment_id))


def assessment_create(*, course_id: uuid.UUID, user_id: uuid.UUID, title: str, **fields: Any) -> AssessmentAuthorView:
    require_editor(course_id=course_id, user_id=user_id)
    clean = _clean_assessment_fields(course_id, {"title": title, **fields})
    clean.setdefault("category", DEFAULT_CATEGORY)
    with transaction.atomic():
        assessment = Assessment(course_id=course_id)
        _apply(assessment, clean)
    return _author_view(assessment.id)


def assessment_update(*, assessment_id: uuid.UUID, user_id: uuid.UUID, **fields: Any) -> AssessmentAuthorView:
    """Changes settings; attempts already started keep the questions they drew."""
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None:
        raise AssessmentNotFound()
    require_editor(course_id=assessment.course_id, user_id=user_id)
    clean = _clean_assessment_fields(assessment.course_id, fields)
    with transaction.atomic():
        _apply(assessment, clean)
    return _author_view(assessment.id)


# --- Attempts ---


def _assessment_for_learner(*, assessment_id: uuid.UUID, user_id: uuid.UUID) -> Assessment:
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is None or not may_take(user_id=user_id, course_id=assessment.course_id):
        raise AssessmentNotFound()
    return assessment


def _draw(assessment: Assessment, seed: str) -> tuple[str, ...]:
    listed = [
        str(qid)
        for qid in AssessmentQuestion.objects.filter(assessment=assessment, question__is_archived=False)
        .order_by("position", "id")
        .values_list("question_id", flat=True)
    ]
    if assessment.selection == AssessmentSelection.FIXED:
        return tuple(listed)
    pool = listed or [
        str(qid)
        for qid in Question.objects.filter(course_id=assessment.course_id, is_archived=False).values_list(
            "id", flat=True
        )
    ]
    return grading.draw_questions(pool, count=assessment.draw_count, seed=seed)


def _is_expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline


def _view(attempt_id: uuid.UUID) -> AttemptView:
    return attempt_view(Attempt.objects.select_related("assessment").get(pk=attempt_id))


def attempt_start(*, assessment_id: uuid.UUID, user_id: uuid.UUID) -> AttemptView:
    """Starts a new attempt, or resumes the open one. The questions are drawn once, by the attempt's seed.

    An open attempt past its deadline is submitted first (with its saved answers). Beyond the attempt limit:
    AttemptLimitReached, and nothing is written.
    """
    assessment = _assessment_for_learner(assessment_id=assessment_id, user_id=user_id)
    now = timezone.now()
    open_attempt = Attempt.objects.filter(assessment=assessment, user_id=user_id, status=AttemptStatus.OPEN).first()
    if open_attempt is not None:
        if not _is_expired(open_attempt, now):
            return _view(open_attempt.id)
        _close_expired(open_attempt.id)
    used = Attempt.objects.filter(assessment=assessment, user_id=user_id).count()
    if assessment.max_attempts is not None and used >= assessment.max_attempts:
        # A start that raced this one may have committed between the two reads above: resume its attempt.
        concurrent = Attempt.objects.filter(assessment=assessment, user_id=user_id, status=AttemptStatus.OPEN).first()
        if concurrent is not None and not _is_expired(concurrent, now):
            return _view(concurrent.id)
        raise AttemptLimitReached(extra={"max_attempts": assessment.max_attempts, "attempts_used": used})
    seed = secrets.token_hex(16)
    question_ids = _draw(assessment, seed)
    if not question_ids:
        raise AssessmentHasNoQuestions()
    deadline = None if assessment.time_limit_seconds is None else now + timedelta(seconds=assessment.time_limit_seconds)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                assessment=assessment,
                user_id=user_id,
                number=used + 1,
                seed=seed,
                question_ids=list(question_ids),
                answers={},
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError:
        # A concurrent start won the race (same number, or an open attempt already): resume that one.
        winner = Attempt.objects.filter(assessment=assessment, user_id=user_id, status=AttemptStatus.OPEN).first()
        if winner is None:
            raise AttemptLimitReached() from None
        return _view(winner.id)
    logger.info("attempt_started", attempt_id=str(attempt.id), assessment_id=str(assessment.id))
    return _view(attempt.id)


def _parsed_answers(attempt: Attempt, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Every answer checked against its question's type before any is kept; the stored (JSON) forms."""
    if not isinstance(answers, Mapping):
        raise AnswerInvalid("Answers must be an object of question id to answer.")
    allowed = set(attempt.question_ids)
    unknown = sorted(str(key) for key in answers if str(key) not in allowed)
    if unknown:
        raise _answer_error(grading.AnswerInvalid(unknown[0], "is not a question of this attempt."))
    questions = {str(q.id): engine_question(q) for q in Question.objects.filter(pk__in=[str(k) for k in answers])}
    parsed: dict[str, Any] = {}
    for key, raw in answers.items():
        try:
            parsed[str(key)] = grading.answer_to_json(grading.answer_parse(questions[str(key)], raw))
        except grading.AnswerInvalid as error:
            raise _answer_error(error) from None
    return parsed


def _locked_open_attempt(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> Attempt:
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user_id=user_id).first()
    if attempt is None:
        raise AttemptNotFound()
    if attempt.status != AttemptStatus.OPEN:
        raise AttemptClosed(extra={"attempt_status": attempt.status})
    return attempt


def _course_of(attempt: Attempt) -> uuid.UUID:
    course_id: uuid.UUID = Assessment.objects.filter(pk=attempt.assessment_id).values_list("course_id", flat=True).get()
    return course_id


def _merge(attempt: Attempt, parsed: Mapping[str, Any]) -> None:
    answers = dict(attempt.answers)
    for key, value in parsed.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    attempt.answers = answers


def _write_open_attempt(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, answers: Mapping[str, Any] | None, submit: bool
) -> None:
    """Saves answers (and submits) under the attempt's row lock; the deadline is checked under that lock too.

    Past the deadline the attempt is submitted with what was saved in time, that is committed, and then the
    request is refused with AttemptExpired; the late answers are not kept.
    """
    deadline = None
    with transaction.atomic():
        attempt = _locked_open_attempt(attempt_id=attempt_id, user_id=user_id)
        if not may_take(user_id=user_id, course_id=_course_of(attempt)):
            raise AttemptNotFound()  # the enrolment was revoked while the attempt was open
        now = timezone.now()
        if _is_expired(attempt, now):
            deadline = attempt.deadline
            _close(attempt, submitted_by="auto", now=now)
        else:
            if answers:
                _merge(attempt, _parsed_answers(attempt, answers))
            if submit:
                _close(attempt, submitted_by="learner", now=now)
            else:
                attempt.save(update_fields=["answers", "updated_at"])
    if deadline is not None:
        raise AttemptExpired(extra={"deadline": deadline.isoformat()})


def attempt_save_answers(*, attempt_id: uuid.UUID, user_id: uuid.UUID, answers: Mapping[str, Any]) -> AttemptView:
    """Saves answers into the open attempt (None clears one); one wrong-typed answer saves none (422)."""
    _write_open_attempt(attempt_id=attempt_id, user_id=user_id, answers=answers, submit=False)
    return _view(attempt_id)


def attempt_submit(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, answers: Mapping[str, Any] | None = None
) -> AttemptView:
    """Saves `answers`, then scores and closes the attempt (awaiting grading when free text needs an instructor).

    Past the deadline: AttemptExpired, and the attempt is closed with the answers saved before the deadline.
    """
    _write_open_attempt(attempt_id=attempt_id, user_id=user_id, answers=answers, submit=True)
    return _view(attempt_id)


def attempt_refresh(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> AttemptView:
    """The learner's attempt, submitted first if its time ran out while no one was looking."""
    attempt = Attempt.objects.filter(pk=attempt_id, user_id=user_id).only("status", "deadline").first()
    if attempt is None:
        raise AttemptNotFound()
    if attempt.status == AttemptStatus.OPEN and _is_expired(attempt, timezone.now()):
        _close_expired(attempt_id)
    return _view(attempt_id)


def _close_expired(attempt_id: uuid.UUID) -> bool:
    """Auto-submits one expired open attempt with its saved answers; False when someone else closed it first."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, status=AttemptStatus.OPEN).first()
        if attempt is None or not _is_expired(attempt, timezone.now()):
            return False
        _close(attempt, submitted_by="auto", now=timezone.now())
    return True


def expired_attempts_submit(*, now: datetime | None = None, limit: int = 500) -> int:
    """Submits every open attempt whose deadline has passed, with the answers saved so far (the periodic job)."""
    now = now or timezone.now()
    due = list(
        Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lt=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:limit]
    )
    closed = sum(1 for attempt_id in due if _close_expired(attempt_id))
    if closed:
        logger.info("expired_attempts_submitted", count=closed)
    return closed


def _score(attempt: Attempt) -> grading.AttemptResult:
    """Scores the attempt's saved answers; an answer its question no longer accepts (edited since) counts as none."""
    questions = {str(q.id): engine_question(q) for q in Question.objects.filter(pk__in=attempt.question_ids)}
    ordered = [questions[qid] for qid in attempt.question_ids]
    answers: dict[str, grading.Answer | None] = {}
    for question in ordered:
        try:
            answers[question.id] = grading.answer_parse(question, attempt.answers.get(question.id))
        except grading.AnswerInvalid:
            answers[question.id] = None
    manual = {
        str(grade.question_id): grading.RubricGrade(
            points={key: Decimal(value) for key, value in grade.points.items()}, comment=grade.comment
        )
        for grade in FreeTextGrade.objects.filter(attempt=attempt)
    }
    return grading.attempt_score(ordered, answers, manual)


def _close(attempt: Attempt, *, submitted_by: str, now: datetime) -> None:
    """Scores and stores the attempt (locked by the caller, inside its transaction); closes it when nothing waits
    for an instructor, then publishes AssessmentPassed/Failed, refreshes the course grade and course completion."""
    result = _score(attempt)
    attempt.submitted_at = attempt.submitted_at or now
    attempt.submitted_by = attempt.submitted_by or submitted_by
    attempt.points_possible = result.points_possible
    attempt.points_awarded = result.points_awarded
    attempt.result = [
        {
            "question_id": item.question_id,
            "status": item.status,
            "points_awarded": None if item.points_awarded is None else str(item.points_awarded),
            "points_possible": str(item.points_possible),
        }
        for item in result.items
    ]
    assessment = Assessment.objects.get(pk=attempt.assessment_id)
    if result.percent is None:
        attempt.status = AttemptStatus.AWAITING_GRADING
    else:
        attempt.status = AttemptStatus.CLOSED
        attempt.closed_at = now
        attempt.score_percent = result.percent
        attempt.is_passed = result.percent >= assessment.passing_percent
    attempt.save()
    # The submission is the learner's latest activity in the enrolment: the next lesson's time is counted from it
    # (services.progress.lesson_seconds_spent). An instructor grading later must not move it back, hence the
    # greatest of the two. No row updated means the enrolment was revoked meanwhile.
    submitted = Value(attempt.submitted_at, output_field=DateTimeField())
    enrolled = (
        Enrollment.objects.filter(user_id=attempt.user_id, course_id=assessment.course_id)
        .exclude(status=EnrollmentStatus.REVOKED)
        .update(last_activity_at=Greatest(Coalesce("last_activity_at", submitted), submitted))
    )
    if attempt.status != AttemptStatus.CLOSED:
        return
    grade_store(course_id=assessment.course_id, user_id=attempt.user_id)
    if not enrolled:
        # Closed by the expiry job after the learner lost access: kept in the history, but no pass or failure is
        # announced (nothing rewards it) and the course cannot be completed by it.
        return
    if attempt.is_passed:
        publish(
            AssessmentPassed(
                attempt_id=attempt.id,
                assessment_id=assessment.id,
                course_id=assessment.course_id,
                user_id=attempt.user_id,
                score_percent=str(result.percent),
                seconds_spent=attempt_seconds(started_at=attempt.started_at, submitted_at=attempt.submitted_at),
            )
        )
    else:
        publish(
            AssessmentFailed(
                attempt_id=attempt.id,
                assessment_id=assessment.id,
                course_id=assessment.course_id,
                user_id=attempt.user_id,
                score_percent=str(result.percent),
            )
        )
    if attempt.is_passed:
        _evaluate_completion(user_id=attempt.user_id, course_id=assessment.course_id)


def _evaluate_completion(*, user_id: uuid.UUID, course_id: uuid.UUID) -> None:
    try:
        from azora.education.services.progress import course_completion_evaluate
    except ImportError:  # the courses area is not installed in this build
        return
    course_completion_evaluate(user_id=user_id, course_id=course_id)


# --- Rubric grading ---


def free_text_grade(
    *,
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    user_id: uuid.UUID,
    points: Mapping[str, Any],
    comment: str = "",
) -> AttemptView:
    """An instructor scores one free-text answer by its rubric; the last one graded closes the attempt."""
    attempt = Attempt.objects.select_related("assessment").filter(pk=attempt_id).first()
    if attempt is None:
        raise AttemptNotFound()
    require_editor(course_id=attempt.assessment.course_id, user_id=user_id)
    text_id = str(question_id)
    question = Question.objects.filter(pk=question_id, kind=QuestionKind.FREE_TEXT).first()
    if question is None or text_id not in attempt.question_ids or not attempt.answers.get(text_id):
        raise QuestionNotFound("This attempt has no free-text answer to that question.")
    try:
        rubric = grading.rubric_grade_parse(engine_question(question), points, comment)
    except grading.AnswerInvalid as error:
        raise _answer_error(error) from None
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt_id)
        if locked.status != AttemptStatus.AWAITING_GRADING:
            raise FreeTextAlreadyGraded() if locked.status == AttemptStatus.CLOSED else AttemptClosed()
        if FreeTextGrade.objects.filter(attempt=locked, question=question).exists():
            raise FreeTextAlreadyGraded()
        FreeTextGrade.objects.create(
            attempt=locked,
            question=question,
            grader_id=user_id,
            points={key: str(value) for key, value in rubric.points.items()},
            total=grading.money_round(rubric.total),
            comment=rubric.comment,
        )
        _close(locked, submitted_by=locked.submitted_by, now=timezone.now())
    return _view(attempt_id)


# --- Course grades ---


def grade_store(*, course_id: uuid.UUID, user_id: uuid.UUID) -> CourseGrade:
    """Computes the learner's course grade and stores its canonical snapshot (inside any caller's transaction).

    The stored row is locked before the grade is computed, so two attempts closing at once store the grade that
    counts both. Unchanged data gives the same snapshot bytes; the row is then left as it is.
    """
    with transaction.atomic():
        stored = CourseGrade.objects.select_for_update().filter(course_id=course_id, user_id=user_id).first()
        grade = grade_compute(course_id=course_id, user_id=user_id)
        snapshot = grading.grade_to_json(grade).decode()
        if stored is None:
            try:
                with transaction.atomic():
                    return CourseGrade.objects.create(
                        course_id=course_id,
                        user_id=user_id,
                        percent=grade.percent,
                        computed_percent=grade.computed_percent,
                        snapshot=snapshot,
                        computed_at=timezone.now(),
                    )
            except IntegrityError:  # a concurrent computation stored it first: lock theirs and compute again
                stored = CourseGrade.objects.select_for_update().get(course_id=course_id, user_id=user_id)
                grade = grade_compute(course_id=course_id, user_id=user_id)
                snapshot = grading.grade_to_json(grade).decode()
        if stored.snapshot != snapshot:
            stored.percent = grade.percent
            stored.computed_percent = grade.computed_percent
            stored.snapshot = snapshot
            stored.computed_at = timezone.now()
            stored.save(update_fields=["percent", "computed_percent", "snapshot", "computed_at", "updated_at"])
    return stored


def _stored_view(stored: CourseGrade) -> GradeView:
    return grade_view(
        user_id=stored.user_id,
        course_id=stored.course_id,
        snapshot=stored.snapshot,
        computed_at=stored.computed_at,
        override=latest_override(course_id=stored.course_id, user_id=stored.user_id),
    )


def _require_grade_editor(*, course_id: uuid.UUID, user_id: uuid.UUID, by_user_id: uuid.UUID) -> None:
    require_editor(course_id=course_id, user_id=by_user_id)
    if not may_view_grade(user_id=user_id, course_id=course_id, viewer_id=by_user_id):
        raise GradeNotFound()


def grade_recompute(*, course_id: uuid.UUID, user_id: uuid.UUID, by_user_id: uuid.UUID) -> GradeView:
    """Recomputes and stores the learner's grade (after settings changed); the course's editors only."""
    _require_grade_editor(course_id=course_id, user_id=user_id, by_user_id=by_user_id)
    return _stored_view(grade_store(course_id=course_id, user_id=user_id))


def grades_recompute_course(*, course_id: uuid.UUID, by_user_id: uuid.UUID) -> int:
    """Recomputes and stores every enrolled learner's grade, one learner per transaction; returns how many changed."""
    require_editor(course_id=course_id, user_id=by_user_id)
    changed = 0
    learners = Enrollment.objects.filter(course_id=course_id).order_by("id").values_list("user_id", flat=True)
    for learner_id in list(learners):
        before = CourseGrade.objects.filter(course_id=course_id, user_id=learner_id).values_list("snapshot", flat=True)
        previous = before.first()
        if grade_store(course_id=course_id, user_id=learner_id).snapshot != previous:
            changed += 1
    logger.info("course_grades_recomputed", course_id=str(course_id), changed=changed)
    return changed


def grade_override(
    *, course_id: uuid.UUID, user_id: uuid.UUID, by_user_id: uuid.UUID, percent: Any, reason: str
) -> GradeView:
    """Sets the grade by hand: an append-only record of who, when, old grade, new grade and why."""
    _require_grade_editor(course_id=course_id, user_id=user_id, by_user_id=by_user_id)
    new_percent = _clean_decimal(GradeOverrideInvalid, "percent", percent, low=Decimal(0), high=Decimal(100))
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > 1000:
        raise _error(GradeOverrideInvalid, "reason", "must be text of 1 to 1000 characters.")
    with transaction.atomic():
        current = grade_store(course_id=course_id, user_id=user_id)  # locks the learner's grade row
        GradeOverride.objects.create(
            course_id=course_id,
            user_id=user_id,
            by_user_id=by_user_id,
            old_percent=current.percent,
            new_percent=new_percent,
            reason=reason.strip(),
            created_at=timezone.now(),
        )
        stored = grade_store(course_id=course_id, user_id=user_id)
    logger.info("grade_overridden", course_id=str(course_id), user_id=str(user_id), by_user_id=str(by_user_id))
    return _stored_view(stored)
