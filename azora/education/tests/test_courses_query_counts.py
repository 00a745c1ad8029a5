"""List endpoints read a fixed number of queries whatever the page size (catalogue, my enrolments, course page)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries

from azora.accounts.models import User
from azora.accounts.tests.conftest import session_client
from azora.accounts.tests.factories import UserFactory
from azora.education.tests.factories import (
    CategoryFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonProgressFactory,
    course_with_lessons,
    instructor_user,
)
from azora.education.tests.test_courses_api import send
from azora.shared.testing.queries import statement_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner() -> User:
    return UserFactory()


def _catalogue(count: int) -> None:
    category = CategoryFactory(slug="finance")
    for index in range(count):
        CourseFactory(
            published=True,
            category=category,
            instructors=[instructor_user(), instructor_user()],
            title=f"Money {index}",
        )


def _count(client: Any, path: str, django_assert_num_queries: DjangoAssertNumQueries) -> tuple[int, int]:
    """(all queries of the request, the queries on Education's tables); the rest is the edge's session work."""
    send(client, "GET", path)  # warm the session and per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = send(client, "GET", path)
    assert response.status_code == 200, response.content
    sql = [statement_sql(query) for query in captured.captured_queries]
    return len(sql), sum(
        1 for statement in sql if statement.lstrip().startswith("SELECT") and '"education_' in statement
    )


@pytest.mark.parametrize("query", ["", "&q=money"])
def test_the_catalogue_costs_the_same_queries_for_2_and_12_courses(
    learner: User, django_assert_num_queries: DjangoAssertNumQueries, query: str
) -> None:
    _catalogue(12)
    client = session_client(learner)
    small = _count(client, f"/courses?limit=2{query}", django_assert_num_queries)
    large = _count(client, f"/courses?limit=12{query}", django_assert_num_queries)
    assert small == large
    with django_assert_num_queries(large[0]):
        assert len(send(client, "GET", f"/courses?limit=12{query}").json()["items"]) == 12
    assert large[1] == 2  # courses (with categories), then every instructor of the page


def test_my_enrollments_cost_the_same_queries_for_2_and_10_enrolments(
    learner: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(10):
        course, lessons = course_with_lessons(instructors=[instructor_user(), instructor_user()])
        LessonProgressFactory(enrollment=EnrollmentFactory(course=course, user=learner), lesson=lessons[0])
    client = session_client(learner)
    small = _count(client, "/me/enrollments?limit=2", django_assert_num_queries)
    large = _count(client, "/me/enrollments?limit=10", django_assert_num_queries)
    assert small == large
    # Enrolments with their courses, the courses' instructors, the progress rows; outlines come from the cache.
    assert large[1] == 3
    with django_assert_num_queries(large[0]):
        assert len(send(client, "GET", "/me/enrollments?limit=10").json()["items"]) == 10


def test_my_enrollments_read_missing_outlines_in_three_queries_whatever_their_number(learner: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from azora.education.outline_cache import outline_changed

    courses = []
    for _ in range(6):
        course, lessons = course_with_lessons(modules=2, lessons_per_module=3)
        courses.append(course)
        LessonProgressFactory(enrollment=EnrollmentFactory(course=course, user=learner), lesson=lessons[0])
    client = session_client(learner)
    send(client, "GET", "/me/enrollments?limit=6")  # the session, and every outline
    for course in courses:
        outline_changed(course.id)
    with CaptureQueriesContext(connection) as captured:
        body = send(client, "GET", "/me/enrollments?limit=6").json()
    education = [q["sql"] for q in captured.captured_queries if '"education_' in q["sql"]]
    # The three, plus the modules, lessons and prerequisites of all six courses whose outlines were out of date.
    assert len(education) == 6
    assert [item["progress"]["total_lessons"] for item in body["items"]] == [6] * 6


def test_a_course_page_costs_the_same_queries_for_small_and_large_courses(
    learner: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small_course, small_lessons = course_with_lessons(modules=1, lessons_per_module=1)
    large_course, large_lessons = course_with_lessons(
        modules=6, lessons_per_module=8, instructors=[instructor_user(), instructor_user(), instructor_user()]
    )
    small_course.prerequisites.add(CourseFactory(published=True))
    for course, lessons in ((small_course, small_lessons), (large_course, large_lessons)):
        large_course.prerequisites.add(CourseFactory(published=True))
        enrollment = EnrollmentFactory(course=course, user=learner)
        LessonProgressFactory(enrollment=enrollment, lesson=lessons[0])
    client = session_client(learner)
    small = _count(client, f"/courses/{small_course.slug}", django_assert_num_queries)
    large = _count(client, f"/courses/{large_course.slug}", django_assert_num_queries)
    assert small == large
    # The course with its instructors and the viewer's enrolment, the prerequisites, the viewer's progress (the
    # outline is cached; the viewer's platform role is read by the accounts app).
    assert large[1] == 3
    with django_assert_num_queries(large[0]):
        body = send(client, "GET", f"/courses/{large_course.slug}").json()
    assert body["lesson_count"] == 48
    assert len(body["prerequisites"]) == 2
