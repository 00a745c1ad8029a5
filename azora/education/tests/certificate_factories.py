"""Factories and helpers for the certificate tests: courses with instructors, completed enrolments, certificates."""

from __future__ import annotations

import uuid
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from azora.accounts.models import User
from azora.accounts.tests.factories import UserFactory
from azora.education.models import (
    Certificate,
    Course,
    CourseInstructor,
    CourseStatus,
    Enrollment,
    EnrollmentStatus,
)
from azora.education.services.certificates import certificate_issue


class CourseFactory(DjangoModelFactory[Course]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A published course; `CourseFactory(instructors=[user])` makes those users its instructors."""

    class Meta:
        model = Course
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "Plan a monthly budget and see what compound interest does to savings and debt."
    tags = factory.LazyFunction(lambda: ["budgeting", "compound interest"])
    status = CourseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation  # type: ignore[untyped-decorator]  # factory_boy is typed as Any
    def instructors(self, create: bool, extracted: list[User] | None, **kwargs: Any) -> None:
        if create:
            for position, user in enumerate(extracted or []):
                CourseInstructor.objects.create(course=self, user=user, position=position)


class EnrollmentFactory(DjangoModelFactory[Enrollment]):  # type: ignore[misc]  # factory_boy is typed as Any (pyproject)
    """A completed enrolment (the state that earns a certificate); pass status="active" for one in progress."""

    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    status = EnrollmentStatus.COMPLETED
    completed_at = factory.LazyFunction(timezone.now)


def issued_certificate(**enrollment_fields: Any) -> Certificate:
    """A certificate issued the way the platform issues one, for a new completed enrolment."""
    enrollment = EnrollmentFactory(**enrollment_fields)
    certificate_id: uuid.UUID = certificate_issue(enrollment_id=enrollment.id)
    return Certificate.objects.get(id=certificate_id)
