"""Education's contract for the placement diagnostic: learner-safe items from published courses' question banks,
their scoring by the grade engine, and the catalogue facts a learning path is built from.

The dataclasses are defined here; the functions delegate to `selectors.placement`, imported inside each function
because that module imports the dataclasses defined here.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "PLACEMENT_KINDS",
    "PlacementCourse",
    "PlacementItem",
    "PlacementQuestion",
    "courses_completed_by",
    "placement_answer_is_correct",
    "placement_courses",
    "placement_items",
    "placement_question",
]

# The kinds the grade engine scores on its own (free text waits for an instructor, so it cannot place anyone).
PLACEMENT_KINDS: tuple[str, ...] = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
)


@dataclass(frozen=True, slots=True)
class PlacementItem:
    """One question a diagnostic may ask: its course's category (the subject) and level. No prompt, no answer."""

    question_id: uuid.UUID
    course_id: uuid.UUID
    subject: str  # the course's category slug
    subject_name: str  # the category's name
    level: str  # the course's level: beginner | intermediate | advanced | expert


@dataclass(frozen=True, slots=True)
class PlacementQuestion:
    """A question as the learner sees it in the diagnostic: never the answer. `choices` are (id, text) of a choice
    question's options or of an ordering question's items (in a seeded order that is not the right one); empty for
    true/false, numeric and short text."""

    question_id: uuid.UUID
    course_id: uuid.UUID
    kind: str
    prompt: str
    choices: tuple[tuple[str, str], ...]
    subject: str
    subject_name: str
    level: str


@dataclass(frozen=True, slots=True)
class PlacementCourse:
    """A published course as a learning path needs it: subject, level, prerequisites and its first lesson."""

    course_id: uuid.UUID
    slug: str
    title: str
    subject: str  # "" when the course has no category
    subject_name: str
    level: str
    prerequisite_ids: tuple[uuid.UUID, ...]
    first_lesson_id: uuid.UUID | None
    first_lesson_title: str


def placement_items() -> list[PlacementItem]:
    """Every auto-gradable, unarchived question of a published course that has a category, by question id."""
    from azora.education.selectors import placement

    return placement.placement_items()


def placement_question(*, question_id: uuid.UUID) -> PlacementQuestion:
    """One placement item as the learner sees it; QuestionNotFound when it is not (or no longer) in the pool."""
    from azora.education.selectors import placement

    return placement.placement_question(question_id=question_id)


def placement_answer_is_correct(*, question_id: uuid.UUID, answer: Any) -> bool:
    """Whether `answer` earns full credit by the grade engine's own scoring (a partial credit is not correct).

    None or "" ("I don't know") is not correct; an answer of the wrong shape raises AnswerInvalid; a question not in
    the pool raises QuestionNotFound. True/false also accepts the strings "true" and "false" (plain forms).
    """
    from azora.education.selectors import placement

    return placement.placement_answer_is_correct(question_id=question_id, answer=answer)


def placement_courses(*, course_ids: Collection[uuid.UUID] | None = None) -> list[PlacementCourse]:
    """Published courses: all with a category (None), or those of `course_ids` (with or without one)."""
    from azora.education.selectors import placement

    return placement.placement_courses(course_ids=course_ids)


def courses_completed_by(*, user_id: uuid.UUID, before: datetime | None = None) -> frozenset[uuid.UUID]:
    """The courses the learner has completed (completed enrolments); with `before`, only those completed before it."""
    from azora.education.selectors import placement

    return placement.courses_completed_by(user_id=user_id, before=before)
