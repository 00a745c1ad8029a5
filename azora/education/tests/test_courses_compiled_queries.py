"""CompiledQuery runs Django's own SQL with new values and gives the rows the ORM would give."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from azora.education.models import Course, Lesson
from azora.education.tests.factories import course_with_lessons
from azora.shared.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def _lessons(*, courses: Any) -> Any:
    return (
        Lesson.objects.filter(course_id__in=courses)
        .order_by("course_id", "position", "id")
        .values("id", "course_id", "title", "updated_at", "is_required")
    )


def _course(by_slug: bool, *, ref: Any) -> Any:
    field = "slug" if by_slug else "pk"
    return Course.objects.filter(**{field: ref}).values("id", "slug", "tags", "estimated_hours", "published_at")


def test_the_rows_equal_the_orm_rows_for_each_value_and_list_length() -> None:
    query = CompiledQuery("lessons of courses", _lessons)
    first, _ = course_with_lessons(modules=1, lessons_per_module=2)
    second, _ = course_with_lessons(modules=2, lessons_per_module=1)
    for ids in ([first.id], [second.id], [first.id, second.id], [uuid.uuid4()]):
        assert query.run(courses=ids) == list(_lessons(courses=ids))
    assert len(query.run(courses=[first.id, second.id])) == 4


def test_strings_uuids_and_converted_columns() -> None:
    query = CompiledQuery("a course", _course)
    course, _ = course_with_lessons(tags=["money", "saving"])
    expected = list(_course(True, ref=course.slug))
    assert expected[0]["tags"] == ["money", "saving"]
    assert query.run((True,), ref=course.slug) == expected
    assert query.run((False,), ref=course.id) == expected
    assert query.run((True,), ref="no-such-course") == []
    assert query.run((True,), ref="x' OR '1'='1") == []


def test_each_run_is_one_query_seen_by_django() -> None:
    query = CompiledQuery("a course", _course)
    course, _ = course_with_lessons()
    query.run((True,), ref=course.slug)
    with CaptureQueriesContext(connection) as captured:
        query.run((True,), ref=course.slug)
    assert len(captured.captured_queries) == 1


def test_an_id_given_as_text_is_read_as_the_uuid_it_names() -> None:
    course, _ = course_with_lessons(modules=1, lessons_per_module=2)
    by_course = CompiledQuery(
        "lesson ids of a course", lambda *, course: Lesson.objects.filter(course_id=course).values("id")
    )
    # Compiled with a UUID first, then given the same id as text.
    assert by_course.run(course=course.id) == by_course.run(course=str(course.id)) != []
    with pytest.raises(ValueError, match="badly formed"):
        by_course.run(course="not-a-uuid")


def test_an_id_given_as_text_first_compiles_the_same_query() -> None:
    """The first caller of a thread may pass text (a form's value): the query is compiled for a UUID all the same,
    and a later UUID reads the same rows."""
    course, _ = course_with_lessons(modules=1, lessons_per_module=2)
    by_course = CompiledQuery(
        "lesson ids of a course", lambda *, course: Lesson.objects.filter(course_id=course).values("id")
    )
    expected = list(Lesson.objects.filter(course_id=course.id).values("id"))
    assert len(expected) == 2
    assert by_course.run(course=str(course.id)) == expected
    assert by_course.run(course=course.id) == expected
    assert by_course.run(course=uuid.uuid4()) == []


def test_a_uuid_compared_with_a_text_column_is_sent_as_text() -> None:
    course, _ = course_with_lessons()
    named = uuid.uuid4()
    Course.objects.filter(pk=course.pk).update(slug=str(named))
    by_slug = CompiledQuery("a course by slug", lambda *, slug: Course.objects.filter(slug=slug).values("id"))
    assert by_slug.run(slug=named) == [{"id": course.id}]
    assert by_slug.run(slug=str(named)) == [{"id": course.id}]
    assert by_slug.run(slug=str(uuid.uuid4())) == []
