"""The read endpoints' pre-built JSON equals what their response schemas would dump from the same objects."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from azora.accounts.tests.factories import UserFactory
from azora.education.models import CourseStatus
from azora.education.public import courses as education
from azora.education.schemas.courses import (
    CourseDetailOut,
    CoursePageOut,
    EnrollmentPageOut,
    course_detail_json,
    course_page_json,
    enrollment_page_json,
)
from azora.education.tests.factories import (
    CategoryFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonProgressFactory,
    course_with_lessons,
    instructor_user,
)
from azora.shared.testing.trusted_json import rendered, rendered_dump

pytestmark = pytest.mark.django_db


def _schema_dump(schema: type[BaseModel], value: Any) -> Any:
    return rendered_dump(schema.model_validate(value, from_attributes=True))


def _learner_with_a_rich_course() -> tuple[Any, Any]:
    learner = UserFactory()
    category = CategoryFactory(slug="money", name="Money")
    course, lessons = course_with_lessons(
        modules=3,
        lessons_per_module=2,
        category=category,
        tags=["budgeting", "saving"],
        instructors=[instructor_user(display_name="Ada"), instructor_user(display_name="")],
    )
    course.prerequisites.add(CourseFactory(published=True, category=category), CourseFactory(published=True))
    enrollment = EnrollmentFactory(course=course, user=learner)
    for lesson in lessons[:3]:
        LessonProgressFactory(enrollment=enrollment, lesson=lesson)
    return learner, course


def test_the_course_page_json_equals_the_schema_dump() -> None:
    learner, course = _learner_with_a_rich_course()
    detail = education.course_detail(slug=course.slug, viewer_id=learner.id)
    assert detail.viewer_progress is not None
    assert detail.prerequisites
    assert rendered(course_detail_json(detail)) == _schema_dump(CourseDetailOut, detail)
    anonymous = education.course_detail(slug=course.slug, viewer_id=None)
    assert rendered(course_detail_json(anonymous)) == _schema_dump(CourseDetailOut, anonymous)


def test_the_catalogue_json_equals_the_schema_dump() -> None:
    _learner_with_a_rich_course()
    page = education.course_search(limit=2)
    assert page.next_cursor is not None
    assert rendered(course_page_json(page)) == _schema_dump(CoursePageOut, page)


def test_my_enrollments_json_equals_the_schema_dump() -> None:
    learner, _ = _learner_with_a_rich_course()
    other, _ = course_with_lessons(modules=1, lessons_per_module=1)
    EnrollmentFactory(course=other, user=learner, status="completed")
    page = education.enrollments_of(user_id=learner.id, limit=1)
    assert page.next_cursor is not None
    assert rendered(enrollment_page_json(page)) == _schema_dump(EnrollmentPageOut, page)
    rest = education.enrollments_of(user_id=learner.id, cursor=page.next_cursor, limit=5)
    assert len(rest.items) == 1
    assert rest.next_cursor is None
    assert rendered(enrollment_page_json(rest)) == _schema_dump(EnrollmentPageOut, rest)
    assert {item.course.status for item in [*page.items, *rest.items]} == {CourseStatus.PUBLISHED}
