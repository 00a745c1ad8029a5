"""The education demo data: a published catalogue in four categories, the learner's progress, and idempotence."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from azora.accounts.demo import load_demo_data as load_demo_accounts
from azora.education.demo import DemoAccountsMissing, load_demo_data
from azora.education.demo_content import CATEGORIES, catalogue
from azora.education.models import (
    Assessment,
    Attempt,
    Certificate,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    LessonProgress,
    Module,
)
from azora.education.public import certificate_verify
from azora.shared import demo
from azora.shared.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(django_capture_on_commit_callbacks: Any) -> None:
    # As `azora demo-data` runs it: every loader in order, each in its own transaction, dispatching on commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load_demo_data(only=["accounts", "education"]) == ["accounts", "education"]


def _state() -> dict[str, object]:
    return {
        "courses": list(Course.objects.order_by("slug").values_list("slug", "status", "updated_at")),
        "modules": Module.objects.count(),
        "lessons": list(Lesson.objects.order_by("id").values_list("id", "updated_at")),
        "instructors": CourseInstructor.objects.count(),
        "enrollments": list(Enrollment.objects.order_by("id").values_list("id", "status", "updated_at")),
        "progress": LessonProgress.objects.count(),
        "assessments": list(Assessment.objects.order_by("id").values_list("id", "updated_at")),
        "attempts": list(Attempt.objects.order_by("id").values_list("id", "status", "score_percent")),
        "certificates": list(Certificate.objects.values_list("id", "signed_jwt")),
        "events": OutboxEvent.objects.count(),
    }


def test_the_catalogue_has_at_least_twelve_published_courses_in_four_categories(loaded: None) -> None:
    slugs = [course.slug for course in catalogue()]
    courses = Course.objects.filter(slug__in=slugs).select_related("category")

    assert len(slugs) >= 12
    assert len(set(slugs)) == len(slugs)
    assert courses.count() == len(slugs)
    assert {course.status for course in courses} == {CourseStatus.PUBLISHED}
    per_category = Counter(course.category.slug for course in courses if course.category is not None)
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 3


def test_every_demo_course_has_two_to_four_modules_of_rendered_lessons_by_the_demo_instructor(loaded: None) -> None:
    for demo_course in catalogue():
        course = Course.objects.get(slug=demo_course.slug)
        modules = list(Module.objects.filter(course=course))
        lessons = list(Lesson.objects.filter(course=course))
        assert 2 <= len(modules) <= 4, demo_course.slug
        assert all(module.lessons.exists() for module in modules), demo_course.slug
        assert len(lessons) == sum(len(module.lessons) for module in demo_course.modules)
        for lesson in lessons:
            assert len(lesson.body_markdown) > 400, lesson.title  # a lesson that teaches, not a placeholder
            assert lesson.body_html.startswith("<"), lesson.title
            assert "<script" not in lesson.body_html
        assert list(CourseInstructor.objects.filter(course=course).values_list("user__email", flat=True)) == [
            "instructor@azora.local"
        ]
        assert course.tags == list(demo_course.tags)


def test_every_demo_course_carries_a_working_assessment_definition() -> None:
    for demo_course in catalogue():
        questions = demo_course.assessment.questions
        assert len(questions) >= 4, demo_course.slug
        for question in questions:
            if question.kind in {"single_choice", "multiple_choice", "true_false"}:
                assert question.correct, question.prompt
                assert all(0 <= index < len(question.choices) for index in question.correct), question.prompt
                assert question.kind != "single_choice" or len(question.correct) == 1
            else:
                assert question.answer, question.prompt


def test_every_demo_course_has_a_required_assessment_with_its_questions(loaded: None) -> None:
    for demo_course in catalogue():
        assessment = Assessment.objects.get(course__slug=demo_course.slug)
        assert (assessment.title, assessment.is_required, assessment.passing_percent) == (
            demo_course.assessment.title,
            True,
            Decimal(demo_course.assessment.passing_percent),
        )
        prompts = list(assessment.question_links.order_by("position").values_list("question__prompt", flat=True))
        assert prompts == [question.prompt for question in demo_course.assessment.questions]


def test_right_answers_pass_and_wrong_answers_fail_every_demo_assessment(loaded: None) -> None:
    from azora.accounts.tests.factories import UserFactory
    from azora.education.demo import correct_answer
    from azora.education.services import assessments, enrollment

    learner = UserFactory()
    for demo_course in catalogue():
        course = Course.objects.get(slug=demo_course.slug)
        enrollment.enrollment_create(course_id=course.id, user_id=learner.id)
        assessment = Assessment.objects.get(course=course)
        right = assessments.attempt_start(assessment_id=assessment.id, user_id=learner.id)
        answers = {str(item.id): correct_answer(item.kind, _stored_definition(item.id)) for item in right.questions}
        assert assessments.attempt_submit(attempt_id=right.id, user_id=learner.id, answers=answers).is_passed is True
        wrong = assessments.attempt_start(assessment_id=assessment.id, user_id=learner.id)
        assert assessments.attempt_submit(attempt_id=wrong.id, user_id=learner.id, answers={}).is_passed is False


def _stored_definition(question_id: uuid.UUID) -> dict[str, Any]:
    from azora.education.models import Question

    definition: dict[str, Any] = Question.objects.get(id=question_id).definition
    return definition


def test_the_demo_learner_is_enrolled_with_progress_and_holds_a_valid_certificate(loaded: None) -> None:
    enrollments = {
        enrollment.course.slug: enrollment
        for enrollment in Enrollment.objects.filter(user__email="learner@azora.local").select_related("course")
    }
    done = Counter(
        LessonProgress.objects.filter(enrollment__user__email="learner@azora.local").values_list(
            "enrollment__course__slug", flat=True
        )
    )

    assert set(enrollments) == {
        "personal-budgeting",
        "python-basics",
        "sa-constitution-introduction",
        "staying-safe-online",
    }
    assert enrollments["personal-budgeting"].status == EnrollmentStatus.COMPLETED
    assert done == {"personal-budgeting": 3, "python-basics": 2, "sa-constitution-introduction": 1}
    assert enrollments["python-basics"].status == EnrollmentStatus.ACTIVE
    certificate = Certificate.objects.get()
    assert (certificate.enrollment_id, certificate.learner_name, certificate.course_title) == (
        enrollments["personal-budgeting"].id,
        "Sipho Learner",
        "Personal budgeting that works",
    )
    assert certificate_verify(certificate_id=certificate.id).is_valid is True


def test_loading_twice_duplicates_nothing(loaded: None, django_capture_on_commit_callbacks: Any) -> None:
    before = _state()

    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo_data(only=["accounts", "education"])

    assert _state() == before


def test_the_education_loader_runs_after_accounts_and_needs_them() -> None:
    entry = next(entry for entry in demo.registered_loaders() if entry.name == "education")
    assert (entry.loader, entry.order) == (load_demo_data, 20)

    with pytest.raises(DemoAccountsMissing, match=r"instructor@azora\.local"):
        load_demo_data()
    assert Course.objects.count() == 0

    load_demo_accounts()
    load_demo_data()
    assert Course.objects.count() == len(catalogue())
