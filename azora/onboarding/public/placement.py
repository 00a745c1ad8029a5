"""Placement and learning paths."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "LearningPathItem",
    "LearningPathView",
    "PlacementItemView",
    "PlacementView",
    "learning_path_of",
    "placement_answer",
    "placement_get",
    "placement_start",
]


@dataclass(frozen=True, slots=True)
class PlacementItemView:
    """The question to answer now (no answer key): choices for choice questions, empty for numeric/short text."""

    question_id: uuid.UUID
    number: int  # 1-based position in the attempt
    prompt: str
    kind: str
    choices: tuple[tuple[str, str], ...]  # (choice id, text)
    subject: str  # the course category's slug
    subject_name: str = ""  # the category's name, to show
    level: str = ""  # beginner | intermediate | advanced | expert


@dataclass(frozen=True, slots=True)
class PlacementView:
    id: uuid.UUID
    status: str  # active | completed
    answered: int
    planned_max: int
    current: PlacementItemView | None  # None when completed
    estimates: dict[str, str]  # subject -> level (once completed)
    created_at: datetime
    completed_at: datetime | None
    subject_names: dict[str, str] = field(default_factory=dict)  # subject slug -> name, of the items asked so far
    notice: str = ""  # set when the question banks hold fewer items than the diagnostic's minimum
    learning_path_id: uuid.UUID | None = None  # the path the completed attempt made


@dataclass(frozen=True, slots=True)
class LearningPathItem:
    course_id: uuid.UUID
    course_slug: str
    course_title: str
    lesson_id: uuid.UUID | None
    lesson_title: str
    reason: str  # one sentence: why this, and why here
    subject: str = ""
    level: str = ""


@dataclass(frozen=True, slots=True)
class LearningPathView:
    id: uuid.UUID
    items: tuple[LearningPathItem, ...]
    estimates: dict[str, str]
    created_at: datetime
    subject_names: dict[str, str] = field(default_factory=dict)
    placement_reoffered: bool = False  # a course was completed since: offer the placement again
    reoffer_reason: str = ""
    reoffered_at: datetime | None = None
    attempt_id: uuid.UUID | None = None


def placement_start(*, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> PlacementView:
    """Start (or resume the active) diagnostic. With no placement questions at all, the attempt completes at once
    and the path starts every subject at the beginning. `session_id` must be one of the learner's onboarding
    sessions (SessionNotFound otherwise)."""
    from azora.onboarding.services import placement

    return placement.placement_start(user_id=user_id, session_id=session_id)


def placement_get(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> PlacementView:
    """One of the learner's attempts; PlacementNotFound for anyone else's."""
    from azora.onboarding.services import placement

    return placement.placement_get(attempt_id=attempt_id, user_id=user_id)


def placement_answer(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, question_id: uuid.UUID, answer: Any
) -> PlacementView:
    """Answer the current item; the next is chosen from the answers so far; after the last, estimates and a new
    learning path are stored in the same transaction. Answering anything but the current item raises
    PlacementItemNotCurrent, a finished attempt PlacementFinished, an answer of the wrong shape education's
    AnswerInvalid; each changes nothing. None or "" means "I don't know" (not right)."""
    from azora.onboarding.services import placement

    return placement.placement_answer(attempt_id=attempt_id, user_id=user_id, question_id=question_id, answer=answer)


def learning_path_of(*, user_id: uuid.UUID) -> LearningPathView | None:
    """The learner's current learning path, or None before any placement."""
    from azora.onboarding.selectors import placement

    return placement.learning_path_of(user_id=user_id)
