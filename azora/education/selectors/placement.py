"""The read side of placement: the pool of auto-gradable bank questions of published courses, learner-safe views of
them, their scoring by the grade engine, and the catalogue facts of published courses for learning paths."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from azora.education import grading
from azora.education.errors import AnswerInvalid, QuestionNotFound
from azora.education.models import Course, CourseStatus, Enrollment, EnrollmentStatus, Lesson, Question
from azora.education.public.placement import PLACEMENT_KINDS, PlacementCourse, PlacementItem, PlacementQuestion
from azora.education.selectors.assessments import engine_question

__all__ = [
    "courses_completed_by",
    "placement_answer_is_correct",
    "placement_courses",
    "placement_items",
    "placement_question",
]


def _pool() -> QuerySet[Question]:
    return Question.objects.filter(
        course__status=CourseStatus.PUBLISHED,
        course__category__isnull=False,
        is_archived=False,
        kind__in=PLACEMENT_KINDS,
    )


def placement_items() -> list[PlacementItem]:
    rows = (
        _pool()
        .order_by("id")
        .values_list("id", "course_id", "course__category__slug", "course__category__name", "course__level")
    )
    return [
        PlacementItem(question_id=qid, course_id=course_id, subject=slug, subject_name=name, level=level)
        for qid, course_id, slug, name, level in rows
    ]


def _pooled_question(question_id: uuid.UUID) -> Question:
    question = _pool().select_related("course", "course__category").filter(pk=question_id).first()
    if question is None or question.course.category is None:
        raise QuestionNotFound()
    return question


def _choices(definition: grading.Definition, *, seed: str) -> tuple[tuple[str, str], ...]:
    shown = grading.definition_for_learner(definition, seed=seed)
    entries = shown.get("options") or shown.get("items") or []
    return tuple((str(entry["id"]), str(entry["text"])) for entry in entries)


def placement_question(*, question_id: uuid.UUID) -> PlacementQuestion:
    question = _pooled_question(question_id)
    category = question.course.category
    assert category is not None  # _pooled_question checked it
    engine = engine_question(question)
    return PlacementQuestion(
        question_id=question.id,
        course_id=question.course_id,
        kind=question.kind,
        prompt=question.prompt,
        choices=_choices(engine.definition, seed=f"placement:{question.id}"),
        subject=category.slug,
        subject_name=category.name,
        level=question.course.level,
    )


def _normalised(definition: grading.Definition, answer: Any) -> Any:
    """Plain forms post text: "true"/"false" for a true/false question."""
    if isinstance(definition, grading.TrueFalse) and isinstance(answer, str):
        lowered = answer.strip().casefold()
        if lowered in ("true", "false"):
            return lowered == "true"
        if not lowered:
            return None
    return answer


def placement_answer_is_correct(*, question_id: uuid.UUID, answer: Any) -> bool:
    engine = engine_question(_pooled_question(question_id))
    try:
        parsed = grading.answer_parse(engine, _normalised(engine.definition, answer))
    except grading.AnswerInvalid as error:
        raise AnswerInvalid(
            f"The answer {error.message}",
            extra={"question_id": error.question_id, "errors": [{"field": "answer", "message": error.message}]},
        ) from None
    result = grading.attempt_score([engine], {engine.id: parsed})
    return result.items[0].status == "correct"


def placement_courses(*, course_ids: Collection[uuid.UUID] | None = None) -> list[PlacementCourse]:
    """Three queries whatever the number of courses: the courses (with their first lesson), their prerequisites."""
    first_lessons = Lesson.objects.filter(course_id=OuterRef("pk")).order_by("module__position", "position", "id")
    published = Course.objects.filter(status=CourseStatus.PUBLISHED)
    wanted = Q(category__isnull=False) if course_ids is None else Q(pk__in=list(course_ids))
    courses = published.filter(wanted)
    rows = list(
        courses.annotate(
            first_lesson_id=Subquery(first_lessons.values("id")[:1]),
            first_lesson_title=Subquery(first_lessons.values("title")[:1]),
        )
        .order_by("id")
        .values(
            "id",
            "slug",
            "title",
            "level",
            "category__slug",
            "category__name",
            "first_lesson_id",
            "first_lesson_title",
        )
    )
    prerequisites: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    through = Course.prerequisites.through
    links = through.objects.filter(from_course_id__in=[row["id"] for row in rows]).order_by("to_course_id")
    for from_id, to_id in links.values_list("from_course_id", "to_course_id"):
        prerequisites[from_id].append(to_id)
    return [
        PlacementCourse(
            course_id=row["id"],
            slug=row["slug"],
            title=row["title"],
            subject=row["category__slug"] or "",
            subject_name=row["category__name"] or "",
            level=row["level"],
            prerequisite_ids=tuple(prerequisites.get(row["id"], ())),
            first_lesson_id=row["first_lesson_id"],
            first_lesson_title=row["first_lesson_title"] or "",
        )
        for row in rows
    ]


def courses_completed_by(*, user_id: uuid.UUID, before: datetime | None = None) -> frozenset[uuid.UUID]:
    completed = Enrollment.objects.filter(user_id=user_id, status=EnrollmentStatus.COMPLETED)
    if before is not None:
        completed = completed.filter(completed_at__lt=before)
    return frozenset(completed.values_list("course_id", flat=True))
