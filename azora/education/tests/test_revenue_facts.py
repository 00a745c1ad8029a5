"""What the revenue engine reads and sets through education.public: course facts, the paid flag, enrolments
started since a date (plan limits), and a learner's progress percent (upgrade offers)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from azora.accounts.tests.factories import UserFactory
from azora.education.errors import CourseNotFound, PaidCourseRequiresPurchase
from azora.education.models import Course, Enrollment
from azora.education.public import (
    CourseFacts,
    course_facts,
    course_progress_percent,
    course_set_paid,
    enrollment_create,
    enrollment_revoke,
    enrollments_created_since,
    lesson_complete,
)
from azora.education.tests.factories import CourseFactory, LessonFactory, course_with_lessons, instructor_user
from azora.education.tests.test_enrollment_api import state
from azora.shared.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_course_facts_name_the_course_its_instructors_in_order_whatever_its_status() -> None:
    first, second = instructor_user(), instructor_user()
    course = CourseFactory(instructors=[second, first], level="advanced", title="Tax for freelancers")
    assert course_facts(course_id=course.id) == CourseFacts(
        id=course.id,
        title="Tax for freelancers",
        slug=course.slug,
        level="advanced",
        status="draft",
        is_paid=False,
        organisation_id=None,
        instructor_ids=(second.id, first.id),
        created_by_id=course.created_by_id,
    )


def test_course_facts_of_an_unknown_course_are_not_found() -> None:
    with pytest.raises(CourseNotFound):
        course_facts(course_id=uuid.uuid4())


def test_setting_a_course_paid_refuses_self_enrolment_and_setting_it_free_allows_it() -> None:
    course, _ = course_with_lessons()
    learner = UserFactory()
    course_set_paid(course_id=course.id, is_paid=True)
    assert course_facts(course_id=course.id).is_paid is True
    with pytest.raises(PaidCourseRequiresPurchase):
        enrollment_create(course_id=course.id, user_id=learner.id)
    course_set_paid(course_id=course.id, is_paid=False)
    assert Course.objects.get(pk=course.id).is_paid is False
    assert enrollment_create(course_id=course.id, user_id=learner.id).created is True


def test_setting_paid_on_an_unknown_course_or_with_a_non_boolean_changes_nothing() -> None:
    course, _ = course_with_lessons()
    before = state(), list(Course.objects.values_list("id", "is_paid", "updated_at"))
    with pytest.raises(CourseNotFound):
        course_set_paid(course_id=uuid.uuid4(), is_paid=True)
    with pytest.raises(ValidationFailed):
        course_set_paid(course_id=course.id, is_paid="yes")  # type: ignore[arg-type]  # the bad input under test
    assert (state(), list(Course.objects.values_list("id", "is_paid", "updated_at"))) == before


def test_enrolments_created_since_count_every_source_and_revoked_ones() -> None:
    learner = UserFactory()
    courses = [course_with_lessons()[0] for _ in range(3)]
    paid, _ = course_with_lessons(is_paid=True)
    for course in courses:
        enrollment_create(course_id=course.id, user_id=learner.id)
    enrollment_create(course_id=paid.id, user_id=learner.id, source="purchase")
    enrollment_create(course_id=courses[0].id, user_id=UserFactory().id)  # someone else's
    last_month = timezone.now() - timedelta(days=40)
    Enrollment.objects.filter(user=learner, course=courses[0]).update(created_at=last_month)
    month_start = timezone.now() - timedelta(days=10)
    assert enrollments_created_since(user_id=learner.id, since=month_start) == 3
    assert enrollments_created_since(user_id=learner.id, since=last_month) == 4
    assert enrollments_created_since(user_id=learner.id, since=month_start, sources={"self"}) == 2
    assert enrollments_created_since(user_id=learner.id, since=month_start, sources=["purchase"]) == 1
    assert enrollments_created_since(user_id=learner.id, since=month_start, sources=()) == 0
    enrollment_revoke(course_id=paid.id, user_id=learner.id, reason="refund")
    assert enrollments_created_since(user_id=learner.id, since=month_start) == 3
    enrollment_create(course_id=paid.id, user_id=learner.id, source="purchase")  # a reactivation starts none
    assert enrollments_created_since(user_id=learner.id, since=month_start) == 3
    assert enrollments_created_since(user_id=learner.id, since=timezone.now() + timedelta(seconds=1)) == 0


def test_progress_percent_follows_completed_lessons_and_is_zero_without_access() -> None:
    course, lessons = course_with_lessons(modules=1, lessons_per_module=4)
    LessonFactory(module=lessons[0].module, is_required=False, position=99)
    learner = UserFactory()
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 0
    enrollment_create(course_id=course.id, user_id=learner.id)
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 0
    lesson_complete(lesson_id=lessons[0].id, user_id=learner.id)
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 25
    lesson_complete(lesson_id=lessons[1].id, user_id=learner.id)
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 50
    enrollment_revoke(course_id=course.id, user_id=learner.id, reason="removed by an admin")
    assert course_progress_percent(user_id=learner.id, course_id=course.id) == 0
    assert course_progress_percent(user_id=learner.id, course_id=uuid.uuid4()) == 0
