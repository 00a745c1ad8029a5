"""The platform's enrolment count for the operators' dashboard: revoked enrolments are left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

import azora.education.public as education
from azora.education.models import Enrollment
from azora.education.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_enrollment_count_leaves_out_revoked_and_older_enrolments() -> None:
    kept, old, revoked = EnrollmentFactory(), EnrollmentFactory(), EnrollmentFactory()
    Enrollment.objects.filter(id=revoked.id).update(revoked_at=timezone.now())
    Enrollment.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=10))

    assert education.enrollment_count() == 2
    assert education.enrollment_count(since=timezone.now() - timedelta(days=1)) == 1
    assert kept.revoked_at is None
