"""Fixtures of the placement tests: a small published catalogue with question banks per subject and level."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import Category, Course, Lesson, Question
from azora.education.public import enrollment_gates_swapped
from azora.education.tests.factories import CategoryFactory, course_with_lessons
from azora.education.tests.factories_assessments import RIGHT_ANSWERS, QuestionFactory
from azora.onboarding.models import LearningPath, PlacementAttempt


@pytest.fixture(autouse=True)
def _no_enrollment_gates() -> Iterator[None]:
    with enrollment_gates_swapped():
        yield


@dataclass
class Catalogue:
    """Two subjects (Money, Tech), each with a beginner and an intermediate course; questions of each."""

    money: Category
    tech: Category
    courses: dict[str, Course] = field(default_factory=dict)
    first_lessons: dict[str, Lesson] = field(default_factory=dict)
    questions: dict[str, list[Question]] = field(default_factory=dict)

    def add_course(self, key: str, category: Category, level: str, *, questions: int = 3, **fields: Any) -> Course:
        course, lessons = course_with_lessons(
            modules=1,
            lessons_per_module=2,
            category=category,
            level=level,
            title=key.replace("-", " ").title(),
            **fields,
        )
        self.courses[key] = course
        self.first_lessons[key] = lessons[0]
        self.questions[key] = [
            QuestionFactory(course=course, kind="single_choice", prompt=f"{key} question {n}") for n in range(questions)
        ]
        return course

    def question_kind(self, question_id: str) -> str:
        return str(Question.objects.get(pk=question_id).kind)


def right_answer(kind: str) -> Any:
    return RIGHT_ANSWERS[kind]


def wrong_answer(kind: str) -> Any:
    return {"single_choice": "b", "true_false": False, "numeric": "1", "short_text": "Paris"}[kind]


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    result = Catalogue(
        money=CategoryFactory(slug="money", name="Money"), tech=CategoryFactory(slug="tech", name="Technology")
    )
    result.add_course("money-basics", result.money, "beginner")
    result.add_course("money-growth", result.money, "intermediate")
    result.add_course("tech-basics", result.tech, "beginner")
    result.add_course("tech-building", result.tech, "intermediate")
    return result


@pytest.fixture
def learner(db: None) -> User:
    user: User = UserFactory()
    return user


def placement_snapshot() -> dict[str, Any]:
    """Every attempt and path row, to prove a refused call changed nothing."""
    return {
        "attempts": sorted(
            (str(a.id), a.status, repr(a.items), repr(a.estimates), a.completed_at)
            for a in PlacementAttempt.objects.all()
        ),
        "paths": sorted((str(p.id), repr(p.items), p.reoffered_at) for p in LearningPath.objects.all()),
    }
