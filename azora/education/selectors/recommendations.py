"""Reads for the AI tutor: a learner's next lessons, the courses they may ask about, and whether a text gives away
an answer of one of their open assessment attempts."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from azora.education import grading
from azora.education.models import Attempt, AttemptStatus, CourseInstructor, Enrollment, LessonProgress, Question
from azora.education.outline_cache import outlines
from azora.education.public.recommendations import NextLesson
from azora.education.selectors.courses import ACCESS_STATUSES

__all__ = ["course_ids_enrolled_or_taught", "next_lessons_for", "open_answer_revealed"]

MAX_NEXT_LESSONS = 20
# "True" and "false" in the served languages (en, fr, pt, af, sw): any of them would read as a true/false verdict.
TRUE_FALSE_WORDS = ("true", "false", "vrai", "faux", "verdadeiro", "falso", "waar", "onwaar", "kweli", "uongo")


def course_ids_enrolled_or_taught(*, user_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
    """Ids of the courses the user is enrolled in (active or completed, not revoked) or teaches; two queries."""
    enrolled = Enrollment.objects.filter(user_id=user_id, status__in=ACCESS_STATUSES).values_list("course_id")
    taught = CourseInstructor.objects.filter(user_id=user_id).values_list("course_id")
    return tuple(sorted({row[0] for row in enrolled} | {row[0] for row in taught}))


def next_lessons_for(*, user_id: uuid.UUID, course_id: uuid.UUID, limit: int = 3) -> list[NextLesson]:
    """The learner's next incomplete lessons of the course in outline order (required and optional alike), at most
    `limit` (capped at 20); empty when they are not enrolled (or revoked) or have done every lesson.

    A fixed number of queries: the enrolment, its completed lessons, and the cached outline.
    """
    limit = max(0, min(limit, MAX_NEXT_LESSONS))
    enrollment = (
        Enrollment.objects.filter(user_id=user_id, course_id=course_id, status__in=ACCESS_STATUSES)
        .select_related("course")
        .only("id", "course__id", "course__title")
        .first()
    )
    if enrollment is None or limit == 0:
        return []
    completed = set(LessonProgress.objects.filter(enrollment_id=enrollment.id).values_list("lesson_id", flat=True))
    outline = outlines([course_id])[course_id]
    module_titles = {module.id: module.title for module in outline.modules}
    result: list[NextLesson] = []
    for number, lesson in enumerate(outline.lessons, start=1):
        if lesson.id in completed:
            continue
        result.append(
            NextLesson(
                lesson_id=lesson.id,
                course_id=course_id,
                course_title=enrollment.course.title,
                module_title=module_titles.get(lesson.module_id, ""),
                title=lesson.title,
                number=number,
                total_lessons=len(outline.lessons),
                estimated_minutes=lesson.estimated_minutes,
                is_required=lesson.is_required,
                url=f"/learn/{lesson.id}/",
            )
        )
        if len(result) == limit:
            break
    return result


# --- Academic integrity: does a text give an open question's answer away? ---


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = _normalise(phrase)
    if not words:
        return None
    return re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)")


def _number_pattern(value: Decimal) -> re.Pattern[str]:
    """The number as a learner might write it: 3000, 3 000, 3,000 or 3.000; 3.14 or 3,14; trailing zeros allowed
    (3.50, 3.0); never as a part of a longer number. A negative value also matches without its sign."""
    plain = format(abs(value).normalize(), "f")
    integer, _, fraction = plain.partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    whole = "[ ,.\u00a0\u202f]?".join(groups)  # thousands written with a space, a comma or a dot
    decimals = f"[.,]{fraction}0*" if fraction else "(?:[.,]0+)?"
    return re.compile(r"(?<![\d.,])" + whole + decimals + r"(?!\d|[.,]\d)")


def _answer_patterns(definition: grading.Definition) -> list[re.Pattern[str]]:
    """Patterns that match a text stating the answer. Ordering and free-text answers are not single phrases."""
    phrases: list[str] = []
    if isinstance(definition, grading.SingleChoice):
        phrases = [option.text for option in definition.options if option.id == definition.correct]
    elif isinstance(definition, grading.MultipleChoice):
        phrases = [option.text for option in definition.options if option.id in definition.correct]
    elif isinstance(definition, grading.TrueFalse):
        phrases = list(TRUE_FALSE_WORDS)  # either word would read as the verdict
    elif isinstance(definition, grading.ShortText) and definition.match != "regex":
        phrases = list(definition.accepted)
    elif isinstance(definition, grading.Numeric):
        return [_number_pattern(definition.value)]
    return [pattern for phrase in phrases if (pattern := _phrase_pattern(phrase)) is not None]


def open_answer_revealed(
    *, user_id: uuid.UUID, texts: Sequence[str], question_id: uuid.UUID | None = None
) -> tuple[bool, ...]:
    """For each text: does it state an answer (a correct choice's text, an accepted short answer, the numeric
    value, or true/false for a true/false question) of a question in the user's open attempts (`question_id`: of
    that question only)? Returns no answer itself; two queries."""
    now = timezone.now()
    attempts = Attempt.objects.filter(user_id=user_id, status=AttemptStatus.OPEN).filter(
        Q(deadline__isnull=True) | Q(deadline__gt=now)
    )
    drawn = attempts.values_list("question_ids", flat=True)
    wanted = {str(question) for question_ids in drawn for question in question_ids}
    if question_id is not None:
        wanted &= {str(question_id)}
    patterns: list[re.Pattern[str]] = []
    for kind, definition in Question.objects.filter(pk__in=list(wanted)).values_list("kind", "definition"):
        try:
            patterns.extend(_answer_patterns(grading.definition_parse(kind, definition, stored=True)))
        except grading.DefinitionInvalid:  # an unreadable stored definition reveals nothing through this check
            continue
    normalised = [_normalise(text) for text in texts]
    return tuple(any(pattern.search(text) for pattern in patterns) for text in normalised)
