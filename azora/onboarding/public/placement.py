"""Placement and learning paths (owner: ONBOARDING-PLACEMENT)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

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
    subject: str


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


@dataclass(frozen=True, slots=True)
class LearningPathItem:
    course_id: uuid.UUID
    course_slug: str
    course_title: str
    lesson_id: uuid.UUID | None
    lesson_title: str
    reason: str  # one sentence: why this, and why here


@dataclass(frozen=True, slots=True)
class LearningPathView:
    id: uuid.UUID
    items: tuple[LearningPathItem, ...]
    estimates: dict[str, str]
    created_at: datetime


def placement_start(*, user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> PlacementView:
    """Start (or resume the active) diagnostic."""
    raise NotImplementedError


def placement_get(*, attempt_id: uuid.UUID, user_id: uuid.UUID) -> PlacementView:
    raise NotImplementedError


def placement_answer(
    *, attempt_id: uuid.UUID, user_id: uuid.UUID, question_id: uuid.UUID, answer: object
) -> PlacementView:
    """Answer the current item; the next is chosen from the answers so far; after the last, estimates and a new
    learning path are stored. Answering anything but the current item changes nothing (Conflict)."""
    raise NotImplementedError


def learning_path_of(*, user_id: uuid.UUID) -> LearningPathView | None:
    """The learner's current learning path, or None before any placement."""
    raise NotImplementedError
