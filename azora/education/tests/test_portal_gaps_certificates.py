"""`certificates_of_course`: the course's issued certificates for those who may revoke them, newest first, paged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import UserFactory
from azora.education import public
from azora.education.errors import CourseNotFound
from azora.education.tests.certificate_factories import CourseFactory, issued_certificate

pytestmark = pytest.mark.django_db


def test_instructors_and_platform_admins_list_the_course_certificates_newest_first() -> None:
    instructor = UserFactory()
    course = CourseFactory(instructors=[instructor])
    first = issued_certificate(course=course)
    second = issued_certificate(course=course)
    issued_certificate()  # another course's
    public.certificate_revoke(certificate_id=first.id, by_user_id=instructor.id, reason="Copied work")
    admin = UserFactory()
    platform_role_grant(user_id=admin.id, role="platform_admin")

    for viewer in (instructor, admin):
        page = public.certificates_of_course(course_id=course.id, viewer_id=viewer.id)
        assert [(c.id, c.is_revoked, c.revocation_reason) for c in page.items] == [
            (second.id, False, ""),
            (first.id, True, "Copied work"),
        ]
        assert page.next_cursor is None


def test_pages_follow_the_cursor_in_one_query_each() -> None:
    instructor = UserFactory()
    course = CourseFactory(instructors=[instructor])
    made = [issued_certificate(course=course).id for _ in range(5)]

    first = public.certificates_of_course(course_id=course.id, viewer_id=instructor.id, limit=3)
    with CaptureQueriesContext(connection) as queries:
        rest = public.certificates_of_course(
            course_id=course.id, viewer_id=instructor.id, limit=3, cursor=first.next_cursor
        )

    assert [c.id for c in first.items + rest.items] == made[::-1]
    assert rest.next_cursor is None
    education_queries = [q for q in queries.captured_queries if "education_certificate" in q["sql"]]
    assert len(education_queries) == 1


def test_learners_and_strangers_get_course_not_found() -> None:
    course = CourseFactory(instructors=[UserFactory()])
    certificate = issued_certificate(course=course)
    for viewer_id in (certificate.user_id, UserFactory().id):
        with pytest.raises(CourseNotFound):
            public.certificates_of_course(course_id=course.id, viewer_id=viewer_id)
