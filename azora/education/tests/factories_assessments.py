"""Factories and helpers for the assessment tests: a course with an instructor and an enrolled learner, questions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import (
    Assessment,
    AssessmentQuestion,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    GradeCategory,
    Question,
)

OPTIONS = [{"id": "a", "text": "Rand"}, {"id": "b", "text": "Dollar"}, {"id": "c", "text": "Euro"}]
DEFINITIONS: dict[str, dict[str, Any]] = {
    "single_choice": {"options": OPTIONS, "correct": "a"},
    "multiple_choice": {"options": OPTIONS, "correct": ["a", "c"]},
    "true_false": {"correct": True},
    "numeric": {"value": "3.14", "tolerance": "0.01"},
    "short_text": {"accepted": ["Pretoria"], "match": "casefold"},
    "ordering": {
        "items": [{"id": "1", "text": "Earn"}, {"id": "2", "text": "Budget"}, {"id": "3", "text": "Save"}],
        "rule": "all_or_nothing",
    },
    "free_text": {
        "rubric": [
            {"id": "clarity", "description": "Clear", "points": "3"},
            {"id": "facts", "description": "Right", "points": "2"},
        ]
    },
}
RIGHT_ANSWERS: dict[str, Any] = {
    "single_choice": "a",
    "multiple_choice": ["a", "c"],
    "true_false": True,
    "numeric": "3.14",
    "short_text": "pretoria",
    "ordering": ["1", "2", "3"],
    "free_text": "Spend less than you earn, and save the rest.",
}


class AssessCourseFactory(DjangoModelFactory[Course]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A published course; `AssessCourseFactory(instructors=[user])` makes those users its instructors."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Money basics {n}")
    slug = factory.Sequence(lambda n: f"money-basics-{n}")
    status = CourseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def instructors(self, create: bool, extracted: list[User] | None, **kwargs: Any) -> None:
        if create:
            for position, user in enumerate(extracted or []):
                CourseInstructor.objects.create(course=self, user=user, position=position)


class QuestionFactory(DjangoModelFactory[Question]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A bank question (true/false by default); pass `kind=` for another type with its stock definition."""

    class Meta:
        model = Question

    course = factory.SubFactory(AssessCourseFactory)
    kind = "true_false"
    prompt = factory.Sequence(lambda n: f"Question {n}: is a budget a plan for your money?")
    points = Decimal("1.00")
    definition = factory.LazyAttribute(lambda question: DEFINITIONS[question.kind])
    created_by = factory.LazyAttribute(lambda question: question.course.created_by)


class GradeCategoryFactory(DjangoModelFactory[GradeCategory]):  # type: ignore[misc]  # factory_boy is typed as Any
    class Meta:
        model = GradeCategory
        django_get_or_create = ("course", "name")

    course = factory.SubFactory(AssessCourseFactory)
    name = "Assessments"
    weight = Decimal(1)


class AssessmentFactory(DjangoModelFactory[Assessment]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """An assessment; `AssessmentFactory(questions=[q1, q2])` lists those questions in that order."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    course = factory.SubFactory(AssessCourseFactory)
    title = factory.Sequence(lambda n: f"Quiz {n}")
    category = factory.LazyAttribute(lambda assessment: GradeCategoryFactory(course=assessment.course))

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def questions(self, create: bool, extracted: list[Question] | None, **kwargs: Any) -> None:
        if create:
            for position, question in enumerate(extracted or []):
                AssessmentQuestion.objects.create(assessment=self, question=question, position=position)


@dataclass
class Classroom:
    """A published course with one instructor, one enrolled learner and one stranger (enrolled elsewhere)."""

    course: Course
    instructor: User
    learner: User
    stranger: User

    def question(self, kind: str = "true_false", **fields: Any) -> Question:
        question: Question = QuestionFactory(course=self.course, kind=kind, **fields)
        return question

    def assessment(self, questions: list[Question] | None = None, **fields: Any) -> Assessment:
        assessment: Assessment = AssessmentFactory(course=self.course, questions=questions or [], **fields)
        return assessment

    def enrol(self, user: User) -> Enrollment:
        return Enrollment.objects.create(course=self.course, user=user)


def classroom() -> Classroom:
    instructor = UserFactory(display_name="Ines Instructor")
    learner = UserFactory(display_name="Lerato Learner")
    stranger = UserFactory(display_name="Sipho Stranger")
    course = AssessCourseFactory(instructors=[instructor], created_by=instructor)
    Enrollment.objects.create(course=course, user=learner)
    Enrollment.objects.create(course=AssessCourseFactory(), user=stranger)
    return Classroom(course=course, instructor=instructor, learner=learner, stranger=stranger)
