"""Education's public reads for the AI tutor: a learner's next lessons, the courses they may ask about, and a check
that a text does not give away an answer of their open assessment attempts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NextLesson", "course_ids_enrolled_or_taught", "next_lessons_for", "open_answer_revealed"]


@dataclass(frozen=True, slots=True)
class NextLesson:
    """A lesson the learner has not completed yet; `number` is its place in the course's outline (1 first)."""

    lesson_id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    module_title: str
    title: str
    number: int
    total_lessons: int
    estimated_minutes: int
    is_required: bool
    url: str  # the student portal's lesson page


def next_lessons_for(*, user_id: uuid.UUID, course_id: uuid.UUID, limit: int = 3) -> list[NextLesson]:
    """The learner's next incomplete lessons in outline order (at most `limit`, capped at 20); empty when the user
    is not enrolled in the course (or the enrolment was revoked) or has completed every lesson."""
    from azora.education.selectors import recommendations

    return recommendations.next_lessons_for(user_id=user_id, course_id=course_id, limit=limit)


def course_ids_enrolled_or_taught(*, user_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
    """Ids of the courses (any status) the user is enrolled in (not revoked) or teaches, sorted."""
    from azora.education.selectors import recommendations

    return recommendations.course_ids_enrolled_or_taught(user_id=user_id)


def open_answer_revealed(
    *, user_id: uuid.UUID, texts: Sequence[str], question_id: uuid.UUID | None = None
) -> tuple[bool, ...]:
    """For each text, whether it states an answer of a question in the user's open assessment attempts (a correct
    choice's text, an accepted short answer, the numeric value, or true/false for a true/false question); with
    `question_id`, of that question only. The answers themselves never leave Education."""
    from azora.education.selectors import recommendations

    return recommendations.open_answer_revealed(user_id=user_id, texts=texts, question_id=question_id)
