"""Reads other apps use for lists of many courses: which courses a person edits, and many courses' titles at once."""

from __future__ import annotations

import uuid

import pytest
from pytest_django import DjangoAssertNumQueries

from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.education import public as education
from azora.education.tests.factories import CourseFactory, instructor_user

pytestmark = pytest.mark.django_db


def test_courses_editable_by_lists_taught_courses_and_those_of_organisations_the_person_runs() -> None:
    teacher = instructor_user()
    taught = CourseFactory(instructors=[teacher])
    owner = UserFactory()
    school = OrganisationFactory(owner=owner)
    admin, member = UserFactory(), UserFactory()
    MembershipFactory(organisation=school, user=admin, role="admin")
    MembershipFactory(organisation=school, user=member, role="member")
    schools_course = CourseFactory(organisation=school)
    CourseFactory()  # someone else's

    assert education.courses_editable_by(user_id=teacher.id) == [taught.id]
    assert education.courses_editable_by(user_id=owner.id) == [schools_course.id]
    assert education.courses_editable_by(user_id=admin.id) == [schools_course.id]
    assert education.courses_editable_by(user_id=member.id) == []
    for user_id in (teacher.id, owner.id, admin.id):
        for course_id in education.courses_editable_by(user_id=user_id):
            assert education.may_edit_course(user_id=user_id, course_id=course_id)


def test_course_titles_reads_many_courses_in_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    draft, published = CourseFactory(title="Draft one"), CourseFactory(title="Published one", published=True)

    with django_assert_num_queries(1):
        titles = education.course_titles(course_ids=[draft.id, published.id, uuid.uuid4()])

    assert titles == {draft.id: "Draft one", published.id: "Published one"}
    assert education.course_titles(course_ids=[]) == {}
