"""Fixtures of the oversight tests: a course with its instructor, an organisation with an admin, learners' threads."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from azora.accounts.models import Organisation, User
from azora.accounts.public import platform_role_grant
from azora.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from azora.education.models import Course
from azora.education.tests.factories import CourseFactory, instructor_user


@dataclass
class School:
    instructor: User
    course: Course
    other_course: Course
    organisation: Organisation
    org_admin: User
    org_member: User
    platform_admin: User
    stranger: User


@pytest.fixture
def school(db: None) -> School:
    instructor = instructor_user(display_name="Ms Dlamini")
    organisation = OrganisationFactory(name="Soweto High")
    org_admin = UserFactory()
    MembershipFactory(organisation=organisation, user=org_admin, role="admin")
    org_member = UserFactory()
    MembershipFactory(organisation=organisation, user=org_member, role="member")
    platform_admin = UserFactory()
    platform_role_grant(user_id=platform_admin.id, role="platform_admin")
    return School(
        instructor=instructor,
        course=CourseFactory(title="Fractions for beginners", instructors=[instructor]),
        other_course=CourseFactory(title="Someone else's course"),
        organisation=organisation,
        org_admin=org_admin,
        org_member=org_member,
        platform_admin=platform_admin,
        stranger=UserFactory(),
    )
